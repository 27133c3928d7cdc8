package io.tributary.bench;

import io.tributary.log.embedded.EmbeddedZooKeeper;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A Tributary log cluster of 1 or more brokers, each a child JVM running
 * {@code io.tributary.log.broker.Broker <server.properties>} with the class path of module
 * {@code tributary-dist} ({@code dist/target/classes} plus {@code dist/target/classpath.txt}, written by
 * {@code mvn -DskipTests install} at the repository root). The ZooKeeper the brokers need is a real
 * server ({@link EmbeddedZooKeeper}) run inside the bench JVM; it is idle during the measured
 * phases apart from broker sessions' heartbeats.
 */
final class TributaryPeer implements PeerCluster {
  static final String BROKER_MAIN = "io.tributary.log.broker.Broker";
  private static final long START_TIMEOUT_MS = 90_000;
  private static final long STOP_GRACE_MS = 15_000;

  private final int nodes;
  private final Path dir;
  private final boolean keepDir;
  private final List<ChildJvm> children = new ArrayList<>();
  private final List<Integer> brokerPorts = new ArrayList<>();
  private EmbeddedZooKeeper zookeeper;

  private TributaryPeer(int nodes, Path dir, boolean keepDir) {
    this.nodes = nodes;
    this.dir = dir;
    this.keepDir = keepDir;
  }

  /** The broker class path from a built tree, or a BenchException saying what to build. */
  static String classpath(Path home) throws BenchException {
    Path cpFile = home.resolve("dist/target/classpath.txt");
    Path classes = home.resolve("dist/target/classes");
    if (!Files.isRegularFile(cpFile) || !Files.isDirectory(classes)) {
      throw new BenchException("Tributary is not built in " + home + " (" + cpFile + " missing): run "
          + "`mvn -B -DskipTests install` at the repository root (bench/run.sh does)");
    }
    try {
      return classes.toAbsolutePath() + File.pathSeparator + Files.readString(cpFile).trim();
    } catch (IOException e) {
      throw new BenchException("cannot read " + cpFile + ": " + e.getMessage(), e);
    }
  }

  static TributaryPeer start(Path home, int nodes, Path parentDir, List<String> jvmOpts,
      Map<String, String> brokerProps, boolean keepDir, PrintStream progress) throws BenchException, InterruptedException {
    String classpath = classpath(home);
    Path dir;
    try {
      dir = Files.createTempDirectory(parentDir, "tributary-");
    } catch (IOException e) {
      throw new BenchException("cannot create a directory under " + parentDir + ": " + e.getMessage(), e);
    }
    TributaryPeer peer = new TributaryPeer(nodes, dir, keepDir);
    if (!keepDir) {
      ChildJvm.deleteOnExit(dir);
    }
    try {
      peer.startAll(classpath, jvmOpts, brokerProps, progress);
      return peer;
    } catch (BenchException e) {
      peer.stopKeepingDir(); // only logs and empty data so far: kept for inspection
      ChildJvm.forget(dir);
      throw new BenchException(e.getMessage() + "\n(logs kept in " + dir + ")", e);
    } catch (InterruptedException | RuntimeException e) {
      peer.close();
      throw e;
    }
  }

  private void startAll(String classpath, List<String> jvmOpts, Map<String, String> brokerProps,
      PrintStream progress)
      throws BenchException, InterruptedException {
    try {
      Path zkDir = Files.createDirectories(dir.resolve("zookeeper"));
      zookeeper = EmbeddedZooKeeper.start("127.0.0.1", ChildJvm.freePort(), zkDir);
    } catch (Exception e) {
      throw new BenchException("could not start ZooKeeper for Tributary: " + e.getMessage(), e);
    }
    // ChildJvm gives the brokers conf/jvm.options, the flags ./tributary passes (no effect on the broker's speed).
    List<String> jvm = List.copyOf(jvmOpts);
    for (int i = 0; i < nodes; i++) {
      brokerPorts.add(ChildJvm.freePort());
    }
    for (int i = 0; i < nodes; i++) {
      Path nodeDir = dir.resolve("broker-" + i);
      Path props = nodeDir.resolve("server.properties");
      try {
        Files.createDirectories(nodeDir);
        Files.writeString(props, String.join("\n",
            "# Written by io.tributary.bench.TributaryPeer; Tributary's defaults otherwise (no fsync per message).",
            "broker.id=" + i,
            "listeners=PLAINTEXT://127.0.0.1:" + brokerPorts.get(i),
            "log.dirs=" + nodeDir.resolve("data"),
            "zookeeper.connect=" + zookeeper.connectString(),
            "offsets.topic.replication.factor=" + Math.min(3, nodes),
            KafkaPeer.extraProps(brokerProps)));
      } catch (IOException e) {
        throw new BenchException("cannot write " + props + ": " + e.getMessage(), e);
      }
      children.add(ChildJvm.start("tributary broker " + i, jvm, classpath, BROKER_MAIN, List.of(props.toString()),
          nodeDir, nodeDir.resolve("server.log")));
    }
    for (int i = 0; i < nodes; i++) {
      children.get(i).awaitPort(brokerPorts.get(i), START_TIMEOUT_MS);
    }
    ClusterReadiness.await(system(), bootstrap(), nodes, children, START_TIMEOUT_MS);
    progress.printf("[%s] started %s at %s (pids %s, ZooKeeper %s, data in %s)%n", system(), description(),
        bootstrap(), children.stream().map(c -> Long.toString(c.pid())).collect(Collectors.joining(",")),
        zookeeper.connectString(), dir);
  }

  @Override
  public String system() {
    return "tributary";
  }

  @Override
  public String description() {
    return nodes + (nodes == 1 ? " broker" : " brokers") + ", ZooKeeper in the bench JVM";
  }

  @Override
  public String logTails(int lines) {
    StringBuilder sb = new StringBuilder();
    for (ChildJvm c : children) {
      sb.append("\n--- ").append(c.name()).append(" (").append(c.isAlive() ? "running" : "exited").append(") ---\n")
          .append(c.tail(lines));
    }
    return sb.toString();
  }

  @Override
  public String bootstrap() {
    return brokerPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
  }

  @Override
  public void close() throws InterruptedException {
    stopKeepingDir();
    if (!keepDir) {
      ChildJvm.deleteRecursively(dir);
    }
    ChildJvm.forget(dir);
  }

  private void stopKeepingDir() throws InterruptedException {
    ChildJvm.stopAll(children, STOP_GRACE_MS);
    children.clear();
    if (zookeeper != null) {
      zookeeper.close();
      zookeeper = null;
    }
  }
}
