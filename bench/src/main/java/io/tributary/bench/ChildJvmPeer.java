package io.tributary.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What both peers are: {@code nodes} brokers in child JVMs on free ports of 127.0.0.1, with their data in a
 * fresh temporary directory that {@link #close()} deletes unless it is to be kept. A failed start keeps the
 * directory (logs and empty data only) for inspection and names it in the error.
 */
abstract class ChildJvmPeer implements PeerCluster {
  static final long START_TIMEOUT_MS = 180_000;
  private static final long STOP_GRACE_MS = 15_000;

  final int nodes;
  final Path dir;
  private final boolean keepDir;
  final List<ChildJvm> children = new ArrayList<>();
  final List<Integer> brokerPorts = new ArrayList<>();
  /** Kafka client keys every client of this peer needs (empty for PLAINTEXT; SASL_SSL's in secure mode). */
  Map<String, String> clientConfig = Map.of();

  ChildJvmPeer(int nodes, Path dir, boolean keepDir) {
    this.nodes = nodes;
    this.dir = dir;
    this.keepDir = keepDir;
  }

  /** Makes a peer in its own directory. */
  interface Factory<P extends ChildJvmPeer> {
    P create(Path dir);
  }

  /** Starts a peer's processes. */
  interface Startup<P extends ChildJvmPeer> {
    void start(P peer) throws BenchException, InterruptedException;
  }

  /** A peer made by {@code factory} in a new directory {@code prefix*} under {@code parentDir}, started by {@code startup}. */
  static <P extends ChildJvmPeer> P start(Path parentDir, String prefix, boolean keepDir, Factory<P> factory,
      Startup<P> startup) throws BenchException, InterruptedException {
    Path dir;
    try {
      dir = Files.createTempDirectory(parentDir, prefix);
    } catch (IOException e) {
      throw new BenchException("cannot create a directory under " + parentDir + ": " + e.getMessage(), e);
    }
    P peer = factory.create(dir);
    if (!keepDir) {
      ChildJvm.deleteOnExit(dir);
    }
    try {
      startup.start(peer);
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

  /** Waits until every broker listens and the cluster answers as a whole, then says where it runs. */
  void awaitStarted(PrintStream progress, String where) throws BenchException, InterruptedException {
    for (int i = 0; i < nodes; i++) {
      children.get(i).awaitPort(brokerPorts.get(i), START_TIMEOUT_MS);
    }
    ClusterReadiness.await(system(), bootstrap(), clientConfig, nodes, children, START_TIMEOUT_MS);
    progress.printf("[%s] started %s at %s (pids %s, %s)%n", system(), description(), bootstrap(),
        children.stream().map(c -> Long.toString(c.pid())).collect(Collectors.joining(",")), where);
  }

  /** "3 brokers, " + how they run. */
  String brokers(String how) {
    return nodes + (nodes == 1 ? " broker" : " brokers") + ", " + how;
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

  /** Stops the processes and what else the peer runs, keeping the directory. */
  void stopKeepingDir() throws InterruptedException {
    ChildJvm.stopAll(children, STOP_GRACE_MS);
    children.clear();
  }

  @Override
  public void close() throws InterruptedException {
    stopKeepingDir();
    if (!keepDir) {
      ChildJvm.deleteRecursively(dir);
    }
    ChildJvm.forget(dir);
  }
}
