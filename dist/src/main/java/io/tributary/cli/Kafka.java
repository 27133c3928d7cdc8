package io.tributary.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.errors.TimeoutException;
import picocli.CommandLine.Option;

/** Kafka client plumbing shared by the commands: options, clients with bounded timeouts, error lines. */
final class Kafka {
  private Kafka() {}

  static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

  /** {@code --bootstrap}: where the cluster is ({@code TRIBUTARY_BOOTSTRAP} overrides the default). */
  static final class BootstrapOption {
    @Option(
        names = {"-b", "--bootstrap"},
        paramLabel = "HOST:PORT[,...]",
        defaultValue = "${env:TRIBUTARY_BOOTSTRAP:-" + DEFAULT_BOOTSTRAP + "}",
        description = "Bootstrap servers (default: ${DEFAULT-VALUE}, or $TRIBUTARY_BOOTSTRAP).")
    String bootstrap;

    @Option(
        names = "--request-timeout-ms",
        defaultValue = "10000",
        description = "How long to wait for the cluster to answer (default: ${DEFAULT-VALUE}).")
    int requestTimeoutMs;

    @Option(
        names = "--command-config",
        paramLabel = "FILE",
        description = "Kafka client properties for the clients of this command (security.protocol, sasl.*, ssl.*, ...).")
    Path commandConfig;

    /** The clients' common properties: the defaults below, then --command-config, then --bootstrap. */
    Properties clientProperties() {
      Properties p = common(bootstrap, requestTimeoutMs);
      if (commandConfig != null) {
        p.putAll(CommandConfigFile.load(commandConfig));
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      }
      return p;
    }

    /** An Admin that has been checked to reach the cluster. */
    Admin connectedAdmin() {
      return Kafka.connectedAdmin(adminProperties(clientProperties(), requestTimeoutMs), bootstrap, requestTimeoutMs);
    }
  }

  static Properties common(String bootstrap, int requestTimeoutMs) {
    Properties p = new Properties();
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(requestTimeoutMs));
    p.put(CommonClientConfigs.CLIENT_ID_CONFIG, "tributary-cli");
    // Fail fast when nothing listens: do not back off for long between reconnects.
    p.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
    return p;
  }

  static Admin admin(String bootstrap, int requestTimeoutMs) {
    return Admin.create(adminProperties(common(bootstrap, requestTimeoutMs), requestTimeoutMs));
  }

  /** An Admin with Kafka client security properties (security.protocol, sasl.*, ssl.*) on top of the defaults. */
  static Admin admin(String bootstrap, int requestTimeoutMs, Properties security) {
    Properties p = common(bootstrap, requestTimeoutMs);
    p.putAll(security);
    return Admin.create(adminProperties(p, requestTimeoutMs));
  }

  private static Properties adminProperties(Properties common, int requestTimeoutMs) {
    Properties p = new Properties();
    p.putAll(common);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(requestTimeoutMs));
    p.put(AdminClientConfig.RETRIES_CONFIG, "3");
    return p;
  }

  /** An Admin that has been checked to reach the cluster; a clear error if nothing answers. */
  static Admin connectedAdmin(String bootstrap, int requestTimeoutMs) {
    return connectedAdmin(adminProperties(common(bootstrap, requestTimeoutMs), requestTimeoutMs), bootstrap,
        requestTimeoutMs);
  }

  private static Admin connectedAdmin(Properties adminProperties, String bootstrap, int requestTimeoutMs) {
    Admin admin = Admin.create(adminProperties);
    try {
      describeCluster(admin, bootstrap, requestTimeoutMs);
      return admin;
    } catch (RuntimeException e) {
      admin.close(Duration.ZERO);
      throw e;
    }
  }

  static Collection<Node> describeCluster(Admin admin, String bootstrap, int timeoutMs) {
    return get(admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs)).nodes(), bootstrap, timeoutMs,
        "describe the cluster");
  }

  /** Waits for a Kafka future; a timeout becomes "no broker answered", other errors keep Kafka's message. */
  static <T> T get(KafkaFuture<T> future, String bootstrap, int timeoutMs, String what) {
    try {
      return future.get(timeoutMs + 2000L, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted while waiting to " + what);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof TimeoutException) {
        throw noBroker(bootstrap, timeoutMs);
      }
      throw new CliException("cannot " + what + ": " + Errors.message(cause), cause);
    } catch (java.util.concurrent.TimeoutException e) {
      throw noBroker(bootstrap, timeoutMs);
    }
  }

  static CliException noBroker(String bootstrap, int timeoutMs) {
    return new CliException("no broker answered at " + bootstrap + " within " + seconds(timeoutMs)
        + ": is the cluster running? try ./tributary local start (or pass --bootstrap HOST:PORT)");
  }

  static String seconds(long ms) {
    return ms % 1000 == 0 ? (ms / 1000) + " s" : String.format("%.1f s", ms / 1000.0);
  }

  static String ids(List<Node> nodes) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < nodes.size(); i++) {
      sb.append(i == 0 ? "" : ",").append(nodes.get(i).id());
    }
    return sb.append(']').toString();
  }
}
