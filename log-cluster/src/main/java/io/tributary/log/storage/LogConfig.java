package io.tributary.log.storage;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.record.TimestampType;

/**
 * Topic-level log configuration with Kafka's key names and defaults. Immutable; every key, its default,
 * its parser and its documentation live in {@link #KEYS}. Unknown keys and bad values are refused with
 * a {@link ConfigException} naming the key and the value.
 */
public final class LogConfig {

  /** One supported key: name, default, documentation and a validating parser. */
  public record Key(String name, String defaultValue, String doc, Function<String, Object> parser) {}

  public static final String SEGMENT_BYTES = "segment.bytes";
  public static final String SEGMENT_MS = "segment.ms";
  public static final String SEGMENT_INDEX_BYTES = "segment.index.bytes";
  public static final String INDEX_INTERVAL_BYTES = "index.interval.bytes";
  public static final String RETENTION_MS = "retention.ms";
  public static final String RETENTION_BYTES = "retention.bytes";
  public static final String CLEANUP_POLICY = "cleanup.policy";
  public static final String DELETE_RETENTION_MS = "delete.retention.ms";
  public static final String MIN_COMPACTION_LAG_MS = "min.compaction.lag.ms";
  public static final String MIN_CLEANABLE_DIRTY_RATIO = "min.cleanable.dirty.ratio";
  public static final String FLUSH_MESSAGES = "flush.messages";
  public static final String FLUSH_MS = "flush.ms";
  public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
  public static final String MESSAGE_TIMESTAMP_TYPE = "message.timestamp.type";
  public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
  public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";
  public static final String FILE_DELETE_DELAY_MS = "file.delete.delay.ms";
  public static final String LEADER_REPLICATION_THROTTLED_REPLICAS = "leader.replication.throttled.replicas";
  public static final String FOLLOWER_REPLICATION_THROTTLED_REPLICAS = "follower.replication.throttled.replicas";

  /** Every supported key in documentation order. */
  public static final Map<String, Key> KEYS;

  static {
    Map<String, Key> k = new LinkedHashMap<>();
    put(k, SEGMENT_BYTES, "1073741824", "Size at which the active segment is rolled.", v -> intAtLeast(SEGMENT_BYTES, v, 14));
    put(k, SEGMENT_MS, "604800000", "Age after which the active segment is rolled even if not full.", v -> longAtLeast(SEGMENT_MS, v, 1));
    put(k, SEGMENT_INDEX_BYTES, "10485760", "Maximum size of a segment's offset index; a full index rolls the segment.",
        v -> intAtLeast(SEGMENT_INDEX_BYTES, v, 8));
    put(k, INDEX_INTERVAL_BYTES, "4096", "Bytes of log between two offset-index entries.", v -> intAtLeast(INDEX_INTERVAL_BYTES, v, 0));
    put(k, RETENTION_MS, "604800000", "Age (by largest timestamp) after which a whole segment is deleted; -1 keeps forever.",
        v -> longAtLeast(RETENTION_MS, v, -1));
    put(k, RETENTION_BYTES, "-1", "Size above which the oldest whole segments are deleted; -1 means no limit.",
        v -> longAtLeast(RETENTION_BYTES, v, -1));
    put(k, CLEANUP_POLICY, "delete", "delete, compact, or compact,delete.", LogConfig::parsePolicy);
    put(k, DELETE_RETENTION_MS, "86400000", "How long tombstones are kept in a compacted topic (by record timestamp).",
        v -> longAtLeast(DELETE_RETENTION_MS, v, 0));
    put(k, MIN_COMPACTION_LAG_MS, "0", "Records younger than this are never compacted.", v -> longAtLeast(MIN_COMPACTION_LAG_MS, v, 0));
    put(k, MIN_CLEANABLE_DIRTY_RATIO, "0.5", "Dirty fraction of the log that triggers compaction.", v -> {
      double d = parse(MIN_CLEANABLE_DIRTY_RATIO, v, Double::parseDouble);
      if (!(d >= 0 && d <= 1)) {
        throw bad(MIN_CLEANABLE_DIRTY_RATIO, v, "must be between 0 and 1");
      }
      return d;
    });
    put(k, FLUSH_MESSAGES, Long.toString(Long.MAX_VALUE), "fsync after this many appended messages (1 = every append).",
        v -> longAtLeast(FLUSH_MESSAGES, v, 1));
    put(k, FLUSH_MS, Long.toString(Long.MAX_VALUE), "fsync when data has been unflushed this long.", v -> longAtLeast(FLUSH_MS, v, 0));
    put(k, MAX_MESSAGE_BYTES, "1048588", "Largest record batch accepted.", v -> intAtLeast(MAX_MESSAGE_BYTES, v, 0));
    put(k, MESSAGE_TIMESTAMP_TYPE, "CreateTime", "CreateTime keeps the producer's timestamps; LogAppendTime stamps the broker time.",
        v -> {
          if (v.equals("CreateTime")) {
            return TimestampType.CREATE_TIME;
          } else if (v.equals("LogAppendTime")) {
            return TimestampType.LOG_APPEND_TIME;
          }
          throw bad(MESSAGE_TIMESTAMP_TYPE, v, "must be CreateTime or LogAppendTime");
        });
    put(k, MIN_INSYNC_REPLICAS, "1", "Fewest in-sync replicas for acks=all.", v -> intAtLeast(MIN_INSYNC_REPLICAS, v, 1));
    put(k, UNCLEAN_LEADER_ELECTION_ENABLE, "false", "Allow a replica outside the ISR to become leader (may lose data).",
        v -> parseBoolean(UNCLEAN_LEADER_ELECTION_ENABLE, v));
    put(k, FILE_DELETE_DELAY_MS, "60000", "Delay before a deleted segment's files are closed and removed.",
        v -> longAtLeast(FILE_DELETE_DELAY_MS, v, 0));
    put(k, LEADER_REPLICATION_THROTTLED_REPLICAS, "", "Replicas whose leader-side replication is limited by the leader's"
        + " leader.replication.throttled.rate: '*' or partition:broker,... (set by kafka-reassign-partitions --throttle).",
        v -> ThrottledReplicas.parse(LEADER_REPLICATION_THROTTLED_REPLICAS, v));
    put(k, FOLLOWER_REPLICATION_THROTTLED_REPLICAS, "", "Replicas whose follower-side replication is limited by the follower's"
        + " follower.replication.throttled.rate: '*' or partition:broker,... (set by kafka-reassign-partitions --throttle).",
        v -> ThrottledReplicas.parse(FOLLOWER_REPLICATION_THROTTLED_REPLICAS, v));
    KEYS = Collections.unmodifiableMap(k);
  }

