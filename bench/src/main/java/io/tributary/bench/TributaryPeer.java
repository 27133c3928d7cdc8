package io.tributary.bench;

import io.tributary.log.embedded.EmbeddedZooKeeper;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A Tributary log cluster of 1 or more brokers, each a child JVM running
 * {@code io.tributary.log.broker.Broker <server.properties>} with the class path of module
 * {@code tributary-dist} ({@code dist/target/classes} plus {@code dist/target/classpath.txt}, written by
 * {@code mvn -DskipTests install} at the repository root). The ZooKeeper the brokers need is a real
 * server ({@link EmbeddedZooKeeper}) run inside the bench JVM; it is idle during the measured
 * phases apart from broker sessions' heartbeats.
 */
final class TributaryPeer extends ChildJvmPeer {
  static final String BROKER_MAIN = "io.tributary.log.broker.Broker";

  private EmbeddedZooKeeper zookeeper;

  private TributaryPeer(int nodes, Path dir, boolean keepDir) {
    super(nodes, dir, keepDir);
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
    return start(home, nodes, parentDir, jvmOpts, brokerProps, null, keepDir, progress);
  }

  /** As above; with {@code security} (null for PLAINTEXT) the brokers listen on SASL_SSL only. */
  static TributaryPeer start(Path home, int nodes, Path parentDir, List<String> jvmOpts,
      Map<String, String> brokerProps, SaslSslSetup security, boolean keepDir, PrintStream progress)
      throws BenchException, InterruptedException {
    String classpath = classpath(home);
    return start(parentDir, "tributary-", keepDir, dir -> new TributaryPeer(nodes, dir, keepDir),
        peer -> peer.startAll(classpath, jvmOpts, brokerProps, security, progress));
  }

  private void startAll(String classpath, List<String> jvmOpts, Map<String, String> brokerProps, SaslSslSetup security,
      PrintStream progress)
      throws BenchException, InterruptedException {
    try {
      Path zkDir = Files.createDirectories(dir.resolve("zookeeper"));
      zookeeper = EmbeddedZooKeeper.start("127.0.0.1", ChildJvm.freePort(), zkDir);
    } catch (Exception e) {
      throw new BenchException("could not start ZooKeeper for Tributary: " + e.getMessage(), e);
    }
    if (security != null) {
      security.seedTributaryUsers(zookeeper.connectString(), START_TIMEOUT_MS);
      clientConfig = security.clientConfig();
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
            security == null ? "listeners=PLAINTEXT://127.0.0.1:" + brokerPorts.get(i)
                : SaslSslSetup.lines(security.tributaryBroker(i, brokerPorts.get(i))),
            "log.dirs=" + nodeDir.resolve("data"),
            "zookeeper.connect=" + zookeeper.connectString(),
            "offsets.topic.replication.factor=" + Math.min(3, nodes),
            // As KafkaPeer's nodes: without it ConsumerPerformance's join time holds 3 s of waiting for more members.
            "group.initial.rebalance.delay.ms=0",
            KafkaPeer.extraProps(brokerProps)));
      } catch (IOException e) {
        throw new BenchException("cannot write " + props + ": " + e.getMessage(), e);
      }
      children.add(ChildJvm.start("tributary broker " + i, jvm, classpath, BROKER_MAIN, List.of(props.toString()),
          nodeDir, nodeDir.resolve("server.log")));
    }
    awaitStarted(progress, "ZooKeeper " + zookeeper.connectString() + ", data in " + dir);
  }

  @Override
  public String system() {
    return "tributary";
  }

  @Override
  public String description() {
    return brokers("ZooKeeper in the bench JVM");
  }

  @Override
  void stopKeepingDir() throws InterruptedException {
    super.stopKeepingDir();
    if (zookeeper != null) {
      zookeeper.close();
      zookeeper = null;
    }
  }
}
