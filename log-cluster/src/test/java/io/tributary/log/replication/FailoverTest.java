package io.tributary.log.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.cluster.ClusterStore;
import io.tributary.log.cluster.PartitionState;
import io.tributary.log.cluster.ZkPaths;
import io.tributary.log.embedded.BrokerRegistrations;
import io.tributary.testkit.BrokerProcess;
import io.tributary.testkit.TestClients;
import io.tributary.testkit.ZooKeeperProcess;
import java.nio.ByteBuffer;
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
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover with default settings: three broker processes against a real ZooKeeper process, an idempotent
 * acks=all producer with the client's defaults, and {@code kill -9} of partition 0's leader. Asserts that
 * leadership moved and that every acknowledged record is read back exactly once; prints, per kill, the
 * longest gap between acknowledgements of the killed leader's partitions and where the time went:
 * detection (the dead broker's registration gone from ZooKeeper), the controller's reaction (a new
 * leader written) and the client (its first acknowledgement from the new leader).
 *
 * <p>Plain {@code verify} kills once; {@code -Pfailover} kills {@value #KILLS_PROPERTY}=10 times and prints
 * the distribution. Timings are printed, never asserted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailoverTest {
  static final String KILLS_PROPERTY = "failover.kills";
  static final String TOPIC = "failover";
  static final int PARTITIONS = 3;
  /** The pause between two looks at ZooKeeper while timing a failover. */
  static final long TIMELINE_POLL_MS = 20;

  @TempDir static Path dir;
  ZooKeeperProcess zookeeper;
  CuratorFramework zk;
  final List<BrokerProcess> brokers = new ArrayList<>();

  @BeforeAll
  void startCluster() throws Exception {
    zookeeper = ZooKeeperProcess.start(dir.resolve("zk"));
    for (int id = 0; id < 3; id++) {
      // Default settings: only what every broker must be told.
      brokers.add(new BrokerProcess(dir.resolve("broker-" + id), Map.of(
          "broker.id", Integer.toString(id), "zookeeper.connect", zookeeper.connectString())));
    }
    for (BrokerProcess b : brokers) {
      b.start();
    }
    for (BrokerProcess b : brokers) {
      b.awaitReady(Duration.ofSeconds(60));
    }
    BrokerRegistrations.awaitEachSeesAll(brokers.stream().map(BrokerProcess::port).toList(), Duration.ofSeconds(30));
    zk = CuratorFrameworkFactory.builder().connectString(zookeeper.connectString()).namespace("tributary")
        .retryPolicy(new ExponentialBackoffRetry(200, 10, 2000)).build();
    zk.start();
  }

  @AfterAll
  void stopCluster() throws Exception {
    if (zk != null) {
      zk.close();
    }
    for (BrokerProcess b : brokers) {
      b.close();
    }
    if (zookeeper != null) {
      zookeeper.close();
    }
  }

  @Test
  void killingTheLeaderMovesLeadershipWithoutLosingOrDuplicatingAcknowledgedRecords() throws Exception {
    int kills = Integer.getInteger(KILLS_PROPERTY, 1);
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3)
          .configs(Map.of("min.insync.replicas", "2")))).all().get();
    }
    awaitFullIsr();

    Map<Long, long[]> acked = new ConcurrentHashMap<>(); // sequence -> {partition, offset}
    ConcurrentLinkedQueue<long[]> ackTimes = new ConcurrentLinkedQueue<>(); // {partition, ms}
    AtomicLong failed = new AtomicLong();
    AtomicBoolean stopProducing = new AtomicBoolean();
    Thread producerThread = new Thread(() -> produceUntil(stopProducing, acked, ackTimes, failed), "failover-producer");
    producerThread.start();

    List<Failover> failovers = new ArrayList<>();
    for (int kill = 0; kill < kills; kill++) {
      long ackedBefore = acked.size();
      await("records flowing before the kill", 60_000, () -> acked.size() > ackedBefore + 500);
      failovers.add(killLeaderOfPartitionZero(ackTimes, kill < kills - 1));
      System.out.printf("kill %d: %s%n", kill + 1, failovers.get(kill));
    }
    long ackedBeforeStop = acked.size();
    await("records flowing after the last kill", 60_000, () -> acked.size() > ackedBeforeStop + 500);
    stopProducing.set(true);
    producerThread.join(180_000);
    assertFalse(producerThread.isAlive());

    Map<Long, long[]> found = new HashMap<>();
    long duplicated = 0;
    for (ConsumerRecord<byte[], byte[]> r : TestClients.readAll(bootstrap(), TOPIC, PARTITIONS, 120_000)) {
      if (found.put(ByteBuffer.wrap(r.value()).getLong(), new long[] {r.partition(), r.offset()}) != null) {
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
    System.out.printf("kills=%d acknowledged=%d failed sends=%d lost=%d duplicated=%d%n", kills, acked.size(),
        failed.get(), lost, duplicated);
    System.out.println(Failover.distribution(failovers));
    for (Failover f : failovers) {
      assertNotEquals(f.victim(), f.newLeader(), "leadership of partition 0 moved off the killed broker");
    }
    assertEquals(kills, failovers.size());
    assertEquals(0, lost, "acknowledged records lost");
    assertEquals(0, duplicated, "records written twice");
  }

  /** Kills partition 0's leader and times the failover; then, if asked, restarts the victim and waits for the full ISR. */
  private Failover killLeaderOfPartitionZero(ConcurrentLinkedQueue<long[]> ackTimes, boolean restart) throws Exception {
    TopicPartition tp0 = new TopicPartition(TOPIC, 0);
    PartitionState before = new ClusterStore(zk).readPartitionState(tp0);
    int victim = before.leader();
    List<Integer> victimsPartitions = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      if (describe(p).leader().id() == victim) {
        victimsPartitions.add(p);
      }
    }
    BrokerProcess b = brokers.get(victim);
    long killedAt = System.currentTimeMillis();
    b.kill9();
    long deregisteredAt = -1;
    long electedAt = -1;
    int newLeader = -1;
    long deadline = killedAt + 120_000;
    while ((deregisteredAt < 0 || electedAt < 0) && System.currentTimeMillis() < deadline) {
      long now = System.currentTimeMillis();
      if (deregisteredAt < 0 && zk.checkExists().forPath(ZkPaths.broker(victim)) == null) {
        deregisteredAt = now;
      }
      PartitionState state = new ClusterStore(zk).readPartitionState(tp0);
      if (electedAt < 0 && state.leaderEpoch() > before.leaderEpoch()) {
        electedAt = now;
        newLeader = state.leader();
      }
      Thread.sleep(TIMELINE_POLL_MS);
    }
    long electedAtFinal = electedAt;
    await("acknowledgements of partition 0 resume after the kill", 120_000,
        () -> firstAckAfter(ackTimes, 0, electedAtFinal) > 0);
    long resumedAt = firstAckAfter(ackTimes, 0, electedAt);
    long gapMs = longestGap(ackTimes, victimsPartitions, killedAt, resumedAt);

    if (restart) {
      b.start();
      b.awaitReady(Duration.ofSeconds(60));
      awaitFullIsr();
    }
    return new Failover(victim, newLeader, gapMs, deregisteredAt - killedAt, electedAt - deregisteredAt,
        resumedAt - electedAt);
  }

  private void produceUntil(AtomicBoolean stop, Map<Long, long[]> acked, ConcurrentLinkedQueue<long[]> ackTimes,
      AtomicLong failed) {
    // The client's defaults, as a user runs it: idempotent, acks=all.
    Properties p = TestClients.producerProps(bootstrap());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      long seq = 0;
      while (!stop.get()) {
        long s = seq++;
        producer.send(new ProducerRecord<>(TOPIC, (int) (s % PARTITIONS), null, ByteBuffer.allocate(100).putLong(s).array()),
            (md, e) -> {
              if (e == null) {
                acked.put(s, new long[] {md.partition(), md.offset()});
                ackTimes.add(new long[] {md.partition(), System.currentTimeMillis()});
              } else {
                failed.incrementAndGet();
              }
            });
        Thread.sleep(1); // about 1,000 records/s: the failover, not the load, is under test
      }
      producer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The first acknowledgement of {@code partition} at or after {@code fromMs}, or -1. */
  private static long firstAckAfter(ConcurrentLinkedQueue<long[]> ackTimes, int partition, long fromMs) {
    long first = Long.MAX_VALUE;
    for (long[] a : ackTimes) {
      if (a[0] == partition && a[1] >= fromMs) {
        first = Math.min(first, a[1]);
      }
    }
    return first == Long.MAX_VALUE ? -1 : first;
  }

  /** The longest time without an acknowledgement of any of {@code partitions}, in [fromMs, toMs]. */
  private static long longestGap(ConcurrentLinkedQueue<long[]> ackTimes, List<Integer> partitions, long fromMs, long toMs) {
    long longest = 0;
    for (int p : partitions) {
      long previous = -1;
      for (long[] a : ackTimes) {
        if (a[0] == p && a[1] < fromMs) {
          previous = Math.max(previous, a[1]);
        }
      }
      long[] after = ackTimes.stream().filter(a -> a[0] == p && a[1] >= fromMs).mapToLong(a -> a[1]).sorted().toArray();
      for (long t : after) {
        longest = Math.max(longest, t - previous);
        previous = t;
        if (t > toMs) {
          break;
        }
      }
    }
    return longest;
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

  private TopicPartitionInfo describe(int partition) throws Exception {
    try (Admin admin = admin()) {
      return admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC).partitions().get(partition);
    }
  }

  private void awaitFullIsr() throws Exception {
    await("every partition has a leader and 3 in-sync replicas", 120_000, () -> {
      for (int p = 0; p < PARTITIONS; p++) {
        TopicPartitionInfo info = describe(p);
        if (info.leader() == null || info.isr().size() != 3) {
          return false;
        }
      }
      return true;
    });
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
      Thread.sleep(100);
    }
    throw new AssertionError("timed out waiting for: " + what);
  }

  /**
   * One kill: the longest acknowledgement gap of the victim's partitions and its parts — detection (kill to
   * registration gone), controller (registration gone to new leader written), client (new leader written to
   * the first acknowledgement of partition 0).
   */
  record Failover(int victim, int newLeader, long gapMs, long detectionMs, long controllerMs, long clientMs) {
    @Override
    public String toString() {
      return String.format("broker %d killed, partition 0 now led by %d: longest acknowledgement gap %d ms"
          + " (detection %d ms, controller %d ms, client %d ms)", victim, newLeader, gapMs, detectionMs, controllerMs, clientMs);
    }

    static String distribution(List<Failover> failovers) {
      long[] gaps = failovers.stream().mapToLong(Failover::gapMs).sorted().toArray();
      return String.format("longest acknowledgement gap over %d kills: min %d ms, median %d ms, max %d ms; all %s",
          gaps.length, gaps[0], gaps[gaps.length / 2], gaps[gaps.length - 1], Arrays.toString(gaps));
    }
  }
}