  /** Broker-level aliases accepted in the base (broker defaults) map, Kafka's log.* names without the prefix. */
  private static final Map<String, String> BASE_ALIASES = Map.of(
      "retention.hours", RETENTION_MS, "retention.minutes", RETENTION_MS, "roll.hours", SEGMENT_MS,
      "roll.ms", SEGMENT_MS, "index.size.max.bytes", SEGMENT_INDEX_BYTES, "flush.interval.messages", FLUSH_MESSAGES,
      "flush.interval.ms", FLUSH_MS, "message.max.bytes", MAX_MESSAGE_BYTES, "cleaner.delete.retention.ms", DELETE_RETENTION_MS,
      "cleaner.min.compaction.lag.ms", MIN_COMPACTION_LAG_MS);

  private static final LogConfig DEFAULTS = new LogConfig(Map.of());

  private final Map<String, String> raw;      // every key -> effective string value
  private final Map<String, Object> parsed;   // every key -> typed value
  private final Set<String> explicit;         // keys not from defaults

  private LogConfig(Map<String, String> given) {
    Map<String, String> r = new LinkedHashMap<>();
    Map<String, Object> p = new LinkedHashMap<>();
    for (Key key : KEYS.values()) {
      String v = given.getOrDefault(key.name(), key.defaultValue());
      r.put(key.name(), v);
      p.put(key.name(), key.parser().apply(v));
    }
    this.raw = Collections.unmodifiableMap(r);
    this.parsed = p;
    this.explicit = Set.copyOf(given.keySet());
  }

  public static LogConfig defaults() {
    return DEFAULTS;
  }

  /** Topic overrides on top of Kafka's defaults. */
  public static LogConfig fromMap(Map<String, String> overrides) {
    return fromMap(Map.of(), overrides);
  }

  /** Broker-level topic defaults ({@code base}), then topic overrides, on top of Kafka's defaults. */
  public static LogConfig fromMap(Map<String, String> base, Map<String, String> overrides) {
    Map<String, String> given = new LinkedHashMap<>();
    if (base != null) {
      for (Map.Entry<String, String> e : base.entrySet()) {
        String alias = BASE_ALIASES.get(e.getKey());
        if (alias != null) {
          if (!base.containsKey(alias)) {
            given.put(alias, aliasValue(e.getKey(), e.getValue()));
          }
        } else {
          checkKnown(e.getKey(), e.getValue());
          given.put(e.getKey(), e.getValue().trim());
        }
      }
    }
    if (overrides != null) {
      for (Map.Entry<String, String> e : overrides.entrySet()) {
        checkKnown(e.getKey(), e.getValue());
        if (e.getValue() == null) {
          given.remove(e.getKey());
        } else {
          given.put(e.getKey(), e.getValue().trim());
        }
      }
    }
    return new LogConfig(given);
  }

  private static String aliasValue(String key, String value) {
    long v = parse(key, value, Long::parseLong);
    return switch (key) {
      case "retention.hours", "roll.hours" -> Long.toString(v < 0 ? -1 : v * 3_600_000L);
      case "retention.minutes" -> Long.toString(v < 0 ? -1 : v * 60_000L);
      default -> Long.toString(v);
    };
  }

  private static void checkKnown(String key, String value) {
    if (!KEYS.containsKey(key)) {
      throw new ConfigException(key, value, "Unknown topic configuration key; supported keys: " + KEYS.keySet());
    }
  }

