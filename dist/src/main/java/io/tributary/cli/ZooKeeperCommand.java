package io.tributary.cli;

import io.tributary.log.embedded.EmbeddedZooKeeper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tributary zookeeper}: a standalone ZooKeeper server in the foreground. */
@Command(
    name = "zookeeper",
    mixinStandardHelpOptions = true,
    description = {
      "Run a standalone ZooKeeper server in the foreground.",
      "For local clusters, tests and docs.",
      "Production deployments use a real ZooKeeper ensemble; brokers take its connect string."
    })
final class ZooKeeperCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--port", defaultValue = "2181", description = "Client port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--dir", required = true, description = "Data directory (snapshots and transaction logs).")
  Path dir;

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65535) {
      throw new CliException("--port must be 0-65535, got " + port, 2);
    }
    PrintWriter out = spec.commandLine().getOut();
    EmbeddedZooKeeper zk = startServer(host, port, dir);
    Thread hook = new Thread(zk::close, "zookeeper-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    out.println("zookeeper listening on " + zk.connectString() + " (data in " + dir.toAbsolutePath()
        + "); Ctrl-C to stop");
    out.flush();
    zk.join();
    return 0;
  }

  /** log-cluster's embedded server (also the quickstart's); a port in use is a message, not a stack trace. */
  static EmbeddedZooKeeper startServer(String host, int port, Path dataDir) throws IOException, InterruptedException {
    try {
      return EmbeddedZooKeeper.start(host, port, dataDir);
    } catch (BindException e) {
      throw new CliException("ZooKeeper cannot listen on " + host + ":" + port
          + ": the port is in use (another ZooKeeper?); pick another port");
    }
  }
}
