package io.tributary.cli;

import io.tributary.connect.worker.ClusterOptions;
import io.tributary.console.Console;
import io.tributary.console.ConsoleConfig;
import io.tributary.spark.sql.LakeCatalog;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tributary console}: the web console (docs/console.md) in the foreground. */
@Command(
    name = "console",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the web console: topics, consumer groups, schemas, pipelines and the lake in one place.",
      "It has no login of its own: it binds 127.0.0.1 unless --host says otherwise. SIGTERM or Ctrl-C stops it."
    })
final class ConsoleCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin Kafka.BootstrapOption kafka;

  @Option(names = "--host", defaultValue = ConsoleConfig.DEFAULT_HOST,
      description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = {"-p", "--port"}, defaultValue = "" + ConsoleConfig.DEFAULT_PORT,
      description = "Port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--registry", paramLabel = "URL", defaultValue = "http://127.0.0.1:8081",
      description = "Schema registry (default: ${DEFAULT-VALUE}).")
  String registry;

  /** The connect workers, named as for {@code connect status}: --zookeeper, --cluster or --config. */
  @Mixin ClusterOptions workers = new ClusterOptions();

  @Option(names = "--catalog", paramLabel = "DIR",
      description = "The lake's catalog folder, as for tributary sql (default: $TRIBUTARY_HOME/.local/catalog).")
  Path catalog;

  @Option(names = "--broker-metrics", paramLabel = "ID=URL", split = ",",
      description = "A broker's Prometheus /metrics URL by broker id, for throughput on the overview and /topics "
          + "(repeat or comma-separate, e.g. 0=http://127.0.0.1:9404/metrics; local start passes its brokers').")
  Map<Integer, String> brokerMetrics = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65_535) {
      throw new CliException("--port must be 0-65535, got " + port, 2);
    }
    String zookeeper = workers.zookeeperConnect();
    ConsoleConfig config;
    try {
      config = new ConsoleConfig(host, port, kafka.bootstrap, registry, zookeeper, workers.clusterName(),
          catalog != null ? catalog : LakeCatalog.defaultDir(), clientProperties(kafka.commandConfig), brokerMetrics);
    } catch (IllegalArgumentException e) {
      throw new CliException("--broker-metrics: " + e.getMessage(), 2);
    }
    Console console = start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      console.close();
      stopped.countDown();
    }, "console-shutdown"));
    PrintWriter out = spec.commandLine().getOut();
    out.println("console: " + console.url() + " (cluster " + kafka.bootstrap + ", registry " + registry
        + ", ZooKeeper " + zookeeper + "); Ctrl-C to stop");
    out.flush();
    stopped.await();
    return 0;
  }

  /** Starts the console; a port in use is a message, not a stack trace. */
  static Console start(ConsoleConfig config) throws IOException {
    try {
      return Console.start(config);
    } catch (BindException e) {
      throw new CliException("the console cannot listen on " + config.host() + ":" + config.port()
          + ": the port is in use; pick another with --port");
    }
  }

  /** The console's clients' properties from {@code --command-config} (the option every broker-facing command has). */
  static Map<String, String> clientProperties(Path file) {
    Map<String, String> out = new LinkedHashMap<>();
    if (file == null) {
      return out;
    }
    Properties p = CommandConfigFile.load(file);
    p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
    return out;
  }
}
