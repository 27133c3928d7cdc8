package io.tributary.log.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.embedded.EmbeddedCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Done-when 2: a group commits, stops and restarts, and resumes at its committed offsets; also after the
 * broker restarts on the same log dir (the coordinator reloads __consumer_offsets from disk).
 */
class CommitResumeTest {

  static Map<String, String> groupOverrides() {
    return Map.of("offsets.topic.num.partitions", "3", "offsets.topic.replication.factor", "1",
        "group.initial.rebalance.delay.ms", "0", "group.min.session.timeout.ms", "1000");
  }

  static void produce(EmbeddedCluster cluster, String topic, int partitions, int from, int to) throws Exception {
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(cluster.producerProps())) {
      for (int i = from; i < to; i++) {
        p.send(new ProducerRecord<>(topic, i % partitions, null, ("v" + i).getBytes(StandardCharsets.UTF_8)));
      }
      p.flush();
    }
  }

  /** Polls until {@code count} records arrived (or the timeout); returns their values. */
  static List<String> consume(KafkaConsumer<byte[], byte[]> c, int count, Duration timeout) {
    List<String> got = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (got.size() < count && System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
        got.add(new String(r.value(), StandardCharsets.UTF_8));
      }
    }
    return got;
  }

  static Properties consumerProps(EmbeddedCluster cluster, String group) {
    Properties p = cluster.consumerProps();
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
    p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
    return p;
  }

  @Test
  void groupResumesAtCommittedOffsetsAcrossConsumerAndBrokerRestarts(@TempDir Path dir) throws Exception {
    try (EmbeddedCluster cluster = EmbeddedCluster.start(1, dir, groupOverrides())) {
      cluster.createTopic("orders", 3, 1, Map.of());
      produce(cluster, "orders", 3, 0, 300);

      // First run: read 300, commit, close (LeaveGroup).
      try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProps(cluster, "g1"))) {
        c.subscribe(List.of("orders"));
        List<String> got = consume(c, 300, Duration.ofSeconds(30));
        assertEquals(300, got.size(), "first run reads everything");
        c.commitSync();
        Map<TopicPartition, OffsetAndMetadata> committed =
            c.committed(Set.of(new TopicPartition("orders", 0), new TopicPartition("orders", 1), new TopicPartition("orders", 2)));
        committed.values().forEach(o -> assertEquals(100, o.offset()));
      }

      try (Admin admin = cluster.admin()) {
        ConsumerGroupDescription d = admin.describeConsumerGroups(List.of("g1")).all().get().get("g1");
        assertEquals("Empty", d.state().toString().substring(0, 1) + d.state().toString().substring(1).toLowerCase());
      }

      produce(cluster, "orders", 3, 300, 450);
      // Second run: only the 150 new records.
      try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProps(cluster, "g1"))) {
        c.subscribe(List.of("orders"));
        List<String> got = consume(c, 150, Duration.ofSeconds(30));
        assertEquals(150, got.size());
        Set<String> expected = new TreeSet<>();
        for (int i = 300; i < 450; i++) {
          expected.add("v" + i);
        }
        assertEquals(expected, new TreeSet<>(got), "resumed exactly at the committed offsets");
        assertTrue(consume(c, 1, Duration.ofSeconds(1)).isEmpty(), "nothing read twice");
        c.commitSync();
      }

      // Broker restart on the same log dir: the coordinator reloads the commits from __consumer_offsets.
      cluster.stopBroker(0);
      cluster.startBroker(0);
      produce(cluster, "orders", 3, 450, 480);
      try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProps(cluster, "g1"))) {
        c.subscribe(List.of("orders"));
        List<String> got = consume(c, 30, Duration.ofSeconds(40));
        Map<String, Integer> counts = new HashMap<>();
        got.forEach(v -> counts.merge(v, 1, Integer::sum));
        assertEquals(30, got.size(), "after the broker restart the group reads only the 30 new records: " + got);
        for (int i = 450; i < 480; i++) {
          assertEquals(1, counts.getOrDefault("v" + i, 0), "v" + i);
        }
        assertTrue(consume(c, 1, Duration.ofSeconds(1)).isEmpty(), "nothing from before the restart");
      }
      System.out.println("CommitResumeTest: 300 read + committed; 150 resumed after consumer restart; "
          + "30 resumed after broker restart; 0 duplicates");
    }
  }
}
