package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.embedded.EmbeddedCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention and compaction through the broker, on the real segment files: topic configs set with the
 * Admin client, the broker's background task applies them.
 */
class RetentionAndCompactionTest {
  @TempDir static Path dir;
  static EmbeddedCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = EmbeddedCluster.start(1, dir, Map.of("log.retention.check.interval.ms", "300"));
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  private static long segments(String topic) throws Exception {
    try (Stream<Path> files = Files.list(cluster.logDir(0).resolve(topic + "-0"))) {
      return files.filter(f -> f.toString().endsWith(".log")).count();
    }
  }

  private static long offset(String topic, OffsetSpec spec) throws Exception {
    try (Admin admin = cluster.admin()) {
      TopicPartition tp = new TopicPartition(topic, 0);
      return admin.listOffsets(Map.of(tp, spec)).partitionResult(tp).get().offset();
    }
  }

  private static void produce(String topic, List<String[]> keyValues) throws Exception {
    var props = cluster.producerProps();
    props.put("batch.size", "1");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (String[] kv : keyValues) {
        producer.send(new ProducerRecord<>(topic, 0, kv[0] == null ? null : kv[0].getBytes(), kv[1] == null ? null : kv[1].getBytes())).get();
      }
    }
  }

  private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cluster.consumerProps())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      long deadline = System.currentTimeMillis() + 30_000;
      while (consumer.position(tp) < end && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  private static void awaitTrue(String what, java.util.concurrent.Callable<Boolean> condition) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      if (condition.call()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out waiting for: " + what);
  }

  @Test
  void retentionBytesDeletesWholeOldSegments() throws Exception {
    String topic = "retained";
    cluster.createTopic(topic, 1, 1, Map.of("segment.bytes", "2048"));
    List<String[]> records = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      records.add(new String[] {null, "value-" + i + "-" + "x".repeat(50)});
    }
    produce(topic, records);
    long before = segments(topic);
    assertTrue(before > 5, "small segments rolled: " + before);
    assertEquals(0, offset(topic, OffsetSpec.earliest()));

    try (Admin admin = cluster.admin()) {
      ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      admin.incrementalAlterConfigs(Map.of(res, List.of(
          new AlterConfigOp(new ConfigEntry("retention.bytes", "4096"), AlterConfigOp.OpType.SET)))).all().get();
      String value = admin.describeConfigs(List.of(res)).all().get().get(res).get("retention.bytes").value();
      assertEquals("4096", value);
    }
    awaitTrue("old segments deleted", () -> segments(topic) < before);
    long earliest = offset(topic, OffsetSpec.earliest());
    assertTrue(earliest > 0, "log start moved forward to a segment boundary: " + earliest);
    List<ConsumerRecord<byte[], byte[]>> left = readAll(topic);
    assertEquals(200 - earliest, left.size(), "whole segments only: everything from the new start is there");
    assertEquals("value-" + earliest + "-" + "x".repeat(50), new String(left.get(0).value()));
    assertEquals(200, offset(topic, OffsetSpec.latest()));
  }

  @Test
  void retentionMsDeletesExpiredSegments() throws Exception {
    String topic = "expiring";
    cluster.createTopic(topic, 1, 1, Map.of("segment.bytes", "1024"));
    List<String[]> records = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      records.add(new String[] {null, "old-" + i + "-" + "y".repeat(40)});
    }
    produce(topic, records);
    Thread.sleep(1500);
    try (Admin admin = cluster.admin()) {
      ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      admin.incrementalAlterConfigs(Map.of(res, List.of(
          new AlterConfigOp(new ConfigEntry("retention.ms", "1000"), AlterConfigOp.OpType.SET)))).all().get();
    }
    // Everything but the active segment is older than a second: all of it goes.
    awaitTrue("expired segments deleted", () -> segments(topic) == 1);
    long earliest = offset(topic, OffsetSpec.earliest());
    assertTrue(earliest > 50, "log start at the active segment: " + earliest);
    assertEquals(100, offset(topic, OffsetSpec.latest()));
  }

  @Test
  void compactionKeepsTheLatestValuePerKeyAndDropsTombstones() throws Exception {
    String topic = "compacted";
    cluster.createTopic(topic, 1, 1, Map.of("cleanup.policy", "compact", "segment.bytes", "1024",
        "min.cleanable.dirty.ratio", "0.01", "delete.retention.ms", "0"));
    Map<String, String> expected = new LinkedHashMap<>();
    List<String[]> records = new ArrayList<>();
    for (int round = 0; round < 10; round++) {
      for (int k = 0; k < 20; k++) {
        String key = "key-" + k;
        String value = "v" + round + "-" + key;
        records.add(new String[] {key, value});
        expected.put(key, value);
      }
    }
    records.add(new String[] {"key-3", null}); // tombstone
    expected.remove("key-3");
    // Roll the tombstone into a closed segment so the cleaner may see it.
    for (int i = 0; i < 30; i++) {
      records.add(new String[] {"filler-" + i, "f".repeat(60)});
      expected.put("filler-" + i, "f".repeat(60));
    }
    produce(topic, records);
    long total = records.size();
    awaitTrue("log compacted", () -> readAll(topic).size() < total / 2);

    List<ConsumerRecord<byte[], byte[]>> left = readAll(topic);
    Map<String, String> latest = new LinkedHashMap<>();
    long lastOffset = -1;
    for (ConsumerRecord<byte[], byte[]> r : left) {
      assertTrue(r.offset() > lastOffset, "offsets still increase after compaction");
      lastOffset = r.offset();
      String key = new String(r.key());
      if (r.value() == null) {
        latest.remove(key);
      } else {
        latest.put(key, new String(r.value()));
      }
    }
    assertEquals(expected, latest, "latest value of every key survives");
    long keysInLog = left.stream().map(r -> new String(r.key())).distinct().count();
    assertTrue(left.size() <= keysInLog + 30, "older values of compacted keys are gone: " + left.size() + " records for " + keysInLog + " keys");
    assertEquals(total, offset(topic, OffsetSpec.latest()), "the log end is unchanged");
  }
}
