package io.tributary.log.broker;

import io.tributary.config.ZooKeeperAuth;
import io.tributary.log.cluster.AclStore;
import io.tributary.log.cluster.BrokerInfo;
import io.tributary.log.cluster.ClusterStore;
import io.tributary.log.cluster.Controller;
import io.tributary.log.cluster.DeadBrokerDetector;
import io.tributary.log.cluster.MetadataCache;
import io.tributary.log.cluster.ScramCredentialStore;
import io.tributary.log.cluster.ZkPaths;
import io.tributary.log.network.KafkaServer;
import io.tributary.log.protocol.ApiVersionTable;
import io.tributary.log.protocol.RequestDecoder;
import io.tributary.log.storage.LogManager;
import io.tributary.log.txn.AddPartitionsToTxnManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One broker process: storage, the Kafka-protocol server and its ZooKeeper session, wired together.
 * Lifecycle: {@link #start()}, then {@link #close()} (or {@link #awaitShutdown()} in a foreground
 * process, which a JVM shutdown hook ends).
 */
public final class Broker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Broker.class);

  private final BrokerConfig config;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private CuratorFramework zk;
  private ClusterStore store;
  private MetadataCache metadata;
  private LogManager logs;
  private ReplicaManager replicas;
  private KafkaServer server;
  /** KIP-890's broker-to-coordinator AddPartitionsToTxn (verification, and transactions v2's additions). */
  private AddPartitionsToTxnManager txnVerifier;
  private ScramCredentialStore scramCredentials;
  private AclStore acls;
  private GroupApis groups;
  private Controller controller;
  private DeadBrokerDetector deadBrokers;
  private BrokerInfo registration;
  private BrokerObservability observability;
  private volatile boolean started;

  public Broker(BrokerConfig config) {
    this.config = config;
  }

  public BrokerConfig config() {
    return config;
  }

  /** Starts serving; returns once the listener is bound and the broker is registered. */
  public synchronized void start() throws Exception {
    String[] zkTarget = ZkPaths.serversAndNamespace(config.zookeeperConnect());
    ZooKeeperAuth zkAuth = config.zookeeperAuth();
    zk = zkAuth.applyTo(CuratorFrameworkFactory.builder()
        .connectString(zkTarget[0])
        .namespace(zkTarget[1])
        .sessionTimeoutMs(config.zookeeperSessionTimeoutMs())
        .connectionTimeoutMs(config.zookeeperConnectionTimeoutMs())
        .retryPolicy(new ExponentialBackoffRetry(200, 10, 2000)), zkTarget[1])
        .build();
    zk.start();
    if (!zk.blockUntilConnected(config.zookeeperConnectionTimeoutMs(), TimeUnit.MILLISECONDS)) {
      zk.close();
      throw new IllegalStateException("no ZooKeeper answered at " + config.zookeeperConnect() + " within "
          + config.zookeeperConnectionTimeoutMs() + " ms (zookeeper.connect)");
    }
    try {
      if (zkAuth.protectRoot(zk)) {
        log.info("broker {} gave the ZooKeeper root of the cluster its ACL (zookeeper.set.acl)", config.brokerId());
      }
    } catch (KeeperException.NoAuthException e) {
      zk.close();
      throw new IllegalStateException("the cluster's ZooKeeper root belongs to another identity than "
          + ZooKeeperAuth.AUTH_DIGEST + "'s user " + zkAuth.digestUser() + ": wrong password?", e);
    }
    store = new ClusterStore(zk);
    store.ensureLayout();
    // Before anything acts as this broker id (leading partitions, writing ISRs): refuse a duplicate id.
    store.awaitBrokerIdFree(config.brokerId());
    String clusterId = clusterId();

    Map<String, String> topicDefaults = config.topicDefaults();
    logs = new LogManager(config.logDirs(), topicDefaults, Time.SYSTEM, config.logCleanerDedupeBufferSize());
    logs.startup();
    observability = new BrokerObservability(config);
    replicas = new ReplicaManager(config, logs, store, observability.metrics());
    replicas.dynamicConfigs().load();
    metadata = new MetadataCache(zk);
    metadata.addListener(replicas::applyImage);
    metadata.start();
    replicas.startup();

    TopicAdmin topics = new TopicAdmin(store, metadata, topicDefaults);
    // The group and transaction coordinators (consumer groups, committed offsets, transactions).
    groups = CoordinatorApis.start(config, new BrokerCoordinatorHost(replicas, topics, new ProducerIdManager(store),
        InterBrokerSecurity.clientSecurity(config)), Time.SYSTEM);
    ApiVersionTable versions = KafkaApis.versionTable(groups);
    scramCredentials = new ScramCredentialStore(zk);
    scramCredentials.start();
    acls = new AclStore(zk);
    acls.start();
    RequestAuthorizer authorizer = RequestAuthorizer.enabled(config) ? RequestAuthorizer.of(config, acls) : RequestAuthorizer.ALLOW_ALL;
    // Created here (started once registered) because ElectLeaders is served by it.
    controller = new Controller(zk, store, metadata, config.brokerId(), config.autoLeaderRebalance(),
        config.leaderImbalanceCheckIntervalMs(), config.leaderImbalancePerBrokerPercentage());
    // KIP-890: partition leaders verify transactional produces with the transaction coordinator (part 1, when
    // enabled) and add the partitions of transactions v2 produces and offset commits to the transaction (part 2).
    txnVerifier = new AddPartitionsToTxnManager(replicas::image, config.brokerId(), InterBrokerSecurity.clientSecurity(config));
    KafkaApis apis = new KafkaApis(config, clusterId, versions, replicas, topics, groups,
        authorizer, new SecurityApis(authorizer, acls, scramCredentials), new ElectLeadersHandler(controller), txnVerifier);
    server = new KafkaServer(BrokerListeners.of(config, scramCredentials), config.socketRequestMaxBytes(),
        config.networkThreads(), config.ioThreads(), config.queuedMaxRequests(), config.networkLimits(),
        new RequestDecoder(versions), new MeasuredRequestHandler(apis, observability.metrics()));
    server.start();

    registration = BrokerRegistration.of(config, server::boundPort);
    store.registerBroker(registration);
    // Every ZooKeeper connection state is handled here, in one place; the replica manager decides what leading allows.
    zk.getConnectionStateListenable().addListener((client, state) -> {
      if (state == ConnectionState.SUSPENDED) {
        replicas.sessionSuspended();
      } else if (state == ConnectionState.CONNECTED) {
        replicas.sessionConnected();
      } else if (state == ConnectionState.LOST) {
        // The session (and with it our registration) may be gone: a new leader may already be elected.
        log.warn("broker {} lost its ZooKeeper session: it stops leading until it has re-registered", config.brokerId());
        replicas.fenceAll();
      } else if (state == ConnectionState.RECONNECTED) {
        replicas.sessionConnected();
        try {
          store.registerBroker(registration);
          log.info("broker {} re-registered after reconnecting to ZooKeeper", config.brokerId());
          replicas.reapplyImage(metadata.image());
        } catch (Exception e) {
          log.error("broker {} could not re-register in ZooKeeper", config.brokerId(), e);
        }
      }
    });
    controller.start();
    // A killed peer is deregistered once its listener refuses connections, not after its session expires.
    deadBrokers = new DeadBrokerDetector(zk, metadata, config.brokerId());
    deadBrokers.start();
    observability.start(replicas, controller, groups);
    logs.startBackgroundTasks(config.retentionCheckIntervalMs(), config.flushSchedulerIntervalMs(),
        config.highWatermarkCheckpointIntervalMs(), config.recoveryPointCheckpointIntervalMs());
    logs.startProducerExpiration(config.producerIdExpirationMs(), config.producerIdExpirationCheckIntervalMs());
    started = true;
    log.info("broker {} serving the Kafka protocol on {}:{} (cluster {}, log.dirs {})", config.brokerId(),
        config.listenerHost(), server.boundPort(), clusterId, config.logDirs());
  }

  /** The cluster id, created by the first broker ever to start against this ZooKeeper namespace. */
  private String clusterId() throws Exception {
    String path = "/cluster/id";
    try {
      zk.create().creatingParentsIfNeeded().forPath(path, Uuid.randomUuid().toString().getBytes(StandardCharsets.UTF_8));
    } catch (KeeperException.NodeExistsException e) {
      // another broker created it first
    }
    return new String(zk.getData().forPath(path), StandardCharsets.UTF_8);
  }

  /** The port the (first) listener is bound to (useful with listeners=...:0). */
  public int boundPort() {
    return server.boundPort();
  }

  /** The port listener {@code name} is bound to. */
  public int boundPort(String listenerName) {
    return server.boundPort(listenerName);
  }

  public String bootstrapAddress() {
    return registration.address();
  }

  /** The port of the metrics and health listener ({@code metrics.port}), -1 when it is off. */
  public int metricsPort() {
    return observability == null ? -1 : observability.boundPort();
  }

  public boolean isController() {
    return controller != null && controller.isActive();
  }

  public ReplicaManager replicaManager() {
    return replicas;
  }

  public LogManager logManager() {
    return logs;
  }

  public void awaitShutdown() throws InterruptedException {
    stopped.await();
  }

  @Override
  public synchronized void close() {
    if (stopped.getCount() == 0) {
      return;
    }
    log.info("broker {} shutting down", config.brokerId());
    if (started && config.controlledShutdownEnable()) {
      ControlledShutdown.run(zk, store, metadata, config);
    }
    closeQuietly(deadBrokers);
    closeQuietly(observability);
    closeQuietly(controller);
    closeQuietly(server);
    closeQuietly(txnVerifier);
    closeQuietly(groups);
    closeQuietly(replicas);
    closeQuietly(metadata);
    closeQuietly(scramCredentials);
    closeQuietly(acls);
    if (zk != null) {
      zk.close();
    }
    try {
      if (logs != null) {
        logs.close();
      }
    } catch (Exception e) {
      log.error("error closing logs", e);
    }
    started = false;
    stopped.countDown();
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      log.warn("error while closing {}", c.getClass().getSimpleName(), e);
    }
  }

  public boolean isStarted() {
    return started;
  }

  /** {@code java io.tributary.log.broker.Broker server.properties [key=value ...]}: a foreground broker. */
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: Broker <server.properties> [key=value ...]");
      System.exit(2);
    }
    Map<String, String> merged = new LinkedHashMap<>(BrokerConfig.load(Path.of(args[0])).asMap());
    for (int i = 1; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      if (eq <= 0) {
        System.err.println("override '" + args[i] + "' is not key=value");
        System.exit(2);
      }
      merged.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    Broker broker = new Broker(BrokerConfig.of(merged));
    Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "broker-shutdown"));
    try {
      broker.start();
    } catch (Exception e) {
      log.error("broker failed to start: {}", e.getMessage(), e);
      broker.close();
      System.exit(1);
    }
    broker.awaitShutdown();
  }
}
