package io.tributary.cli;

import io.tributary.cli.LocalCluster.Kind;
import io.tributary.cli.LocalCluster.Node;
import io.tributary.spark.sql.LakeCatalog;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The web console beside a local cluster: {@code local start} starts it last as a background process
 * ({@code console.pid}, {@code console.log} in the cluster's directory), {@code local stop} stops it first. It is
 * a convenience: when its port is taken or it does not come up, {@code local start} says so and the cluster
 * stays up.
 */
final class LocalConsole {
  static final String NAME = "console";
  /** Its heap: the SQL box runs Spark in the console's JVM. */
  static final String MAX_HEAP = "1g";
  /** How long {@code local start} waits for it to answer. */
  static final long START_TIMEOUT_MS = 60_000;

  private LocalConsole() {}

  static Path pidFile(LocalCluster cluster) {
    return cluster.dir.resolve(NAME + ".pid");
  }

  static Path logFile(LocalCluster cluster) {
    return cluster.dir.resolve(NAME + ".log");
  }

  /** The command line of {@code tributary console} over the cluster's nodes. */
  static List<String> args(LocalCluster cluster, List<Node> nodes, int port) {
    List<String> args = new ArrayList<>(List.of(NAME, "--port", Integer.toString(port),
        "--bootstrap", cluster.bootstrap(nodes), "--catalog", LakeCatalog.defaultDir().toAbsolutePath().toString()));
    nodes.stream().filter(n -> n.kind() == Kind.ZOOKEEPER).findFirst()
        .ifPresent(n -> args.addAll(List.of("--zookeeper", n.address())));
    nodes.stream().filter(n -> n.kind() == Kind.REGISTRY).findFirst()
        .ifPresent(n -> args.addAll(List.of("--registry", cluster.registryUrl(n))));
    // Each broker's /metrics, for the overview's throughput (a cluster started before metrics existed has none).
    List<String> metrics = new ArrayList<>();
    for (Node n : nodes) {
      if (n.kind() == Kind.BROKER) {
        cluster.metrics.metricsUrl(n).ifPresent(url -> metrics.add(n.name().substring("broker-".length()) + "=" + url));
      }
    }
    if (!metrics.isEmpty()) {
      args.addAll(List.of("--broker-metrics", String.join(",", metrics)));
    }
    // A secure cluster: the console's clients are the admin's.
    cluster.security().ifPresent(sec -> args.addAll(List.of("--command-config", sec.clientFile().toString())));
    return args;
  }

  /** Starts it and waits until it answers; the line to print: its URL, or why it is not running. */
  static String start(LocalCluster cluster, List<Node> nodes, int port) throws IOException, InterruptedException {
    String busy = LocalCluster.portBusy(port);
    if (busy != null) {
      return "console: not started: port " + port + " is in use (" + busy + "); start it elsewhere with "
          + "./tributary console --port PORT";
    }
    Process p = ChildJvm.start(MAX_HEAP, args(cluster, nodes, port), logFile(cluster));
    Files.writeString(pidFile(cluster), p.pid() + "\n");
    String url = "http://" + LocalCluster.HOST + ":" + port;
    long deadline = System.nanoTime() + START_TIMEOUT_MS * 1_000_000L;
    while (System.nanoTime() < deadline && p.isAlive()) {
      if (answers(url)) {
        return "console: " + url;
      }
      Thread.sleep(200);
    }
    ChildJvm.stop(p.toHandle(), 5_000);
    Files.deleteIfExists(pidFile(cluster));
    return "console: not started (see " + logFile(cluster) + ")";
  }

  /** Stops it if it runs; the line to print. */
  static Optional<String> stop(LocalCluster cluster, long timeoutMs) throws IOException {
    Optional<ProcessHandle> h = pid(cluster).flatMap(ChildJvm::live);
    Files.deleteIfExists(pidFile(cluster));
    return h.map(p -> (ChildJvm.stop(p, timeoutMs) ? "killed " : "stopped ") + NAME + " (pid " + p.pid() + ")");
  }

  /** Its process, when it runs. */
  static Optional<ProcessHandle> live(LocalCluster cluster) {
    return pid(cluster).flatMap(ChildJvm::live);
  }

  private static Optional<Long> pid(LocalCluster cluster) {
    try {
      return Optional.of(Long.parseLong(Files.readString(pidFile(cluster)).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Its own style sheet answers: the console is up (whatever the state of the cluster). */
  private static boolean answers(String url) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(url + "/static/console.css").toURL().openConnection();
      c.setConnectTimeout(1000);
      c.setReadTimeout(2000);
      return c.getResponseCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }
}
