package io.tributary.connect.worker;

import io.tributary.connect.Pipeline;
import io.tributary.connect.PipelineException;
import io.tributary.connect.PipelineLoader;
import io.tributary.connect.worker.ClusterLayout.StoredPipeline;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The pipelines a worker cluster runs, stored in ZooKeeper ({@code /pipelines/<name>}): submitted from files
 * (validated first, in full), replaced by submitting a file with the same {@code name}, removed by name. The
 * leader assigns every stored pipeline to a live worker.
 */
public final class PipelineStore {
  /** What {@link #submit} did. */
  public enum Outcome { CREATED, UPDATED, UNCHANGED }

  private PipelineStore() {}

  /**
   * Validates {@code file} and stores it under its {@code name}; an unchanged file leaves the stored one as is
   * (so that workers submitting the same directory at start do not restart the pipeline).
   */
  public static Outcome submit(CuratorFramework zk, Path file) throws PipelineException, Exception {
    Path abs = file.toAbsolutePath().normalize();
    Pipeline p = PipelineLoader.load(abs);
    String yaml = Files.readString(abs, StandardCharsets.UTF_8);
    String path = ClusterLayout.pipeline(p.name());
    while (true) {
      Stat stat = new Stat();
      byte[] current;
      try {
        current = zk.getData().storingStatIn(stat).forPath(path);
      } catch (KeeperException.NoNodeException e) {
        current = null;
      }
      if (current != null) {
        StoredPipeline old = ClusterLayout.fromJson(current, StoredPipeline.class, path);
        if (old.yaml().equals(yaml) && old.file().equals(abs.toString())) {
          return Outcome.UNCHANGED;
        }
      }
      byte[] data = ClusterLayout.toJson(new StoredPipeline(p.name(), abs.toString(), yaml, System.currentTimeMillis()));
      try {
        if (current == null) {
          zk.create().creatingParentContainersIfNeeded().forPath(path, data);
          return Outcome.CREATED;
        }
        zk.setData().withVersion(stat.getVersion()).forPath(path, data);
        return Outcome.UPDATED;
      } catch (KeeperException.NodeExistsException | KeeperException.BadVersionException raced) {
        // another submit in between: look again
      }
    }
  }

  /** Removes pipeline {@code name} (its owner stops it); false if there was none. */
  public static boolean remove(CuratorFramework zk, String name) throws Exception {
    try {
      zk.delete().forPath(ClusterLayout.pipeline(name));
    } catch (KeeperException.NoNodeException e) {
      return false;
    }
    try {
      zk.delete().forPath(ClusterLayout.status(name));
    } catch (KeeperException.NoNodeException e) {
      // never ran
    }
    return true;
  }

  /** The pipeline files named by {@code paths}: files as given, directories' {@code *.yaml}/{@code *.yml} by name. */
  public static List<Path> expand(List<Path> paths) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> files = Files.list(p)) {
          Path[] yaml = files.filter(f -> Files.isRegularFile(f)
                  && (f.getFileName().toString().endsWith(".yaml") || f.getFileName().toString().endsWith(".yml")))
              .sorted().toArray(Path[]::new);
          out.addAll(Arrays.asList(yaml));
        }
      } else {
        out.add(p);
      }
    }
    return out;
  }
}
