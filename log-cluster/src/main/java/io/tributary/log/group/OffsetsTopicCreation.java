package io.tributary.log.group;

import java.util.Map;

/**
 * How {@code __consumer_offsets} is created, as Kafka does it: at its configured replication factor
 * ({@code offsets.topic.replication.factor}) and only once that many brokers are live. Creating it at a
 * lower factor because few brokers happen to be up would leave every group's offsets on fewer copies
 * for good; until enough brokers are live, FindCoordinator answers COORDINATOR_NOT_AVAILABLE (retriable).
 * Single-broker setups set the factor to 1, as with Kafka.
 */
final class OffsetsTopicCreation {
  /**
   * Highest {@code min.insync.replicas} given to the topic: with a factor of 3, commits survive one broker
   * down and are acknowledged by at least two.
   */
  static final int MAX_MIN_INSYNC_REPLICAS = 2;

  private OffsetsTopicCreation() {}

  /** Why the topic cannot be created now, or null if it can. */
  static String refusal(int replicationFactor, int liveBrokers) {
    if (replicationFactor < 1) {
      throw new IllegalArgumentException("offsets.topic.replication.factor must be at least 1, got " + replicationFactor);
    }
    if (liveBrokers >= replicationFactor) {
      return null;
    }
    return OffsetsTopicFormat.TOPIC + " needs " + replicationFactor + " live brokers (offsets.topic.replication.factor), "
        + liveBrokers + " live";
  }

  /** The topic's configs: compacted (latest record per key), min.insync.replicas = min(2, factor). */
  static Map<String, String> configs(int replicationFactor) {
    return Map.of("cleanup.policy", "compact",
        "min.insync.replicas", Integer.toString(minInsyncReplicas(replicationFactor)));
  }

  static int minInsyncReplicas(int replicationFactor) {
    return Math.min(MAX_MIN_INSYNC_REPLICAS, replicationFactor);
  }
}
