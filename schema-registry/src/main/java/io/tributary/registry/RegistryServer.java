package io.tributary.registry;

import io.tributary.metrics.MetricsHttpServer;
import io.tributary.metrics.ProcessMetrics;
import io.tributary.registry.metrics.RegistryMetrics;
import io.tributary.registry.metrics.RegistryReadiness;
import io.tributary.registry.rest.HttpServer;
import io.tributary.registry.rest.Primary;
import io.tributary.registry.rest.RestApi;
import io.tributary.registry.security.BasicAuthenticator;
import io.tributary.registry.security.RegistryTls;
import io.tributary.registry.security.RoleAssignments;
import io.tributary.registry.security.ZooKeeperScramCredentials;
import io.tributary.registry.store.KafkaLogStore;
import io.tributary.registry.store.LogStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.kafka.common.security.ssl.DefaultSslEngineFactory;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One schema-registry node: reads the log into its state, joins the primary election, serves HTTP.
 * {@code start()} returns once the node serves; {@code close()} stops it.
 */
public final class RegistryServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryServer.class);

  private final RegistryConfig config;
  private final LogStore store;
  private LeaderElection election;
  private HttpServer http;
  private SchemaRegistry registry;
  private RestApi api;
  private String url;
  private ProcessMetrics metrics;
  private MetricsHttpServer metricsHttp;
  private DefaultSslEngineFactory tls;
  private CuratorFramework usersZk;
  private ZooKeeperScramCredentials users;

  public RegistryServer(RegistryConfig config) {
    this(config, new KafkaLogStore(config.get(RegistryConfig.BOOTSTRAP), config.get(RegistryConfig.TOPIC),
        config.getInt(RegistryConfig.TOPIC_RF), config.getLong(RegistryConfig.INIT_TIMEOUT_MS),
        config.kafkaOverrides()));
  }

  /** With another store (tests: {@link io.tributary.registry.store.InMemoryLogStore}). */
  public RegistryServer(RegistryConfig config, LogStore store) {
    this.config = config;
    this.store = store;
  }

  public synchronized RegistryServer start() throws Exception {
    store.start();
    registry = new SchemaRegistry(store, config.compatibility(), config.getLong(RegistryConfig.STORE_TIMEOUT_MS));
    // bind first (port 0 = any) so the advertised URL has the real port, then join the election
    Primary[] primary = new Primary[1];
    Primary delegating = new Primary() {
      @Override
      public boolean isPrimary() {
        return primary[0] != null && primary[0].isPrimary();
      }

      @Override
      public String primaryUrl() {
        return primary[0] == null ? null : primary[0].primaryUrl();
      }
    };
    boolean https = config.listenerUris().stream().anyMatch(u -> u.getScheme().equals("https"));
    // the same TLS context serves the https listeners and forwards writes to an https primary
    tls = https || !config.get(RegistryConfig.SSL_TRUSTSTORE_LOCATION).isEmpty()
        ? RegistryTls.engines(config.sslSettings()) : null;
    api = new RestApi(registry, delegating, config.getLong(RegistryConfig.FORWARD_TIMEOUT_MS),
        tls == null ? null : tls.sslContext());
    if (config.getInt(RegistryConfig.METRICS_PORT) >= 0) {
      metrics = new ProcessMetrics();
      api.observe(new RegistryMetrics(metrics.registry())); // before serving: every request is counted
    }
    BasicAuthenticator authenticator = null;
    if (config.basicAuthentication()) {
      String[] cluster = ZooKeeperScramCredentials.serversAndNamespace(config.get(RegistryConfig.ZK_CONNECT));
      // SCRAM credentials are a sensitive path: with zookeeper.set.acl only the cluster's ZooKeeper login reads them
      usersZk = config.zookeeperAuth().applyTo(CuratorFrameworkFactory.builder().connectString(cluster[0]).namespace(cluster[1])
          .sessionTimeoutMs(config.getInt(RegistryConfig.ZK_SESSION_TIMEOUT_MS)).connectionTimeoutMs(15_000)
          .retryPolicy(new ExponentialBackoffRetry(200, 10)), cluster[1]).build();
      usersZk.start();
      users = new ZooKeeperScramCredentials(usersZk).start();
      authenticator = new BasicAuthenticator(users, new RoleAssignments(config.get(RegistryConfig.ROLES_ADMIN),
          config.get(RegistryConfig.ROLES_WRITE), config.get(RegistryConfig.ROLES_READ)));
    }
    http = new HttpServer(api, config.getInt(RegistryConfig.MAX_REQUEST_BYTES),
        config.getInt(RegistryConfig.HANDLER_THREADS), config.getInt(RegistryConfig.MAX_QUEUED),
        authenticator, config.get(RegistryConfig.AUTHENTICATION_REALM));
    InetSocketAddress bound = null;
    for (URI listener : config.listenerUris()) {
      InetSocketAddress b = http.start(listener.getHost(), RegistryConfig.port(listener),
          listener.getScheme().equals("https") ? tls : null);
      if (bound == null) {
        bound = b;
      }
    }
    url = config.advertisedUrl(bound.getPort());
    String zk = config.get(RegistryConfig.ZK_CONNECT);
    if (zk == null || zk.isEmpty()) {
      primary[0] = Primary.ALWAYS;
    } else {
      election = new LeaderElection(zk, config.getInt(RegistryConfig.ZK_SESSION_TIMEOUT_MS), config.zookeeperAuth(),
          config.get(RegistryConfig.ZK_NAMESPACE), url,
          Boolean.parseBoolean(config.get(RegistryConfig.LEADER_ELIGIBILITY)), registry::leadershipAcquired);
      election.start();
      primary[0] = election;
    }
    if (metrics != null) {
      metricsHttp = MetricsHttpServer.start(config.listenerUri().getHost(), config.getInt(RegistryConfig.METRICS_PORT), metrics,
          () -> RegistryReadiness.evaluate(delegating), "registry");
    }
    LOG.info("Schema registry listening on {} (topic {}, bootstrap {})", url,
        config.get(RegistryConfig.TOPIC), config.get(RegistryConfig.BOOTSTRAP));
    return this;
  }

  /** This node's URL, e.g. {@code http://127.0.0.1:8081} (https with an https first listener). */
  public String url() {
    return url;
  }

  public boolean isPrimary() {
    return election == null || election.isPrimary();
  }

  /** HTTP requests this node has handled. */
  public long requestCount() {
    return api == null ? 0 : api.requestCount();
  }

  public SchemaRegistry registry() {
    return registry;
  }

  /** The port of the metrics and health listener ({@code metrics.port}), -1 when it is off. */
  public int metricsPort() {
    return metricsHttp == null ? -1 : metricsHttp.boundPort();
  }

  @Override
  public synchronized void close() {
    if (metricsHttp != null) {
      metricsHttp.close();
      metricsHttp = null;
    }
    if (metrics != null) {
      metrics.close();
      metrics = null;
    }
    if (http != null) {
      http.close();
      http = null;
    }
    if (users != null) {
      users.close();
      users = null;
    }
    if (usersZk != null) {
      usersZk.close();
      usersZk = null;
    }
    if (tls != null) {
      tls.close();
      tls = null;
    }
    if (election != null) {
      try {
        election.close();
      } catch (IOException | RuntimeException e) {
        LOG.warn("Error leaving the election", e);
      }
      election = null;
    }
    store.close();
  }

  /** {@code RegistryServer <config.properties>}: runs one node until killed. */
  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: RegistryServer <registry.properties>");
      System.exit(2);
    }
    RegistryServer server = new RegistryServer(RegistryConfig.load(Path.of(args[0]))).start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "registry-shutdown"));
    System.out.println("Schema registry ready at " + server.url());
    stopped.await();
  }
}
