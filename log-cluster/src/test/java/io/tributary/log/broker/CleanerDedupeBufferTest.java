package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.embedded.EmbeddedCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * log.cleaner.dedupe.buffer.size through a broker: with an offset map of room for 100 keys and 1,000 distinct keys
 * written twice, no pass can map the dirty section; each cleans up to the offset its map covered and the next one
 * continues. After several passes the log has shrunk and every key's latest value is there.
 */
class CleanerDedupeBufferTest {
  /** 112 slots of 24 bytes at load factor 0.9: 100 keys. */
  private static final String ROOM_FOR_100_KEYS = "2688";
  private static final int KEYS = 1_000;
  @TempDir static Path dir;
  static EmbeddedCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = EmbeddedCluster.start(1, dir, Map.of("log.retention.check.interval.ms", "300",
        "log.cleaner.dedupe.buffer.size", ROOM_FOR_100_KEYS));
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  private static long logBytes(String topic) throws Exception {
    try (Stream<Path> files = Files.list(cluster.logDir(0).resolve(topic + "-0"))) {
      long bytes = 0;
      for (Path f : files.filter(f -> f.toString().endsWith(".log")).toList()) {
        bytes += Files.size(f);
      }
      return bytes;
    }
  }

  /** Latest value per key and the number of records, read from the start as a consumer restoring state would. */
  private static Map<String, String> latestValues(String topic, int[] records) {
    Map<String, String> out = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cluster.consumerProps())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      long deadline = System.currentTimeMillis() + 60_000;
      while (consumer.position(tp) < end && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> {
          records[0]++;
          out.put(new String(r.key(), StandardCharsets.UTF_8), new String(r.value(), StandardCharsets.UTF_8));
        });
      }
    }
    return out;
  }

  @Test
  void passesBoundedByTheBufferContinueUntilEveryKeyIsCleanedAndNoLatestValueIsLost() throws Exception {
    String topic = "bounded-map";
    cluster.createTopic(topic, 1, 1, Map.of("cleanup.policy", "compact", "segment.bytes", "4096",
        "min.cleanable.dirty.ratio", "0.01"));
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(cluster.producerProps())) {
      for (int round = 0; round < 2; round++) {
        for (int k = 0; k < KEYS; k++) {
          producer.send(new ProducerRecord<>(topic, 0, ("key-" + k).getBytes(StandardCharsets.UTF_8),
              ("round-" + round + "-of-key-" + k).getBytes(StandardCharsets.UTF_8)));
        }
      }
      producer.flush();
    }
    long written = 2L * KEYS;
    long before = logBytes(topic);

    // each pass maps 100 keys; the 1,000 records of round 0 go only once the passes have mapped round 1
    long deadline = System.currentTimeMillis() + 120_000;
    int[] count = {0};
    while (System.currentTimeMillis() < deadline) {
      count[0] = 0;
      latestValues(topic, count);
      if (count[0] < written * 6 / 10) {
        break;
      }
      Thread.sleep(300);
    }
    int[] records = {0};
    Map<String, String> latest = latestValues(topic, records);
    assertTrue(records[0] < written * 6 / 10, "the log was compacted over several passes: " + records[0] + " of " + written + " records left");
    assertTrue(logBytes(topic) < before, "the log shrank: " + logBytes(topic) + " of " + before + " bytes");
    assertEquals(KEYS, latest.size(), "every key is there");
    for (int k = 0; k < KEYS; k++) {
      assertEquals("round-1-of-key-" + k, latest.get("key-" + k), "the latest value of key-" + k);
    }
  }
}
