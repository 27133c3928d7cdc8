package io.tributary.console.pipelines;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.connect.Pipeline;
import io.tributary.connect.PipelineException;
import io.tributary.connect.PipelineLoader;
import io.tributary.connect.Sink;
import io.tributary.connect.Source;
import io.tributary.connect.worker.ClusterLayout;
import io.tributary.connect.worker.ClusterLayout.StoredPipeline;
import io.tributary.connect.worker.ClusterLayout.TaskStatus;
import io.tributary.connect.worker.ClusterStatus;
import io.tributary.console.BadInput;
import io.tributary.console.Unavailable;
import io.tributary.console.metrics.CounterWindow;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;

/**
 * The connect workers' pipelines, read where {@code tributary connect status} reads them: the worker cluster's
 * ZooKeeper nodes ({@link ClusterStatus}) and the pipelines as submitted ({@link StoredPipeline}).
 */
public final class Pipelines implements AutoCloseable {
  /** How long the console waits for ZooKeeper. */
  private static final long CONNECT_TIMEOUT_MS = 5_000;
  private static final long SESSION_TIMEOUT_MS = 15_000;
  private static final ObjectMapper JSON = new ObjectMapper()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** How far back records/s looks, in ms. */
  public static final long RATE_WINDOW_MILLIS = 60_000;

  /**
   * One pipeline as the status page shows it; {@code recordsPerSecond} is records out per second over the owner's
   * reports the console saw in the last {@link #RATE_WINDOW_MILLIS} ("-" until it saw two).
   */
  public record PipelineRow(String name, String owner, String state, String recordsIn, String recordsOut,
      String recordsPerSecond, String deadLettered, String lag, String lastCommit, String error) {}

  /** What a pipeline reads and writes, from its submitted YAML. */
  public record Definition(String name, String yaml, Optional<String> sourceTopic, Optional<String> deadLetterTopic,
      Optional<String> tablePath) {}

  private final String zookeeperConnect;
  private final String cluster;
  private CuratorFramework zk;
  /** Records out per pipeline run (name, owner, start): a restarted or moved pipeline counts from 0 again. */
  private final CounterWindow<String> recordsOut = new CounterWindow<>(RATE_WINDOW_MILLIS);

  public Pipelines(String zookeeperConnect, String cluster) {
    this.zookeeperConnect = zookeeperConnect;
    this.cluster = cluster;
  }

  public String cluster() {
    return cluster;
  }

  /** The workers, the leader and every pipeline. */
  public ClusterStatus status() {
    try {
      return ClusterStatus.read(zk());
    } catch (Unavailable e) {
      throw e;
    } catch (Exception e) {
      throw down(e);
    }
  }

  public List<PipelineRow> rows(ClusterStatus status) {
    List<PipelineRow> out = new ArrayList<>();
    for (ClusterStatus.Row r : status.pipelines()) {
      Optional<TaskStatus> s = r.status();
      out.add(new PipelineRow(r.pipeline(), r.owner().orElse("-"),
          r.state().equals("WAITING") ? "WAITING (" + r.assignedTo().orElse("?") + ")" : r.state(),
          s.map(x -> Long.toString(x.recordsIn())).orElse("-"),
          s.map(x -> Long.toString(x.recordsOut())).orElse("-"),
          s.map(x -> perSecond(r.pipeline(), x)).orElse("-"),
          s.map(x -> Long.toString(x.deadLettered())).orElse("-"),
          s.map(TaskStatus::lag).map(String::valueOf).orElse("-"),
          s.map(TaskStatus::lastCommitMillis).map(t -> Instant.ofEpochMilli(t).toString()).orElse("-"),
          s.map(TaskStatus::error).orElse(null)));
    }
    return out;
  }

  /** The run's current rate, over the worker's own report times (not the console's clock). */
  private String perSecond(String pipeline, TaskStatus s) {
    String run = pipeline + "@" + s.worker() + "@" + s.startedMillis();
    recordsOut.record(run, s.recordsOut(), s.updatedMillis());
    OptionalDouble rate = recordsOut.perSecond(run);
    return rate.isEmpty() ? "-" : String.format("%.1f", rate.getAsDouble());
  }

  /** The pipeline as submitted, and the topics and table it names. */
  public Definition definition(String name) {
    byte[] bytes;
    try {
      bytes = zk().getData().forPath(ClusterLayout.PIPELINES + "/" + name);
    } catch (KeeperException.NoNodeException e) {
      throw new BadInput("no pipeline '" + name + "' in worker cluster '" + cluster + "'");
    } catch (Unavailable e) {
      throw e;
    } catch (Exception e) {
      throw down(e);
    }
    StoredPipeline stored;
    try {
      stored = JSON.readValue(bytes, StoredPipeline.class);
    } catch (IOException e) {
      throw new IllegalStateException("pipeline node of '" + name + "' is not a submitted pipeline: " + e.getMessage(), e);
    }
    Pipeline p;
    try {
      p = PipelineLoader.parse(Path.of(stored.file()), stored.yaml());
    } catch (PipelineException e) {
      return new Definition(name, stored.yaml(), Optional.empty(), Optional.empty(), Optional.empty());
    }
    Optional<String> source = p.source() instanceof Source.Topic t ? Optional.of(t.topic()) : Optional.empty();
    Optional<String> table = p.sink() instanceof Sink.Hudi h ? Optional.of(h.tablePath().toString()) : Optional.empty();
    return new Definition(name, stored.yaml(), source, p.errors().deadLetterTopic(), table);
  }

  private synchronized CuratorFramework zk() {
    if (zk == null) {
      try {
        zk = ClusterLayout.connect(zookeeperConnect, cluster, SESSION_TIMEOUT_MS, CONNECT_TIMEOUT_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while connecting to ZooKeeper", e);
      } catch (IllegalStateException e) {
        throw down(e);
      }
    }
    return zk;
  }

  private Unavailable down(Exception e) {
    return new Unavailable("the connect workers' ZooKeeper at " + zookeeperConnect + " did not answer: is it "
        + "running? (" + e.getMessage() + ")", e);
  }

  @Override
  public synchronized void close() {
    if (zk != null) {
      zk.close();
    }
  }
}
