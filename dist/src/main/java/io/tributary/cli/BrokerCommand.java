package io.tributary.cli;

import io.tributary.log.broker.Broker;
import io.tributary.log.broker.BrokerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tributary broker}: one broker in the foreground until SIGTERM / Ctrl-C. */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description = {
      "Run one broker in the foreground (SIGTERM or Ctrl-C stops it).",
      "The config file uses Kafka's key names (broker.id, listeners, log.dirs, zookeeper.connect, ...).",
      "`broker decommission ID` moves every replica off a broker before it is stopped."
    },
    subcommands = {BrokerDecommissionCommand.class})
final class BrokerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  // Not required by picocli: `broker decommission` needs no config; running a broker does (checked in call()).
  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "server.properties file (required to run a broker).")
  Path config;

  @Option(names = {"-o", "--override"}, paramLabel = "KEY=VALUE", description = "Override a key of the file (repeatable).")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    if (config == null) {
      throw new CliException("Missing required option: '--config=FILE' (a server.properties to run a broker)", 2);
    }
    BrokerConfig cfg = load(config, overrides);
    PrintWriter out = spec.commandLine().getOut();
    Broker broker = new Broker(cfg);
    Thread hook = new Thread(broker::close, "broker-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      broker.start();
    } catch (Exception e) {
      broker.close();
      if (Errors.unwrap(e) instanceof BindException) {
        throw new CliException("broker " + cfg.brokerId() + " cannot listen on " + cfg.listenerHost() + ":"
            + cfg.listenerPort() + ": the port is in use (another broker or Kafka?); change listeners in " + config);
      }
      throw new CliException("broker " + cfg.brokerId() + " failed to start: " + Errors.message(e), e);
    }
    out.println("broker " + cfg.brokerId() + " listening on " + cfg.advertisedHost() + ":"
        + cfg.advertisedPort(broker.boundPort()) + " (zookeeper " + cfg.zookeeperConnect() + ", logs in "
        + cfg.get(BrokerConfig.LOG_DIRS) + "); Ctrl-C to stop");
    out.flush();
    broker.awaitShutdown();
    return 0;
  }

  /** The file's keys with the overrides on top; a missing file or a bad key is one clear line. */
  static BrokerConfig load(Path file, Map<String, String> overrides) {
    if (!Files.isRegularFile(file)) {
      throw new CliException("config file " + file + " not found (write a server.properties with Kafka's key names,"
          + " see docs/cli.md)", 2);
    }
    try {
      BrokerConfig fromFile = BrokerConfig.load(file);
      if (overrides.isEmpty()) {
        return fromFile;
      }
      Map<String, String> merged = new LinkedHashMap<>(fromFile.asMap());
      merged.putAll(overrides);
      try {
        return BrokerConfig.of(merged);
      } catch (ConfigException e) {
        throw new CliException("--override: " + e.getMessage(), 2);
      }
    } catch (ConfigException e) {
      throw new CliException(e.getMessage(), 2);
    } catch (IOException | IllegalArgumentException e) {
      throw new CliException("cannot read config file " + file + ": " + Errors.message(e), 2);
    }
  }
}
