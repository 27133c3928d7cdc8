package io.tributary.log.broker;

import io.tributary.log.cluster.ClusterStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidRequestException;

/**
 * The broker configs that can change while the broker runs (Kafka's per-broker dynamic configs, set with
 * IncrementalAlterConfigs on the broker entity as {@code kafka-configs --entity-type brokers --entity-name N} does):
 * for now the replication throttle rates. They are kept in ZooKeeper at {@code /config/brokers/{id}}, so a restarted
 * broker keeps them, and applied at once. Every other broker config is static (the broker's file).
 */
public final class DynamicBrokerConfigs {
  /** The keys that may be altered, with what they mean. */
  public static final Map<String, String> KEYS = Map.of(
      ReplicationThrottles.LEADER_RATE, "bytes/s a leader sends to throttled follower replicas (unset: no limit)",
      ReplicationThrottles.FOLLOWER_RATE, "bytes/s a follower fetches for its throttled replicas (unset: no limit)");

  /** Kafka's throttle of AlterReplicaLogDirs moves, which Tributary does not serve. */
  static final String UNSERVED_LOG_DIR_THROTTLE = "replica.alter.log.dirs.io.max.bytes.per.second";

  private final ClusterStore store;
  private final int brokerId;
  private final ReplicationThrottles throttles;
  private volatile Map<String, String> current = Map.of();

  DynamicBrokerConfigs(ClusterStore store, int brokerId, ReplicationThrottles throttles) {
    this.store = store;
    this.brokerId = brokerId;
    this.throttles = throttles;
  }

  /** Reads and applies this broker's stored dynamic configs (at startup). A stored value that no longer validates is skipped. */
  public void load() throws Exception {
    Map<String, String> stored = new LinkedHashMap<>(store.readBrokerConfigs(brokerId));
    stored.entrySet().removeIf(e -> {
      try {
        validate(e.getKey(), e.getValue());
        return false;
      } catch (RuntimeException bad) {
        return true;
      }
    });
    apply(stored);
  }

  public Map<String, String> current() {
    return current;
  }

  /**
   * SET and DELETE of dynamic keys for broker {@code resourceName}.
   *
   * @throws InvalidRequestException for another broker's (or the cluster default) resource or a static key
   * @throws ConfigException for a bad value
   */
  public synchronized void alter(String resourceName, Map<String, String> set, List<String> delete, boolean validateOnly) throws Exception {
    if (resourceName.isEmpty()) {
      throw new InvalidRequestException("cluster-wide default broker configs are not supported; set them per broker"
          + " (--entity-name ID)");
    }
    if (!resourceName.equals(Integer.toString(brokerId))) {
      throw new InvalidRequestException("this is broker " + brokerId + ", not broker '" + resourceName
          + "'; send a broker's configs to that broker");
    }
    Set<String> wrong = new TreeSet<>(set.keySet());
    wrong.addAll(delete);
    wrong.removeAll(KEYS.keySet());
    // Kafka's log-dir move throttle is never set here (AlterReplicaLogDirs is not served), so deleting it is the no-op
    // it is on a Kafka broker without it; kafka-reassign-partitions --verify deletes it with the other throttles.
    if (!set.containsKey(UNSERVED_LOG_DIR_THROTTLE)) {
      wrong.remove(UNSERVED_LOG_DIR_THROTTLE);
    }
    delete.remove(UNSERVED_LOG_DIR_THROTTLE);
    if (!wrong.isEmpty()) {
      throw new InvalidRequestException("Cannot update these configs dynamically: " + wrong + " (dynamic broker configs: "
          + new TreeMap<>(KEYS).keySet() + ")");
    }
    set.forEach(DynamicBrokerConfigs::validate);
    Map<String, String> next = new TreeMap<>(current);
    delete.forEach(next::remove);
    set.forEach((k, v) -> next.put(k, v.trim()));
    if (validateOnly) {
      return;
    }
    store.setBrokerConfigs(brokerId, next);
    apply(next);
  }

  private void apply(Map<String, String> configs) {
    current = Map.copyOf(configs);
    throttles.apply(current);
  }

  /** A rate is a whole number of bytes per second, at least 0 (Kafka's LONG, atLeast(0)). */
  static void validate(String key, String value) {
    long rate;
    try {
      rate = Long.parseLong(value == null ? "" : value.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(key, value, "must be a whole number of bytes per second");
    }
    if (rate < 0) {
      throw new ConfigException(key, value, "must be at least 0 bytes per second");
    }
  }
}
