package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.embedded.EmbeddedCluster;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java 3.9 producer (idempotent, acks=all) writes 1,000,000 records of 100 bytes over 6
 * partitions; the Java consumer reads every one back, in order per partition.
 */
class JavaClientRoundTripTest {
  static final int RECORDS = 1_000_000;
  static final int PARTITIONS = 6;
  static final int VALUE_BYTES = 100;

  @TempDir static Path dir;
  static EmbeddedCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = EmbeddedCluster.start(1, dir);
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** A 100-byte value carrying its partition and its sequence number within the partition. */
  static byte[] value(int partition, long seq) {
    ByteBuffer b = ByteBuffer.allocate(VALUE_BYTES);
    b.putInt(partition).putLong(seq);
    while (b.hasRemaining()) {
      b.put((byte) ('a' + (seq + b.position()) % 26));
    }
    return b.array();
  }

  @Test
  void millionRecordsRoundTripInOrderPerPartition() throws Exception {
    String topic = "round-trip";
    cluster.createTopic(topic, PARTITIONS, 1, Map.of());
    long[] sentPerPartition = new long[PARTITIONS];
    AtomicReference<Exception> failure = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(cluster.producerProps())) {
      for (int i = 0; i < RECORDS; i++) {
        int p = i % PARTITIONS;
        long seq = sentPerPartition[p]++;
        producer.send(new ProducerRecord<>(topic, p, null, value(p, seq)), (md, e) -> {
          if (e != null) {
            failure.compareAndSet(null, e);
          }
        });
      }
      producer.flush();
    }
    if (failure.get() != null) {
      throw failure.get();
    }

    long[] nextSeq = new long[PARTITIONS];
    long[] nextOffset = new long[PARTITIONS];
    long received = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cluster.consumerProps())) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        tps.add(new TopicPartition(topic, p));
      }
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      long deadline = System.currentTimeMillis() + 180_000;
      while (received < RECORDS && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          ByteBuffer v = ByteBuffer.wrap(r.value());
          int p = v.getInt();
          long seq = v.getLong();
          assertEquals(r.partition(), p, "record in the wrong partition");
          assertEquals(nextSeq[p], seq, "out of order in partition " + p);
          assertEquals(nextOffset[p], r.offset(), "offsets must be contiguous in partition " + p);
          assertEquals(VALUE_BYTES, r.value().length);
          nextSeq[p]++;
          nextOffset[p]++;
          received++;
        }
      }
    }
    assertEquals(RECORDS, received, "every record read back");
    for (int p = 0; p < PARTITIONS; p++) {
      assertEquals(sentPerPartition[p], nextSeq[p], "partition " + p);
    }
    assertTrue(received > 0);
  }
}
