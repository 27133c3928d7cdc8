package io.tributary.log.broker;

import io.tributary.config.ZooKeeperAuth;
import io.tributary.log.network.ConnectionLimits;
import io.tributary.log.network.NetworkLimits;
import io.tributary.log.storage.LogCleaner;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * A broker's configuration, with Kafka's key names. Every key, its default and its documentation live
 * in {@link #KEYS}; the reference table in docs/ is generated from it. Keys starting with {@code log.}
 * that are not broker keys are topic defaults (for example {@code log.retention.ms}) and are passed to
 * the storage layer as such.
 */
public final class BrokerConfig {

  /** One configuration key: its name, default (null = required) and what it does. */
  public record Key(String name, String defaultValue, String doc) {}

  public static final Key BROKER_ID = new Key("broker.id", "0", "Unique id of this broker in the cluster.");
  public static final Key LISTENERS =
      new Key("listeners", "PLAINTEXT://127.0.0.1:9092", "Addresses the broker binds, as NAME://host:port,... (port 0 = any free port); see listener.security.protocol.map.");
  public static final Key ADVERTISED_LISTENERS =
      new Key("advertised.listeners", "", "Addresses given in Metadata to the clients of each listener, as NAME://host:port,...; defaults to the bound listeners.");
  public static final Key LOG_DIRS = new Key("log.dirs", "/tmp/tributary-logs", "Comma-separated directories holding partition logs.");
  public static final Key ZOOKEEPER_CONNECT =
      new Key("zookeeper.connect", "127.0.0.1:2181", "ZooKeeper connect string, optionally with a chroot (host:port,host:port/chroot).");
  public static final Key ZOOKEEPER_SESSION_TIMEOUT_MS =
      new Key("zookeeper.session.timeout.ms", "18000", "ZooKeeper session timeout; a broker silent this long loses its registration.");
  public static final Key ZOOKEEPER_CONNECTION_TIMEOUT_MS =
      new Key("zookeeper.connection.timeout.ms", "18000", "How long to wait for the first ZooKeeper connection at start.");
  public static final Key ZOOKEEPER_SET_ACL = new Key(ZooKeeperAuth.SET_ACL, "false", ZooKeeperAuth.SET_ACL_DOC);
  public static final Key ZOOKEEPER_AUTH_DIGEST = new Key(ZooKeeperAuth.AUTH_DIGEST, "", ZooKeeperAuth.AUTH_DIGEST_DOC);
  public static final Key BROKER_RACK = new Key("broker.rack", "", "Rack of this broker, for rack-aware replica placement.");
  public static final Key NUM_PARTITIONS = new Key("num.partitions", "1", "Partitions of an auto-created topic.");
  public static final Key DEFAULT_REPLICATION_FACTOR =
      new Key("default.replication.factor", "1", "Replication factor of auto-created topics and of CreateTopics with -1.");
  public static final Key AUTO_CREATE_TOPICS_ENABLE =
      new Key("auto.create.topics.enable", "true", "Create a topic when a client asks Metadata for an unknown one.");
  public static final Key SOCKET_REQUEST_MAX_BYTES =
      new Key("socket.request.max.bytes", "104857600", "Largest request frame accepted; a larger size closes the connection.");
  public static final Key NUM_NETWORK_THREADS = new Key("num.network.threads", "3", "Netty event-loop threads serving connections.");
  public static final Key NUM_IO_THREADS = new Key("num.io.threads", "8",
      "Request-handler threads: they serve requests (disk appends, segment rolls, reads) so that network threads only read and write.");
  public static final Key QUEUED_MAX_REQUESTS = new Key("queued.max.requests", "500",
      "Requests waiting for a request-handler thread; when full, network threads stop reading until a slot frees.");
  public static final Key QUEUED_MAX_REQUEST_BYTES = new Key("queued.max.request.bytes", "-1",
      "Bytes of requests read but not yet handled; when reached, network threads stop reading until some are handled. -1 = unbounded.");
  public static final Key MAX_CONNECTIONS = new Key("max.connections", Integer.toString(Integer.MAX_VALUE),
      "Connections open at once; one more is closed as it is accepted, with a WARN.");
  public static final Key MAX_CONNECTIONS_PER_IP = new Key("max.connections.per.ip", Integer.toString(Integer.MAX_VALUE),
      "Connections open at once from one IP address; one more is closed as it is accepted, with a WARN.");
  public static final Key MAX_CONNECTIONS_PER_IP_OVERRIDES = new Key("max.connections.per.ip.overrides", "",
      "Per-address exceptions to max.connections.per.ip, as host:count,host:count.");
  public static final Key CONNECTIONS_MAX_IDLE_MS = new Key("connections.max.idle.ms", "600000",
      "A connection with no request in flight and no traffic for this long is closed.");
  public static final Key PRODUCER_ID_EXPIRATION_MS = new Key("producer.id.expiration.ms", "86400000",
      "A producer's state (epoch, last sequences) is forgotten when it has written nothing for this long and has no open transaction.");
  public static final Key PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS = new Key("producer.id.expiration.check.interval.ms", "600000",
      "How often partitions are checked for producers idle for producer.id.expiration.ms.");
  public static final Key LOG_RETENTION_CHECK_INTERVAL_MS =
      new Key("log.retention.check.interval.ms", "300000", "How often retention and compaction run.");
  public static final Key LOG_FLUSH_SCHEDULER_INTERVAL_MS =
      new Key("log.flush.scheduler.interval.ms", "1000", "How often logs are checked against flush.ms.");
  public static final Key REPLICA_HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS = new Key("replica.high.watermark.checkpoint.interval.ms", "5000",
      "How often each log dir's replication-offset-checkpoint (every partition's high watermark) is written.");
  public static final Key LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS = new Key("log.flush.offset.checkpoint.interval.ms", "60000",
      "How often segments rolled since the last pass are fsynced and each log dir's recovery-point-offset-checkpoint is written.");
  public static final Key LOG_CLEANER_DEDUPE_BUFFER_SIZE = new Key("log.cleaner.dedupe.buffer.size", Long.toString(LogCleaner.DEFAULT_DEDUPE_BUFFER_BYTES),
      "Bytes of the compaction offset map (24 bytes a key: MD5 hash + offset, filled to 90%); a pass whose dirty section has more keys cleans up to the last offset the map covers and the next pass continues.");
  public static final Key REPLICA_LAG_TIME_MAX_MS =
      new Key("replica.lag.time.max.ms", "30000", "A follower that has not caught up for this long leaves the ISR.");
  public static final Key MIN_INSYNC_REPLICAS =
      new Key("min.insync.replicas", "1", "Default for topics: fewest in-sync replicas for acks=all to succeed.");
  public static final Key AUTO_LEADER_REBALANCE_ENABLE =
      new Key("auto.leader.rebalance.enable", "true", "Move leadership back to each partition's preferred replica once it is in sync again, for the brokers above leader.imbalance.per.broker.percentage.");
  public static final Key LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS =
      new Key("leader.imbalance.check.interval.seconds", "300", "How often the controller checks for partitions led by a non-preferred replica.");
  public static final Key LEADER_IMBALANCE_PER_BROKER_PERCENTAGE = new Key("leader.imbalance.per.broker.percentage", "10",
      "Share (percent) of the partitions a broker is the preferred replica of that may be led elsewhere before the automatic rebalance moves them back.");
  public static final Key REPLICA_FETCH_MAX_BYTES =
      new Key("replica.fetch.max.bytes", "1048576", "Bytes a follower asks per partition in one fetch (at least one batch is always returned).");
  public static final Key REPLICA_FETCH_WAIT_MAX_MS =
      new Key("replica.fetch.wait.max.ms", "500", "Longest a follower's fetch waits at the leader for new data.");
  public static final Key REPLICA_SOCKET_TIMEOUT_MS =
      new Key("replica.socket.timeout.ms", "30000", "Socket timeout of a follower's requests to its leader.");
  public static final Key CONTROLLED_SHUTDOWN_ENABLE = new Key("controlled.shutdown.enable", "true",
      "On a clean stop (SIGTERM), move leadership of this broker's partitions to other in-sync replicas before the listener closes.");
  public static final Key CONTROLLED_SHUTDOWN_MAX_RETRIES = new Key("controlled.shutdown.max.retries", "3",
      "Attempts after the first to move leadership off a stopping broker; then it stops anyway.");
  public static final Key CONTROLLED_SHUTDOWN_RETRY_BACKOFF_MS = new Key("controlled.shutdown.retry.backoff.ms", "5000",
      "How long one controlled-shutdown attempt waits for the leadership to move before the next attempt.");
  public static final Key OFFSETS_TOPIC_NUM_PARTITIONS =
      new Key("offsets.topic.num.partitions", "50", "Partitions of __consumer_offsets.");
  public static final Key OFFSETS_TOPIC_REPLICATION_FACTOR =
      new Key("offsets.topic.replication.factor", "3", "Replication factor of __consumer_offsets, created (with min.insync.replicas = min(2, this)) only once this many brokers are live; set 1 for a single broker.");
  public static final Key METRICS_PORT = new Key("metrics.port", "-1",
      "Port of the HTTP listener serving /metrics (Prometheus text), /health/live and /health/ready on the listener's host; 0 picks a free port, -1 turns it off (see docs/operations.md).");

  public static final List<Key> KEYS = concat(SecurityKeys.KEYS, List.of(
      BROKER_ID, LISTENERS, ADVERTISED_LISTENERS, LOG_DIRS, ZOOKEEPER_CONNECT, ZOOKEEPER_SESSION_TIMEOUT_MS,
      ZOOKEEPER_CONNECTION_TIMEOUT_MS, ZOOKEEPER_SET_ACL, ZOOKEEPER_AUTH_DIGEST, BROKER_RACK, NUM_PARTITIONS, DEFAULT_REPLICATION_FACTOR,
      AUTO_CREATE_TOPICS_ENABLE, SOCKET_REQUEST_MAX_BYTES, NUM_NETWORK_THREADS, NUM_IO_THREADS, QUEUED_MAX_REQUESTS,
      QUEUED_MAX_REQUEST_BYTES,
      MAX_CONNECTIONS,
      MAX_CONNECTIONS_PER_IP,
      MAX_CONNECTIONS_PER_IP_OVERRIDES,
      CONNECTIONS_MAX_IDLE_MS,
      PRODUCER_ID_EXPIRATION_MS,
      PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS,
      LOG_RETENTION_CHECK_INTERVAL_MS,
      LOG_FLUSH_SCHEDULER_INTERVAL_MS, REPLICA_LAG_TIME_MAX_MS, MIN_INSYNC_REPLICAS,
      REPLICA_HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS,
      LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS,
      LOG_CLEANER_DEDUPE_BUFFER_SIZE,
      AUTO_LEADER_REBALANCE_ENABLE, LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS, LEADER_IMBALANCE_PER_BROKER_PERCENTAGE,
      REPLICA_FETCH_MAX_BYTES,
      REPLICA_FETCH_WAIT_MAX_MS, REPLICA_SOCKET_TIMEOUT_MS,
      CONTROLLED_SHUTDOWN_ENABLE, CONTROLLED_SHUTDOWN_MAX_RETRIES, CONTROLLED_SHUTDOWN_RETRY_BACKOFF_MS,
      OFFSETS_TOPIC_NUM_PARTITIONS, OFFSETS_TOPIC_REPLICATION_FACTOR,
      Groups.OFFSETS_RETENTION_MINUTES, Groups.OFFSETS_RETENTION_CHECK_INTERVAL_MS, Groups.GROUP_MIN_SESSION_TIMEOUT_MS,
      Groups.GROUP_MAX_SESSION_TIMEOUT_MS, Groups.GROUP_INITIAL_REBALANCE_DELAY_MS, Groups.OFFSETS_COMMIT_TIMEOUT_MS,
      Transactions.STATE_LOG_NUM_PARTITIONS, Transactions.STATE_LOG_REPLICATION_FACTOR, Transactions.STATE_LOG_MIN_ISR,
      Transactions.MAX_TIMEOUT_MS, Transactions.ID_EXPIRATION_MS, Transactions.ABORT_TIMED_OUT_INTERVAL_MS,
      Transactions.REMOVE_EXPIRED_INTERVAL_MS, Transactions.PARTITION_VERIFICATION_ENABLE,
      METRICS_PORT));

  private static List<Key> concat(List<Key> security, List<Key> core) {
    List<Key> all = new ArrayList<>(core);
    all.addAll(security);
    return List.copyOf(all);
  }

  private final Map<String, String> values;

  private BrokerConfig(Map<String, String> values) {
    this.values = values;
  }

  /** Builds a config from key/value pairs; unknown non-topic keys are refused with the key named. */
  public static BrokerConfig of(Map<String, String> given) {
    Map<String, String> values = new LinkedHashMap<>();
    for (Key key : KEYS) {
      values.put(key.name(), key.defaultValue());
    }
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<String, String> e : given.entrySet()) {
      String name = e.getKey().trim();
      if (!values.containsKey(name) && !isTopicDefault(name) && !name.startsWith(SecurityKeys.LISTENER_PREFIX)) {
        unknown.add(name);
      }
      values.put(name, e.getValue().trim());
    }
    if (!unknown.isEmpty()) {
      throw new ConfigException("unknown broker configuration key(s) " + unknown
          + "; see docs/configuration.md for the keys a broker accepts");
    }
    BrokerConfig config = new BrokerConfig(values);
    config.validate();
    return config;
  }

  public static BrokerConfig load(Path file) throws IOException {
    Properties props = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      props.load(reader);
    }
    Map<String, String> map = new LinkedHashMap<>();
    props.stringPropertyNames().forEach(k -> map.put(k, props.getProperty(k)));
    try {
      return of(map);
    } catch (ConfigException e) {
      throw new ConfigException(file + ": " + e.getMessage());
    }
  }

  /** Topic-level defaults given at broker level, in Kafka's style ({@code log.retention.ms} etc). */
  static boolean isTopicDefault(String name) {
    return name.startsWith("log.") || name.equals("message.max.bytes") || name.startsWith("log.cleaner.");
  }

  private void validate() {
    brokerId();
    listeners();
    advertisedListeners();
    interBrokerListener();
    metricsPort();
    zookeeperAuth();
    if (zookeeperConnect().isEmpty()) {
      throw new ConfigException(ZOOKEEPER_CONNECT.name(), "", "must name at least one ZooKeeper server");
    }
    if (logDirs().isEmpty()) {
      throw new ConfigException(LOG_DIRS.name(), "", "must name at least one directory");
    }
    if (logCleanerDedupeBufferSize() < LogCleaner.MIN_DEDUPE_BUFFER_BYTES) {
      throw new ConfigException(LOG_CLEANER_DEDUPE_BUFFER_SIZE.name(), logCleanerDedupeBufferSize(),
          "must be at least " + LogCleaner.MIN_DEDUPE_BUFFER_BYTES + " bytes (room for one key: two 24-byte slots at load factor 0.9)");
    }
    if (socketRequestMaxBytes() <= 0) {
      throw new ConfigException(SOCKET_REQUEST_MAX_BYTES.name(), socketRequestMaxBytes(), "must be positive");
    }
    if (ioThreads() <= 0) {
      throw new ConfigException(NUM_IO_THREADS.name(), ioThreads(), "must be positive");
    }
    producerIdExpirationMs();
    producerIdExpirationCheckIntervalMs();
    if (queuedMaxRequests() <= 0) {
      throw new ConfigException(QUEUED_MAX_REQUESTS.name(), queuedMaxRequests(), "must be positive");
    }
    networkLimits();
    if (leaderImbalanceCheckIntervalMs() <= 0) {
      throw new ConfigException(LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS.name(), get(LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS), "must be positive");
    }
    if (leaderImbalancePerBrokerPercentage() < 0 || leaderImbalancePerBrokerPercentage() > 100) {
      throw new ConfigException(LEADER_IMBALANCE_PER_BROKER_PERCENTAGE.name(), leaderImbalancePerBrokerPercentage(), "must be 0-100");
    }
    if (controlledShutdownMaxRetries() < 0) {
      throw new ConfigException(CONTROLLED_SHUTDOWN_MAX_RETRIES.name(), controlledShutdownMaxRetries(), "must not be negative");
    }
    if (controlledShutdownRetryBackoffMs() <= 0) {
      throw new ConfigException(CONTROLLED_SHUTDOWN_RETRY_BACKOFF_MS.name(), controlledShutdownRetryBackoffMs(), "must be positive");
    }
    if (offsetsTopicReplicationFactor() < 1) {
      throw new ConfigException(OFFSETS_TOPIC_REPLICATION_FACTOR.name(), offsetsTopicReplicationFactor(), "must be at least 1");
    }
    Transactions.validate(this);
  }

  public String get(Key key) {
    return values.get(key.name());
  }

  public int brokerId() {
    return intValue(BROKER_ID);
  }

  /** The first listener's host (the only one of a single-listener broker). */
  public String listenerHost() {
    return listeners().get(0).host();
  }

  public int listenerPort() {
    return listeners().get(0).port();
  }

  /** The listeners bound, in the order given. */
  public List<ListenerAddresses.Endpoint> listeners() {
    return ListenerAddresses.parse(LISTENERS.name(), get(LISTENERS), protocolMap());
  }

  /**
   * The addresses given to each listener's clients: {@code advertised.listeners} where it names the listener,
   * else the bound address (its port 0 is resolved once bound).
   */
  public List<ListenerAddresses.Endpoint> advertisedListeners() {
    List<ListenerAddresses.Endpoint> bound = listeners();
    String adv = get(ADVERTISED_LISTENERS);
    if (adv.isEmpty()) {
      return bound;
    }
    List<ListenerAddresses.Endpoint> given = ListenerAddresses.parse(ADVERTISED_LISTENERS.name(), adv, protocolMap());
    List<ListenerAddresses.Endpoint> out = new ArrayList<>();
    for (ListenerAddresses.Endpoint b : bound) {
      out.add(given.stream().filter(g -> g.name().equals(b.name())).findFirst().orElse(b));
    }
    for (ListenerAddresses.Endpoint g : given) {
      if (bound.stream().noneMatch(b -> b.name().equals(g.name()))) {
        throw new ConfigException(ADVERTISED_LISTENERS.name(), adv, "listener " + g.name() + " is not bound (not in listeners)");
      }
    }
    return out;
  }

  /** The first listener's advertised host. */
  public String advertisedHost() {
    return advertisedListeners().get(0).host();
  }

  /** The first listener's advertised port; {@code boundPort} when it is advertised as bound on port 0. */
  public int advertisedPort(int boundPort) {
    int port = advertisedListeners().get(0).port();
    return port == 0 ? boundPort : port;
  }

  public String interBrokerListener() {
    return ListenerAddresses.interBrokerListener(get(SecurityKeys.INTER_BROKER_LISTENER_NAME), listeners());
  }

  private Map<String, SecurityProtocol> protocolMap() {
    return ListenerAddresses.protocolMap(SecurityKeys.LISTENER_SECURITY_PROTOCOL_MAP.name(), get(SecurityKeys.LISTENER_SECURITY_PROTOCOL_MAP));
  }

  public List<Path> logDirs() {
    List<Path> dirs = new ArrayList<>();
    for (String d : get(LOG_DIRS).split(",")) {
      if (!d.isBlank()) {
        dirs.add(Path.of(d.trim()));
      }
    }
    return dirs;
  }

  public String zookeeperConnect() {
    return get(ZOOKEEPER_CONNECT);
  }

  public int zookeeperSessionTimeoutMs() {
    return intValue(ZOOKEEPER_SESSION_TIMEOUT_MS);
  }

  public int zookeeperConnectionTimeoutMs() {
    return intValue(ZOOKEEPER_CONNECTION_TIMEOUT_MS);
  }

  /** The broker's ZooKeeper login and znode ACLs ({@code zookeeper.set.acl}, {@code zookeeper.auth.digest}). */
  public ZooKeeperAuth zookeeperAuth() {
    try {
      return ZooKeeperAuth.of(get(ZOOKEEPER_SET_ACL), get(ZOOKEEPER_AUTH_DIGEST));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  public String rack() {
    return get(BROKER_RACK);
  }

  public int numPartitions() {
    return intValue(NUM_PARTITIONS);
  }

  public short defaultReplicationFactor() {
    return (short) intValue(DEFAULT_REPLICATION_FACTOR);
  }

  public boolean autoCreateTopics() {
    return Boolean.parseBoolean(get(AUTO_CREATE_TOPICS_ENABLE));
  }

  public int socketRequestMaxBytes() {
    return intValue(SOCKET_REQUEST_MAX_BYTES);
  }

  public int networkThreads() {
    return intValue(NUM_NETWORK_THREADS);
  }

  public int ioThreads() {
    return intValue(NUM_IO_THREADS);
  }

  public int queuedMaxRequests() {
    return intValue(QUEUED_MAX_REQUESTS);
  }

  /** The metrics and health listener's port: -1 off, 0 any free port. */
  public int metricsPort() {
    int port = intValue(METRICS_PORT);
    if (port < -1 || port > 65535) {
      throw new ConfigException(METRICS_PORT.name(), port, "must be a port (0 for any free port), or -1 for none");
    }
    return port;
  }

  /** The listener's connection, idle and request-memory limits; invalid values are refused with their key named. */
  public NetworkLimits networkLimits() {
    long queuedBytes = longValue(QUEUED_MAX_REQUEST_BYTES);
    if (queuedBytes == 0 || queuedBytes < -1) {
      throw new ConfigException(QUEUED_MAX_REQUEST_BYTES.name(), queuedBytes, "must be positive, or -1 for unbounded");
    }
    long idleMs = longValue(CONNECTIONS_MAX_IDLE_MS);
    if (idleMs <= 0) {
      throw new ConfigException(CONNECTIONS_MAX_IDLE_MS.name(), idleMs, "must be positive");
    }
    int maxConnections = intValue(MAX_CONNECTIONS);
    if (maxConnections < 0) {
      throw new ConfigException(MAX_CONNECTIONS.name(), maxConnections, "cannot be negative");
    }
    int perIp = intValue(MAX_CONNECTIONS_PER_IP);
    if (perIp < 0) {
      throw new ConfigException(MAX_CONNECTIONS_PER_IP.name(), perIp, "cannot be negative");
    }
    Map<InetAddress, Integer> overrides =
        ConnectionLimits.parseOverrides(MAX_CONNECTIONS_PER_IP_OVERRIDES.name(), get(MAX_CONNECTIONS_PER_IP_OVERRIDES));
    return new NetworkLimits(new ConnectionLimits(maxConnections, perIp, overrides), idleMs, queuedBytes);
  }

  public long retentionCheckIntervalMs() {
    return longValue(LOG_RETENTION_CHECK_INTERVAL_MS);
  }

  /** log.cleaner.dedupe.buffer.size: bytes of the cleaner's offset map. */
  public long logCleanerDedupeBufferSize() {
    return longValue(LOG_CLEANER_DEDUPE_BUFFER_SIZE);
  }

  public long flushSchedulerIntervalMs() {
    return longValue(LOG_FLUSH_SCHEDULER_INTERVAL_MS);
  }

  public long producerIdExpirationMs() {
    return positiveLong(PRODUCER_ID_EXPIRATION_MS);
  }

  public long producerIdExpirationCheckIntervalMs() {
    return positiveLong(PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS);
  }

  public long highWatermarkCheckpointIntervalMs() {
    return longValue(REPLICA_HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS);
  }

  public long recoveryPointCheckpointIntervalMs() {
    return longValue(LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS);
  }

  public long replicaLagTimeMaxMs() {
    return longValue(REPLICA_LAG_TIME_MAX_MS);
  }

  public boolean controlledShutdownEnable() {
    return Boolean.parseBoolean(get(CONTROLLED_SHUTDOWN_ENABLE));
  }

  public int controlledShutdownMaxRetries() {
    return intValue(CONTROLLED_SHUTDOWN_MAX_RETRIES);
  }

  public long controlledShutdownRetryBackoffMs() {
    return longValue(CONTROLLED_SHUTDOWN_RETRY_BACKOFF_MS);
  }

  public boolean autoLeaderRebalance() {
    return Boolean.parseBoolean(get(AUTO_LEADER_REBALANCE_ENABLE));
  }

  public long leaderImbalanceCheckIntervalMs() {
    return longValue(LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS) * 1000L;
  }

  public int leaderImbalancePerBrokerPercentage() {
    return intValue(LEADER_IMBALANCE_PER_BROKER_PERCENTAGE);
  }

  public int replicaFetchMaxBytes() {
    return intValue(REPLICA_FETCH_MAX_BYTES);
  }

  public int replicaFetchWaitMaxMs() {
    return intValue(REPLICA_FETCH_WAIT_MAX_MS);
  }

  public int replicaSocketTimeoutMs() {
    return intValue(REPLICA_SOCKET_TIMEOUT_MS);
  }

  public int offsetsTopicPartitions() {
    return intValue(OFFSETS_TOPIC_NUM_PARTITIONS);
  }

  public short offsetsTopicReplicationFactor() {
    return (short) intValue(OFFSETS_TOPIC_REPLICATION_FACTOR);
  }

  /**
   * Topic configuration defaults set at broker level, translated to topic key names
   * ({@code log.retention.ms} becomes {@code retention.ms}, {@code log.segment.bytes} becomes
   * {@code segment.bytes}, {@code message.max.bytes} becomes {@code max.message.bytes}).
   */
  public Map<String, String> topicDefaults() {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : values.entrySet()) {
      String k = e.getKey();
      if (k.equals(LOG_DIRS.name()) || k.equals(LOG_RETENTION_CHECK_INTERVAL_MS.name())
          || k.equals(LOG_FLUSH_SCHEDULER_INTERVAL_MS.name()) || k.startsWith("log.cleaner.")
          || k.equals(LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS.name())) {
        continue;
      }
      if (k.equals("message.max.bytes")) {
        out.put("max.message.bytes", e.getValue());
      } else if (k.equals("log.cleanup.policy")) {
        out.put("cleanup.policy", e.getValue());
      } else if (k.equals("log.flush.interval.messages")) {
        out.put("flush.messages", e.getValue());
      } else if (k.equals("log.flush.interval.ms")) {
        out.put("flush.ms", e.getValue());
      } else if (k.equals("log.roll.ms")) {
        out.put("segment.ms", e.getValue());
      } else if (k.startsWith("log.")) {
        out.put(k.substring("log.".length()), e.getValue());
      }
    }
    out.put("min.insync.replicas", get(MIN_INSYNC_REPLICAS));
    return Collections.unmodifiableMap(out);
  }

  public Map<String, String> asMap() {
    return Collections.unmodifiableMap(values);
  }

  private int intValue(Key key) {
    try {
      return Integer.parseInt(get(key));
    } catch (NumberFormatException e) {
      throw new ConfigException(key.name(), get(key), "must be an integer");
    }
  }

  /** A value that must be above zero (a period or an age), named in the error otherwise. */
  private long positiveLong(Key key) {
    long v = longValue(key);
    if (v <= 0) {
      throw new ConfigException(key.name(), get(key), "must be positive");
    }
    return v;
  }

  private long longValue(Key key) {
    try {
      return Long.parseLong(get(key));
    } catch (NumberFormatException e) {
      throw new ConfigException(key.name(), get(key), "must be an integer");
    }
  }

  /** The group coordinator's keys (held in a nested class so that they are defined before {@link #KEYS}). */
  public static final class Groups {
    private Groups() {}

    public static final Key OFFSETS_RETENTION_MINUTES = new Key("offsets.retention.minutes", "10080",
        "Committed offsets of a group that has been empty this long are deleted.");
    public static final Key OFFSETS_RETENTION_CHECK_INTERVAL_MS = new Key("offsets.retention.check.interval.ms", "600000",
        "How often the group coordinator looks for expired offsets.");
    public static final Key GROUP_MIN_SESSION_TIMEOUT_MS = new Key("group.min.session.timeout.ms", "6000",
        "Smallest session timeout a group member may ask for.");
    public static final Key GROUP_MAX_SESSION_TIMEOUT_MS = new Key("group.max.session.timeout.ms", "1800000",
        "Largest session timeout a group member may ask for.");
    public static final Key GROUP_INITIAL_REBALANCE_DELAY_MS = new Key("group.initial.rebalance.delay.ms", "3000",
        "How long the first rebalance of an empty group waits for more members to join.");
    public static final Key OFFSETS_COMMIT_TIMEOUT_MS = new Key("offsets.commit.timeout.ms", "5000",
        "How long an offset commit waits for the in-sync replicas of __consumer_offsets before it fails.");
  }

  public int offsetsRetentionMinutes() {
    return intValue(Groups.OFFSETS_RETENTION_MINUTES);
  }

  public long offsetsRetentionCheckIntervalMs() {
    return longValue(Groups.OFFSETS_RETENTION_CHECK_INTERVAL_MS);
  }

  public int groupMinSessionTimeoutMs() {
    return intValue(Groups.GROUP_MIN_SESSION_TIMEOUT_MS);
  }

  public int groupMaxSessionTimeoutMs() {
    return intValue(Groups.GROUP_MAX_SESSION_TIMEOUT_MS);
  }

  public int groupInitialRebalanceDelayMs() {
    return intValue(Groups.GROUP_INITIAL_REBALANCE_DELAY_MS);
  }

  public long offsetsCommitTimeoutMs() {
    return longValue(Groups.OFFSETS_COMMIT_TIMEOUT_MS);
  }

  /** The transaction coordinator's keys (Kafka's names and defaults), nested for the same reason as {@link Groups}. */
  public static final class Transactions {
    private Transactions() {}

    public static final Key STATE_LOG_NUM_PARTITIONS = new Key("transaction.state.log.num.partitions", "50",
        "Partitions of __transaction_state.");
    public static final Key STATE_LOG_REPLICATION_FACTOR = new Key("transaction.state.log.replication.factor", "3",
        "Replication factor of __transaction_state, created only once this many brokers are live (transactional producers get COORDINATOR_NOT_AVAILABLE until then); set 1 for a single broker.");
    public static final Key STATE_LOG_MIN_ISR = new Key("transaction.state.log.min.isr", "2",
        "min.insync.replicas of __transaction_state (capped at its replication factor).");
    public static final Key MAX_TIMEOUT_MS = new Key("transaction.max.timeout.ms", "900000",
        "Largest transaction.timeout.ms a producer may ask for (InitProducerId answers INVALID_TRANSACTION_TIMEOUT above it).");
    public static final Key ID_EXPIRATION_MS = new Key("transactional.id.expiration.ms", "604800000",
        "A transactional id with no transaction for this long is forgotten (its state is deleted from __transaction_state).");
    public static final Key ABORT_TIMED_OUT_INTERVAL_MS = new Key("transaction.abort.timed.out.transaction.cleanup.interval.ms",
        "10000", "How often the coordinator aborts transactions open longer than their transaction.timeout.ms.");
    public static final Key REMOVE_EXPIRED_INTERVAL_MS = new Key("transaction.remove.expired.transaction.cleanup.interval.ms",
        "3600000", "How often the coordinator looks for transactional ids past transactional.id.expiration.ms.");
    public static final Key PARTITION_VERIFICATION_ENABLE = new Key("transaction.partition.verification.enable", "true",
        "A partition leader asks the transaction coordinator (AddPartitionsToTxn verify-only, KIP-890) before appending a transactional batch of a producer with no transaction open there; refused with INVALID_TXN_STATE if the partition is not in the transaction (no hanging transactions). Applies to Produce v11 and older: a transactions v2 produce (v12, KIP-890 part 2) always has its partition added through the coordinator.");

    static void validate(BrokerConfig config) {
      for (Key key : List.of(STATE_LOG_NUM_PARTITIONS, STATE_LOG_REPLICATION_FACTOR, STATE_LOG_MIN_ISR, MAX_TIMEOUT_MS,
          ID_EXPIRATION_MS, ABORT_TIMED_OUT_INTERVAL_MS, REMOVE_EXPIRED_INTERVAL_MS)) {
        if (config.longValue(key) < 1) {
          throw new ConfigException(key.name(), config.longValue(key), "must be at least 1");
        }
      }
      String verification = config.get(PARTITION_VERIFICATION_ENABLE).trim();
      if (!verification.equalsIgnoreCase("true") && !verification.equalsIgnoreCase("false")) {
        throw new ConfigException(PARTITION_VERIFICATION_ENABLE.name(), verification, "must be true or false");
      }
    }
  }

  public int transactionStateLogPartitions() {
    return intValue(Transactions.STATE_LOG_NUM_PARTITIONS);
  }

  public int transactionStateLogReplicationFactor() {
    return intValue(Transactions.STATE_LOG_REPLICATION_FACTOR);
  }

  public int transactionStateLogMinIsr() {
    return intValue(Transactions.STATE_LOG_MIN_ISR);
  }

  public int transactionMaxTimeoutMs() {
    return intValue(Transactions.MAX_TIMEOUT_MS);
  }

  public long transactionalIdExpirationMs() {
    return longValue(Transactions.ID_EXPIRATION_MS);
  }

  public long transactionAbortTimedOutIntervalMs() {
    return longValue(Transactions.ABORT_TIMED_OUT_INTERVAL_MS);
  }

  public long transactionRemoveExpiredIntervalMs() {
    return longValue(Transactions.REMOVE_EXPIRED_INTERVAL_MS);
  }

  public boolean transactionPartitionVerificationEnable() {
    return Boolean.parseBoolean(get(Transactions.PARTITION_VERIFICATION_ENABLE).trim());
  }
}
