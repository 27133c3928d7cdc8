package io.tributary.log.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tributary.log.embedded.EmbeddedCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * offsets.retention.minutes: offsets of an Empty group are deleted (tombstones, so they stay deleted after
 * a restart); those of an active group are kept. Retention 0 with a 1 s check makes it observable; the
 * check is not faster because the test reads a commit back right after making it, and a check landing in
 * between would already have expired it (seen on a loaded 2-core machine with a 200 ms check).
 */
class OffsetRetentionTest {

  static Map<String, String> overrides() {
    Map<String, String> m = new HashMap<>(CommitResumeTest.groupOverrides());
    m.put("offsets.retention.minutes", "0");
    m.put("offsets.retention.check.interval.ms", "1000");
    return m;
  }

  static Map<TopicPartition, OffsetAndMetadata> offsets(Admin admin, String group) throws Exception {
    return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
  }

  static boolean listed(Admin admin, String group) throws Exception {
    return admin.listConsumerGroups().all().get().stream().map(ConsumerGroupListing::groupId).anyMatch(group::equals);
  }

  @Test
  void emptyGroupsLoseTheirOffsetsActiveGroupsKeepThem(@TempDir Path dir) throws Exception {
    try (EmbeddedCluster cluster = EmbeddedCluster.start(1, dir, overrides())) {
      cluster.createTopic("ret", 2, 1, Map.of());
      CommitResumeTest.produce(cluster, "ret", 2, 0, 20);
      TopicPartition p0 = new TopicPartition("ret", 0);

      try (Admin admin = cluster.admin();
           KafkaConsumer<byte[], byte[]> active = new KafkaConsumer<>(CommitResumeTest.consumerProps(cluster, "active"))) {
        // An active member commits: its group is Stable, so retention does not touch it.
        active.subscribe(List.of("ret"));
        CommitResumeTest.consume(active, 20, Duration.ofSeconds(30));
        active.commitSync();

        // A non-member ("simple") commit makes an Empty group whose offsets expire.
        Properties sp = CommitResumeTest.consumerProps(cluster, "ephemeral");
        try (KafkaConsumer<byte[], byte[]> simple = new KafkaConsumer<>(sp)) {
          simple.assign(List.of(p0));
          simple.commitSync(Map.of(p0, new OffsetAndMetadata(5)));
          assertEquals(5, simple.committed(Set.of(p0)).get(p0).offset());
        }
        long deadline = System.currentTimeMillis() + 10_000;
        while (!offsets(admin, "ephemeral").isEmpty() || listed(admin, "ephemeral")) {
          if (System.currentTimeMillis() > deadline) {
            fail("offsets of the empty group 'ephemeral' did not expire: " + offsets(admin, "ephemeral"));
          }
          Thread.sleep(100);
        }
        for (int i = 0; i < 5; i++) {
          active.poll(Duration.ofMillis(200)); // keeps heartbeating
        }
        Map<TopicPartition, OffsetAndMetadata> kept = offsets(admin, "active");
        assertEquals(2, kept.size(), "the active group's offsets are kept: " + kept);
        kept.values().forEach(o -> assertEquals(10, o.offset()));
        assertTrue(listed(admin, "active"));
      }

      // The expiry was written: after a restart the group stays gone.
      cluster.stopBroker(0);
      cluster.startBroker(0);
      try (Admin admin = cluster.admin()) {
        assertTrue(offsets(admin, "ephemeral").isEmpty(), "tombstones replayed on load");
      }
      System.out.println("OffsetRetentionTest: empty group's offsets expired (tombstones survive a restart); "
          + "active group's offsets kept");
    }
  }
}
