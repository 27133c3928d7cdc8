package io.tributary.registry.store;

import java.util.Map;

/**
 * How the registry creates its topic: at {@code kafkastore.topic.replication.factor} and only once that
 * many brokers are live, never at a lower factor because few brokers happen to be up (the schemas would
 * stay on fewer copies for good). Until then start-up waits, up to {@code kafkastore.init.timeout.ms},
 * then fails with a message that says to retry once enough brokers are up. Single-broker setups set the
 * factor to 1.
 */
final class SchemasTopicCreation {
  /** Highest {@code min.insync.replicas} given to the topic: a factor of 3 keeps accepting writes with one broker down. */
  static final int MAX_MIN_INSYNC_REPLICAS = 2;

  private SchemasTopicCreation() {}

  /** Whether {@code liveBrokers} are enough to create the topic at {@code replicationFactor}. */
  static boolean enoughBrokers(int replicationFactor, int liveBrokers) {
    if (replicationFactor < 1) {
      throw new IllegalArgumentException("kafkastore.topic.replication.factor must be at least 1, got " + replicationFactor);
    }
    return liveBrokers >= replicationFactor;
  }

  /** The start-up failure once the wait is over: what is missing, and that it is worth retrying. */
  static String tooFewBrokers(String topic, int replicationFactor, int liveBrokers, long waitedMs) {
    return "Cannot create topic " + topic + ": kafkastore.topic.replication.factor is " + replicationFactor + " but "
        + liveBrokers + " broker(s) are live after waiting " + waitedMs + " ms (kafkastore.init.timeout.ms); "
        + "start the registry again once enough brokers are up, or lower kafkastore.topic.replication.factor";
  }

  /** The topic's configs: compacted, min.insync.replicas = min(2, factor). */
  static Map<String, String> configs(int replicationFactor) {
    return Map.of("cleanup.policy", "compact",
        "min.insync.replicas", Integer.toString(Math.min(MAX_MIN_INSYNC_REPLICAS, replicationFactor)));
  }
}
