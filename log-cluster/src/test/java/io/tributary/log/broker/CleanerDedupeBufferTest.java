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
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
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
  /** Records of other keys written after round 1: more than a segment's worth. */
  private static final int PADDING_KEYS = 300;
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
    Properties props = cluster.producerProps();
    // Small batches, so that segments roll every 4 KiB whatever the load, and the padding after round 1 leaves every
    // record of rounds 0 and 1 in a closed segment: the cleaner never cleans the active one.
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, "1024");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (int round = 0; round < 2; round++) {
        for (int k = 0; k < KEYS; k++) {
          producer.send(new ProducerRecord<>(topic, 0, ("key-" + k).getBytes(StandardCharsets.UTF_8),
              ("round-" + round + "-of-key-" + k).getBytes(StandardCharsets.UTF_8)));
        }
        producer.flush();
      }
      for (int k = 0; k < PADDING_KEYS; k++) {
        producer.send(new ProducerRecord<>(topic, 0, ("pad-" + k).getBytes(StandardCharsets.UTF_8),
            ("padding-" + k).getBytes(StandardCharsets.UTF_8)));
      }
      producer.flush();
    }
    long written = 2L * KEYS + PADDING_KEYS;
    long before = logBytes(topic);

    // Each pass maps 100 keys; the 1,000 records of round 0 go only once the passes have mapped round 1.
    long deadline = System.currentTimeMillis() + 120_000;
    int[] records = {0};
    Map<String, String> latest = latestValues(topic, records);
    while (latest.values().stream().anyMatch(v -> v.startsWith("round-0")) || records[0] > KEYS + PADDING_KEYS) {
      assertTrue(System.currentTimeMillis() < deadline, "the log was not compacted over the passes: " + records[0] + " of "
          + written + " records left, " + latest.values().stream().filter(v -> v.startsWith("round-0")).count()
          + " latest values still of round 0");
      Thread.sleep(300);
      records[0] = 0;
      latest = latestValues(topic, records);
    }
    assertTrue(logBytes(topic) < before, "the log shrank: " + logBytes(topic) + " of " + before + " bytes");
    assertEquals(KEYS + PADDING_KEYS, latest.size(), "every key is there");
    for (int k = 0; k < KEYS; k++) {
      assertEquals("round-1-of-key-" + k, latest.get("key-" + k), "the latest value of key-" + k);
    }
  }
}
