package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.testkit.BrokerProcess;
import io.tributary.testkit.TestClients;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acknowledged means durable: the broker process is SIGKILLed in the middle of an acks=all produce
 * stream and restarted; every acknowledged record is then read back at its acknowledged offset, with
 * contiguous offsets and no duplicates. And a log whose tail was torn (garbage appended, or a batch cut
 * in the middle) recovers to its last whole batch.
 */
class BrokerCrashTest {
  @TempDir Path dir;
  TestingServer zk;
  BrokerProcess broker;

  @BeforeEach
  void start() throws Exception {
    zk = new TestingServer(true);
    broker = new BrokerProcess(dir.resolve("broker"), Map.of("zookeeper.connect", zk.getConnectString(),
        "zookeeper.session.timeout.ms", "6000"));
    broker.start().awaitReady(Duration.ofSeconds(60));
  }

  @AfterEach
  void stop() throws Exception {
    broker.close();
    zk.close();
  }

  private Admin admin() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
    return Admin.create(p);
  }

  private Properties producerProps() {
    return TestClients.producerProps(broker.bootstrap());
  }

  private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int partitions) {
    return TestClients.readAll(broker.bootstrap(), topic, partitions, 60_000);
  }

  @Test
  void everyAcknowledgedRecordSurvivesKill9() throws Exception {
    String topic = "crash";
    int partitions = 3;
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }
    Map<Long, Long> ackedOffsetBySeq = new ConcurrentHashMap<>();
    Map<Long, Integer> ackedPartitionBySeq = new ConcurrentHashMap<>();
    AtomicLong failed = new AtomicLong();
    AtomicBoolean stopProducing = new AtomicBoolean();
    AtomicLong sent = new AtomicLong();
    Thread producerThread = new Thread(() -> {
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps())) {
        long seq = 0;
        while (!stopProducing.get()) {
          long s = seq++;
          byte[] value = ByteBuffer.allocate(100).putLong(s).array();
          producer.send(new ProducerRecord<>(topic, (int) (s % partitions), null, value), (md, e) -> {
            if (e == null) {
              ackedOffsetBySeq.put(s, md.offset());
              ackedPartitionBySeq.put(s, md.partition());
            } else {
              failed.incrementAndGet();
            }
          });
          sent.set(seq);
          if (seq % 1000 == 0) {
            Thread.sleep(2);
          }
        }
        producer.flush();
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    }, "crash-test-producer");
    producerThread.start();

    int kills = 3;
    for (int k = 0; k < kills; k++) {
      long target = ackedOffsetBySeq.size() + 20_000;
      long deadline = System.currentTimeMillis() + 60_000;
      while (ackedOffsetBySeq.size() < target && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      long ackedAtKill = ackedOffsetBySeq.size();
      broker.kill9();
      Thread.sleep(500);
      broker.restart().awaitReady(Duration.ofSeconds(60));
      System.out.printf("kill -9 #%d with %d records acknowledged, %d sent%n", k + 1, ackedAtKill, sent.get());
    }
    long beforeStop = ackedOffsetBySeq.size();
    long deadline = System.currentTimeMillis() + 60_000;
    while (ackedOffsetBySeq.size() < beforeStop + 10_000 && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    stopProducing.set(true);
    producerThread.join(180_000);

    List<ConsumerRecord<byte[], byte[]>> records = readAll(topic, partitions);
    Map<Long, Long> foundOffsetBySeq = new HashMap<>();
    Set<Long> duplicates = new HashSet<>();
    Map<Integer, Long> nextOffset = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      long seq = ByteBuffer.wrap(r.value()).getLong();
      if (foundOffsetBySeq.put(seq, r.offset()) != null) {
        duplicates.add(seq);
      }
      long expected = nextOffset.getOrDefault(r.partition(), 0L);
      assertEquals(expected, r.offset(), "offsets of partition " + r.partition() + " must be contiguous");
      nextOffset.put(r.partition(), expected + 1);
    }
    long lost = 0;
    for (Map.Entry<Long, Long> acked : ackedOffsetBySeq.entrySet()) {
      Long found = foundOffsetBySeq.get(acked.getKey());
      if (found == null || !found.equals(acked.getValue())) {
        lost++;
      }
    }
    System.out.printf("kills=%d acknowledged=%d failed=%d read=%d lost=%d duplicated=%d%n",
        kills, ackedOffsetBySeq.size(), failed.get(), records.size(), lost, duplicates.size());
    assertTrue(ackedOffsetBySeq.size() > 60_000, "the stream really ran: " + ackedOffsetBySeq.size());
    assertEquals(0, lost, "acknowledged records lost or moved");
    assertEquals(0, duplicates.size(), "records written twice");
  }

  /** One record per batch, so that batch boundaries are known. */
  private void produceOneRecordBatches(String topic, int count) throws Exception {
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps())) {
      for (int i = 0; i < count; i++) {
        producer.send(new ProducerRecord<>(topic, 0, null, ("record-" + i).getBytes())).get();
      }
    }
  }

  private Path activeSegment(String topic) throws Exception {
    Path partitionDir = broker.dir().resolve("data").resolve(topic + "-0");
    try (var files = Files.list(partitionDir)) {
      return files.filter(f -> f.toString().endsWith(".log")).sorted().reduce((a, b) -> b).orElseThrow();
    }
  }

  @Test
  void garbageAppendedToTheActiveSegmentIsTruncatedOnRestart() throws Exception {
    produceOneRecordBatches("torn-garbage", 50);
    broker.kill9();
    Path segment = activeSegment("torn-garbage");
    long validSize = Files.size(segment);
    byte[] garbage = new byte[777];
    new java.util.Random(7).nextBytes(garbage);
    Files.write(segment, garbage, java.nio.file.StandardOpenOption.APPEND);
    broker.restart().awaitReady(Duration.ofSeconds(60));

    List<ConsumerRecord<byte[], byte[]>> records = readAll("torn-garbage", 1);
    assertEquals(50, records.size());
    assertEquals(validSize, Files.size(segment), "the garbage tail was cut off");
    String log = Files.readString(broker.logFile());
    assertTrue(log.contains("WARN") && log.contains(segment.getFileName().toString()), "a WARN names the file:\n" + log);
    appendsContinueAt("torn-garbage", 50);
  }

  @Test
  void batchCutInTheMiddleIsTruncatedToTheLastWholeBatch() throws Exception {
    produceOneRecordBatches("torn-batch", 50);
    broker.kill9();
    Path segment = activeSegment("torn-batch");
    long size = Files.size(segment);
    try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
      f.setLength(size - 10); // cuts the last batch
    }
    broker.restart().awaitReady(Duration.ofSeconds(60));

    List<ConsumerRecord<byte[], byte[]>> records = readAll("torn-batch", 1);
    assertEquals(49, records.size(), "the log ends at the last whole batch");
    for (int i = 0; i < 49; i++) {
      assertEquals("record-" + i, new String(records.get(i).value()));
    }
    String log = Files.readString(broker.logFile());
    assertTrue(log.contains(segment.getFileName().toString()) && log.contains("49"), "a WARN names the file and the offset:\n" + log);
    appendsContinueAt("torn-batch", 49);
  }

  private void appendsContinueAt(String topic, long expectedOffset) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps())) {
      long offset = producer.send(new ProducerRecord<>(topic, 0, null, "after-recovery".getBytes())).get().offset();
      assertEquals(expectedOffset, offset);
    }
  }
}
