package io.tributary.log.group;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.log.embedded.EmbeddedCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issues 16 and 21: the first group join of a fresh three-broker cluster, which creates {@code __consumer_offsets}
 * at its defaults (50 partitions, replication factor 3) on the way. Asserts the outcome (the consumer is assigned
 * every partition, the offsets topic exists at its defaults) and prints how long the join took, for before/after
 * comparisons on one machine: {@code mvn -B -o -q -pl log-cluster -am verify -Dtest=FirstGroupJoinTest
 * -Dsurefire.failIfNoSpecifiedTests=false -DskipITs}, then grep the output for "first join took".
 */
class FirstGroupJoinTest {
  private static final int OFFSETS_PARTITIONS = 50;
  private static final int OFFSETS_REPLICATION_FACTOR = 3;

  @Test
  void theFirstJoinCreatesTheOffsetsTopicAtItsDefaultsAndAssignsEveryPartition(@TempDir Path dir) throws Exception {
    // Kafka's defaults for the offsets topic; no initial rebalance delay, so the figure is the broker's own work.
    Map<String, String> overrides = Map.of("group.initial.rebalance.delay.ms", "0", "group.min.session.timeout.ms", "1000");
    try (EmbeddedCluster cluster = EmbeddedCluster.start(3, dir, overrides)) {
      cluster.createTopic("orders", 3, 3, Map.of());
      Set<TopicPartition> expected = Set.of(new TopicPartition("orders", 0), new TopicPartition("orders", 1),
          new TopicPartition("orders", 2));

      long start = System.nanoTime();
      Set<TopicPartition> assigned = new HashSet<>();
      try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(CommitResumeTest.consumerProps(cluster, "first"))) {
        c.subscribe(List.of("orders"));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (assigned.isEmpty() && System.nanoTime() < deadline) {
          c.poll(Duration.ofMillis(50));
          assigned.addAll(c.assignment());
        }
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        System.out.println("first join took " + tookMs + " ms (3 brokers, " + OFFSETS_PARTITIONS + " offsets partitions, RF "
            + OFFSETS_REPLICATION_FACTOR + ")");
      }
      assertEquals(expected, assigned);
      try (Admin admin = cluster.admin()) {
        TopicDescription offsets = admin.describeTopics(List.of(OffsetsTopicFormat.TOPIC)).allTopicNames().get()
            .get(OffsetsTopicFormat.TOPIC);
        assertEquals(OFFSETS_PARTITIONS, offsets.partitions().size());
        offsets.partitions().forEach(p -> assertEquals(OFFSETS_REPLICATION_FACTOR, p.replicas().size(), p.toString()));
      }
    }
  }
}
