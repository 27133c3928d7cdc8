package io.tributary.config;

import java.util.Map;

/**
 * How an internal topic's replication-factor key is honoured ({@code offsets.topic.replication.factor} for
 * {@code __consumer_offsets}, {@code kafkastore.topic.replication.factor} for {@code _schemas}), as Kafka
 * does since KIP-115: the topic is created at the configured factor, and only once that many brokers are
 * live. Creating it at a lower factor because few brokers happen to be up would leave it on fewer copies
 * for good. Single-broker setups set the key to 1.
 *
 * <p>Here because it is the one module the broker and the registry both build on.
 */
public final class InternalTopicReplication {
  /**
   * Highest {@code min.insync.replicas} given to an internal topic: with a factor of 3, writes keep being
   * accepted with one broker down and are acknowledged by at least two.
   */
  public static final int MAX_MIN_INSYNC_REPLICAS = 2;

  private InternalTopicReplication() {}

  /** Whether {@code liveBrokers} are enough to create the topic at {@code replicationFactor} (given by {@code key}). */
  public static boolean enoughBrokers(String key, int replicationFactor, int liveBrokers) {
    if (replicationFactor < 1) {
      throw new IllegalArgumentException(key + " must be at least 1, got " + replicationFactor);
    }
    return liveBrokers >= replicationFactor;
  }

  /** min(2, factor). */
  public static int minInsyncReplicas(int replicationFactor) {
    return Math.min(MAX_MIN_INSYNC_REPLICAS, replicationFactor);
  }

  /** The topic's configs: compacted (the latest record per key is the state), {@link #minInsyncReplicas}. */
  public static Map<String, String> configs(int replicationFactor) {
    return Map.of("cleanup.policy", "compact", "min.insync.replicas", Integer.toString(minInsyncReplicas(replicationFactor)));
  }
}