  /** Every supported key. */
  public static Set<String> names() {
    return KEYS.keySet();
  }

  /** Every effective value, in documentation order (for DescribeConfigs). */
  public Map<String, String> toMap() {
    return raw;
  }

  /** True when {@code key}'s value came from Kafka's defaults (not from broker defaults nor a topic override). */
  public boolean isDefault(String key) {
    if (!KEYS.containsKey(key)) {
      throw new ConfigException(key, null, "Unknown topic configuration key");
    }
    return !explicit.contains(key);
  }

  /** The effective string value of a key. */
  public String get(String key) {
    return raw.get(key);
  }

  public int segmentBytes() { return (Integer) parsed.get(SEGMENT_BYTES); }
  public long segmentMs() { return (Long) parsed.get(SEGMENT_MS); }
  public int segmentIndexBytes() { return (Integer) parsed.get(SEGMENT_INDEX_BYTES); }
  public int indexIntervalBytes() { return (Integer) parsed.get(INDEX_INTERVAL_BYTES); }
  public long retentionMs() { return (Long) parsed.get(RETENTION_MS); }
  public long retentionBytes() { return (Long) parsed.get(RETENTION_BYTES); }
  public boolean compact() { return ((Policy) parsed.get(CLEANUP_POLICY)).compact; }
  public boolean delete() { return ((Policy) parsed.get(CLEANUP_POLICY)).delete; }
  public long deleteRetentionMs() { return (Long) parsed.get(DELETE_RETENTION_MS); }
  public long minCompactionLagMs() { return (Long) parsed.get(MIN_COMPACTION_LAG_MS); }
  public double minCleanableDirtyRatio() { return (Double) parsed.get(MIN_CLEANABLE_DIRTY_RATIO); }
  public long flushMessages() { return (Long) parsed.get(FLUSH_MESSAGES); }
  public long flushMs() { return (Long) parsed.get(FLUSH_MS); }
  public ThrottledReplicas leaderThrottledReplicas() { return (ThrottledReplicas) parsed.get(LEADER_REPLICATION_THROTTLED_REPLICAS); }
  public ThrottledReplicas followerThrottledReplicas() { return (ThrottledReplicas) parsed.get(FOLLOWER_REPLICATION_THROTTLED_REPLICAS); }
  public int maxMessageBytes() { return (Integer) parsed.get(MAX_MESSAGE_BYTES); }
  public TimestampType messageTimestampType() { return (TimestampType) parsed.get(MESSAGE_TIMESTAMP_TYPE); }
  public int minInsyncReplicas() { return (Integer) parsed.get(MIN_INSYNC_REPLICAS); }
  public boolean uncleanLeaderElectionEnable() { return (Boolean) parsed.get(UNCLEAN_LEADER_ELECTION_ENABLE); }
  public long fileDeleteDelayMs() { return (Long) parsed.get(FILE_DELETE_DELAY_MS); }

  @Override
  public boolean equals(Object o) {
    return o instanceof LogConfig other && raw.equals(other.raw);
  }

  @Override
  public int hashCode() {
    return raw.hashCode();
  }

  @Override
  public String toString() {
    return "LogConfig" + raw;
  }

  // ---- parsing helpers

  private record Policy(boolean compact, boolean delete) {}

  private static Object parsePolicy(String v) {
    boolean compact = false;
    boolean delete = false;
    String[] parts = v.split(",");
    for (String part : parts) {
      switch (part.trim().toLowerCase(Locale.ROOT)) {
        case "compact" -> compact = true;
        case "delete" -> delete = true;
        default -> throw bad(CLEANUP_POLICY, v, "must be delete, compact or compact,delete");
      }
    }
    return new Policy(compact, delete);
  }

  private static void put(Map<String, Key> m, String name, String def, String doc, Function<String, Object> parser) {
    m.put(name, new Key(name, def, doc, parser));
  }

  private static ConfigException bad(String key, String value, String why) {
    return new ConfigException(key, value, why);
  }

  private static <T> T parse(String key, String value, Function<String, T> f) {
    if (value == null) {
      throw bad(key, null, "a value is required");
    }
    try {
      return f.apply(value.trim());
    } catch (RuntimeException e) {
      throw bad(key, value, "not a valid number");
    }
  }

  private static Object intAtLeast(String key, String v, int min) {
    int x = parse(key, v, Integer::parseInt);
    if (x < min) {
      throw bad(key, v, "must be at least " + min);
    }
    return x;
  }

  private static Object longAtLeast(String key, String v, long min) {
    long x = parse(key, v, Long::parseLong);
    if (x < min) {
      throw bad(key, v, "must be at least " + min);
    }
    return x;
  }

  private static Object parseBoolean(String key, String v) {
    String t = v == null ? "" : v.trim().toLowerCase(Locale.ROOT);
    if (t.equals("true") || t.equals("false")) {
      return Boolean.parseBoolean(t);
    }
    throw bad(key, v, "must be true or false");
  }
}
