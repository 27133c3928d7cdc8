package io.tributary.log.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.embedded.BrokerRegistrations;
import io.tributary.testkit.BrokerProcess;
import io.tributary.testkit.TestClients;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults on three broker processes: leaders and the controller are SIGKILLed, a leader is frozen with
 * SIGSTOP past its ZooKeeper session, while an idempotent acks=all producer writes; every acknowledged
 * record is then read back exactly once. And an old leader with an unreplicated tail comes back and has
 * that tail truncated, leaving all replicas byte-identical below the high watermark.
 */
class ReplicationFaultTest {
  static final int SESSION_TIMEOUT_MS = 4000;
  /**
   * Rounds of the three faults (kill -9 of the leader, of the controller, SIGSTOP of the leader): one in plain
   * {@code mvn verify} (ClusterFaultsTest injects each kind again), four with {@code -Pfaults}.
   */
  static final String ROUNDS_PROPERTY = "replication.faults.rounds";

  @TempDir Path dir;
  TestingServer zk;
  final List<BrokerProcess> brokers = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    zk = new TestingServer(true);
    for (int id = 0; id < 3; id++) {
      brokers.add(new BrokerProcess(dir.resolve("broker-" + id), Map.of(
          "broker.id", Integer.toString(id),
          "zookeeper.connect", zk.getConnectString(),
          "zookeeper.session.timeout.ms", Integer.toString(SESSION_TIMEOUT_MS),
          "replica.lag.time.max.ms", "10000",
          "leader.imbalance.check.interval.seconds", "2",
          "num.network.threads", "2")));
    }
    for (BrokerProcess b : brokers) {
      b.start();
    }
    for (BrokerProcess b : brokers) {
      b.awaitReady(Duration.ofSeconds(60));
    }
    BrokerRegistrations.awaitEachSeesAll(brokers.stream().map(BrokerProcess::port).toList(), Duration.ofSeconds(30));
  }

  @AfterEach
  void stop() throws Exception {
    for (BrokerProcess b : brokers) {
      b.close();
    }
    zk.close();
  }

  private String bootstrap() {
    return String.join(",", brokers.stream().map(BrokerProcess::bootstrap).toList());
  }

  private Admin admin() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    return Admin.create(p);
  }

  private static void await(String what, long timeoutMs, Callable<Boolean> condition) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      try {
        if (condition.call()) {
          return;
        }
      } catch (Exception e) {
        // not yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("timed out waiting for: " + what);
  }

  private TopicPartitionInfo describe(String topic, int partition) throws Exception {
    try (Admin admin = admin()) {
      TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
      return d.partitions().get(partition);
    }
  }

  private void awaitFullIsr(String topic, int partitions) throws Exception {
    await("every partition of " + topic + " has 3 in-sync replicas and a leader", 90_000, () -> {
      for (int p = 0; p < partitions; p++) {
        TopicPartitionInfo info = describe(topic, p);
        if (info.leader() == null || info.isr().size() != 3) {
          return false;
        }
      }
      return true;
    });
  }

  private int controllerId() throws Exception {
    try (Admin admin = admin()) {
      return admin.describeCluster().controller().get().id();
    }
  }

  private Properties producerProps() {
    Properties p = TestClients.producerProps(bootstrap());
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "300");
    p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "100");
    p.put(ProducerConfig.METADATA_MAX_AGE_CONFIG, "2000");
    return p;
  }

  private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int partitions) {
    return TestClients.readAll(bootstrap(), topic, partitions, 120_000);
  }

  @Test
  void noAcknowledgedRecordIsLostOrDuplicatedAcrossLeaderControllerAndFrozenBrokerFaults() throws Exception {
    String topic = "faults";
    int partitions = 3;
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 3).configs(Map.of("min.insync.replicas", "2")))).all().get();
    }
    awaitFullIsr(topic, partitions);

    Map<Long, long[]> acked = new ConcurrentHashMap<>(); // seq -> {partition, offset}
    ConcurrentLinkedQueue<Long> ackTimes = new ConcurrentLinkedQueue<>();
    AtomicLong failed = new AtomicLong();
    AtomicBoolean stopProducing = new AtomicBoolean();
    Thread producerThread = new Thread(() -> {
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps())) {
        long seq = 0;
        while (!stopProducing.get()) {
          long s = seq++;
          producer.send(new ProducerRecord<>(topic, (int) (s % partitions), null, ByteBuffer.allocate(100).putLong(s).array()), (md, e) -> {
            if (e == null) {
              acked.put(s, new long[] {md.partition(), md.offset()});
              ackTimes.add(System.currentTimeMillis());
            } else {
              failed.incrementAndGet();
            }
          });
          Thread.sleep(1); // about 1,000 records/s: the faults, not the load, are under test
        }
        producer.flush();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "fault-test-producer");
    producerThread.start();

    List<String> faults = new ArrayList<>();
    List<long[]> faultWindows = new ArrayList<>();
    int rounds = Integer.getInteger(ROUNDS_PROPERTY, 1);
    for (int round = 0; round < rounds; round++) {
      for (String kind : List.of("kill -9 leader", "kill -9 controller", "SIGSTOP leader")) {
        long ackedBefore = acked.size();
        await("records flowing before the fault", 60_000, () -> acked.size() > ackedBefore + 1000);
        int victim = kind.contains("controller") ? controllerId() : describe(topic, 0).leader().id();
        BrokerProcess b = brokers.get(victim);
        long faultAt = System.currentTimeMillis();
        if (kind.startsWith("kill")) {
          b.kill9();
          long ackedAtKill = acked.size();
          await("acknowledgements resume without broker " + victim, 60_000, () -> acked.size() > ackedAtKill + 500);
          b.restart();
          b.awaitReady(Duration.ofSeconds(60));
        } else {
          b.sigstop();
          Thread.sleep(SESSION_TIMEOUT_MS + 2500); // past its ZooKeeper session: a new leader takes over
          b.sigcont();
        }
        faults.add(kind + " (broker " + victim + ")");
        awaitFullIsr(topic, partitions);
        faultWindows.add(new long[] {faultAt, System.currentTimeMillis()});
      }
    }
    long ackedBeforeStop = acked.size();
    await("records flowing after the last fault", 60_000, () -> acked.size() > ackedBeforeStop + 1000);
    stopProducing.set(true);
    producerThread.join(180_000);
    assertFalse(producerThread.isAlive());

    List<ConsumerRecord<byte[], byte[]>> records = readAll(topic, partitions);
    Map<Long, long[]> found = new HashMap<>();
    long duplicated = 0;
    for (ConsumerRecord<byte[], byte[]> r : records) {
      long seq = ByteBuffer.wrap(r.value()).getLong();
      if (found.put(seq, new long[] {r.partition(), r.offset()}) != null) {
        duplicated++;
      }
    }
    long lost = 0;
    for (Map.Entry<Long, long[]> e : acked.entrySet()) {
      long[] at = found.get(e.getKey());
      if (at == null || at[0] != e.getValue()[0] || at[1] != e.getValue()[1]) {
        lost++;
      }
    }
    long longestGapMs = longestAckGap(ackTimes, faultWindows);
    System.out.printf("faults injected: %d %s%n", faults.size(), faults);
    System.out.printf("acknowledged=%d failed=%d read=%d lost=%d duplicated=%d longest gap between acknowledgements around a fault=%d ms%n",
        acked.size(), failed.get(), records.size(), lost, duplicated, longestGapMs);
    assertEquals(3 * rounds, faults.size());
    assertTrue(acked.size() > 2500 * rounds, "the stream really ran");
    assertEquals(0, lost, "acknowledged records lost");
    assertEquals(0, duplicated, "records written twice");
  }

  /** The longest time without any acknowledgement inside a fault window (kill/freeze to recovery). */
  private static long longestAckGap(ConcurrentLinkedQueue<Long> ackTimes, List<long[]> windows) {
    long[] times = ackTimes.stream().mapToLong(Long::longValue).sorted().toArray();
    long longest = 0;
    for (long[] w : windows) {
      long previous = w[0];
      for (long t : times) {
        if (t < w[0]) {
          continue;
        }
        if (t > w[1]) {
          break;
        }
        longest = Math.max(longest, t - previous);
        previous = t;
      }
    }
    return longest;
  }

  @Test
  void divergentTailOfAnOldLeaderIsTruncatedAndReplicasEndIdentical() throws Exception {
    String topic = "diverge";
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 3).configs(Map.of("min.insync.replicas", "2")))).all().get();
    }
    awaitFullIsr(topic, 1);
    Properties all = producerProps();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(all)) {
      for (int i = 0; i < 100; i++) {
        producer.send(new ProducerRecord<>(topic, 0, null, ("committed-" + i).getBytes())).get();
      }
    }
    int leader = describe(topic, 0).leader().id();
    List<BrokerProcess> followers = brokers.stream().filter(b -> b.brokerId() != leader).toList();
    // Freeze the followers briefly (well within the session and lag timeouts), write to the leader
    // alone with acks=1, and kill it before anything replicates: an unreplicated tail.
    for (BrokerProcess f : followers) {
      f.sigstop();
    }
    Properties one = producerProps();
    one.put(ProducerConfig.ACKS_CONFIG, "1");
    one.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    one.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers.get(leader).bootstrap());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(one)) {
      for (int i = 0; i < 50; i++) {
        producer.send(new ProducerRecord<>(topic, 0, null, ("divergent-" + i).getBytes())).get();
      }
    }
    brokers.get(leader).kill9();
    for (BrokerProcess f : followers) {
      f.sigcont();
    }
    await("a follower takes over", 60_000, () -> {
      TopicPartitionInfo info = describe(topic, 0);
      return info.leader() != null && info.leader().id() != leader;
    });
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(all)) {
      for (int i = 0; i < 100; i++) {
        producer.send(new ProducerRecord<>(topic, 0, null, ("new-leader-" + i).getBytes())).get();
      }
    }
    brokers.get(leader).restart().awaitReady(Duration.ofSeconds(60));
    awaitFullIsr(topic, 1);

    List<String> values = readAll(topic, 1).stream().map(r -> new String(r.value())).toList();
    // A follower's fetch parked at the leader before the freeze may carry the first acks=1 batch out;
    // that one was replicated and stays. The rest of the tail existed only on the old leader.
    long divergentKept = values.stream().filter(v -> v.startsWith("divergent-")).count();
    System.out.printf("divergent records written=50 kept (replicated before the freeze)=%d truncated=%d%n", divergentKept, 50 - divergentKept);
    assertTrue(divergentKept <= 1, "the unreplicated tail is gone: " + divergentKept + " kept");
    assertEquals(200 + divergentKept, values.size());
    assertEquals("committed-0", values.get(0));
    assertEquals("new-leader-99", values.get(values.size() - 1));
    long end = values.size();

    for (BrokerProcess b : brokers) {
      b.stop();
    }
    List<byte[]> reference = null;
    for (BrokerProcess b : brokers) {
      List<byte[]> batches = batchesBelow(b.dir().resolve("data").resolve(topic + "-0"), end);
      if (reference == null) {
        reference = batches;
      } else {
        assertEquals(reference.size(), batches.size(), "same number of batches on broker " + b.brokerId());
        for (int i = 0; i < batches.size(); i++) {
          assertTrue(Arrays.equals(reference.get(i), batches.get(i)), "batch " + i + " differs on broker " + b.brokerId());
        }
      }
    }
    assertTrue(reference.size() >= 2);
  }

  /** The bytes of every batch below {@code highWatermark}, read from a partition's segment files. */
  private static List<byte[]> batchesBelow(Path partitionDir, long highWatermark) throws Exception {
    List<Path> segments;
    try (Stream<Path> files = Files.list(partitionDir)) {
      segments = files.filter(f -> f.toString().endsWith(".log")).sorted().toList();
    }
    List<byte[]> out = new ArrayList<>();
    for (Path segment : segments) {
      MemoryRecords records = MemoryRecords.readableRecords(ByteBuffer.wrap(Files.readAllBytes(segment)));
      for (RecordBatch batch : records.batches()) {
        if (batch.lastOffset() < highWatermark) {
          ByteBuffer copy = ByteBuffer.allocate(batch.sizeInBytes());
          batch.writeTo(copy);
          out.add(copy.array());
        }
      }
    }
    return out;
  }
}
