package io.tributary.console;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where the console listens and where the parts of the platform are.
 *
 * @param host interface the console binds (127.0.0.1 by default: the console has no login of its own)
 * @param port its port, 0 for any free one
 * @param bootstrapServers the log cluster, for kafka-clients
 * @param registryUrl the schema registry's REST base URL
 * @param zookeeperConnect the ZooKeeper of the connect workers
 * @param connectCluster the workers' {@code cluster.name}
 * @param catalogDir the lake's catalog folder (one {@code <name>.yaml} with {@code path: LOCATION} per table)
 * @param clientProperties extra kafka-clients settings (security.protocol, sasl.*, ssl.*) for every client
 * @param brokerMetrics each broker's Prometheus {@code /metrics} URL by broker id, for throughput (may be empty)
 */
public record ConsoleConfig(String host, int port, String bootstrapServers, String registryUrl,
    String zookeeperConnect, String connectCluster, Path catalogDir, Map<String, String> clientProperties,
    Map<Integer, String> brokerMetrics) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;

  public ConsoleConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(registryUrl, "registryUrl");
    Objects.requireNonNull(zookeeperConnect, "zookeeperConnect");
    Objects.requireNonNull(connectCluster, "connectCluster");
    Objects.requireNonNull(catalogDir, "catalogDir");
    clientProperties = Map.copyOf(clientProperties);
    brokerMetrics = Map.copyOf(brokerMetrics);
    brokerMetrics.forEach((id, url) -> {
      if (!url.startsWith("http://") && !url.startsWith("https://")) {
        throw new IllegalArgumentException("the metrics address of broker " + id + " must be an http:// or https:// URL"
            + " (e.g. http://127.0.0.1:9404/metrics), got '" + url + "'");
      }
    });
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
  }

  /** Without brokers' metrics addresses: the overview then has no throughput. */
  public ConsoleConfig(String host, int port, String bootstrapServers, String registryUrl, String zookeeperConnect,
      String connectCluster, Path catalogDir, Map<String, String> clientProperties) {
    this(host, port, bootstrapServers, registryUrl, zookeeperConnect, connectCluster, catalogDir, clientProperties,
        Map.of());
  }

  /** Whether the clients authenticate (the security page then lists users and ACLs). */
  public boolean securityOn() {
    String protocol = clientProperties.getOrDefault("security.protocol", "PLAINTEXT");
    return !protocol.equalsIgnoreCase("PLAINTEXT");
  }
}
