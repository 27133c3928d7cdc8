package io.tributary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.cli.LocalCluster.Node;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tributary console}'s errors, and the command line {@code local start} gives it. */
class ConsoleCommandTest {
  @TempDir Path dir;

  @Test
  void aBadPortOrConfigFileIsAUsageError() {
    Cli.Result port = Cli.run("console", "--port", "70000");
    assertEquals(2, port.code(), port.toString());
    assertTrue(port.err().contains("--port must be 0-65535, got 70000"), port.toString());
    Cli.Result config = Cli.run("console", "--command-config", dir.resolve("missing.properties").toString());
    assertEquals(2, config.code(), config.toString());
    assertTrue(config.err().contains("--command-config: file not found"), config.toString());
    Cli.Result metrics = Cli.run("console", "--broker-metrics", "0=127.0.0.1:9404");
    assertEquals(2, metrics.code(), metrics.toString());
    assertTrue(metrics.err().contains("--broker-metrics: the metrics address of broker 0 must be an http:// or "
        + "https:// URL (e.g. http://127.0.0.1:9404/metrics), got '127.0.0.1:9404'"), metrics.toString());
    Cli.Result noId = Cli.run("console", "--broker-metrics", "http://127.0.0.1:9404/metrics");
    assertEquals(2, noId.code(), noId.toString());
    assertTrue(noId.err().contains("--broker-metrics"), noId.toString());
  }

  @Test
  void aTakenPortIsOneLine() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Cli.Result r = Cli.run("console", "--port", Integer.toString(taken.getLocalPort()));
      assertEquals(1, r.code(), r.toString());
      assertTrue(r.err().contains("the console cannot listen on 127.0.0.1:" + taken.getLocalPort()
          + ": the port is in use"), r.toString());
    }
  }

  @Test
  void localStartPointsTheConsoleAtItsNodes() {
    List<Node> nodes = LocalCluster.plan(2, 2181, 9092, 8081);
    List<String> args = LocalConsole.args(new LocalCluster(dir), nodes, 8080);
    String line = String.join(" ", args);
    assertTrue(line.startsWith("console --port 8080 --bootstrap 127.0.0.1:9092,127.0.0.1:9093 --catalog "), line);
    assertTrue(line.endsWith(" --zookeeper 127.0.0.1:2181 --registry http://127.0.0.1:8081"), line);
    String noRegistry = String.join(" ", LocalConsole.args(new LocalCluster(dir), LocalCluster.plan(1, 2181, 9092, -1),
        8080));
    assertTrue(!noRegistry.contains("--registry"), noRegistry);
    assertTrue(!noRegistry.contains("--broker-metrics"), "no metrics ports were planned: " + noRegistry);
  }

  @Test
  void localStartGivesTheConsoleEachBrokersMetrics() throws Exception {
    List<Node> nodes = LocalCluster.plan(2, 2181, 9092, 8081);
    LocalCluster cluster = new LocalCluster(dir);
    cluster.metrics.write(LocalMetrics.plan(nodes, 9404));
    String line = String.join(" ", LocalConsole.args(cluster, nodes, 8080));
    assertTrue(line.endsWith(" --broker-metrics 0=http://127.0.0.1:9404/metrics,1=http://127.0.0.1:9405/metrics"), line);
  }
}
