package io.tributary.log.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.cluster.ClusterStore;
import io.tributary.log.cluster.PartitionState;
import io.tributary.log.cluster.ZkPaths;
import io.tributary.log.embedded.BrokerRegistrations;
import io.tributary.testkit.AckedStream;
import io.tributary.testkit.BrokerProcess;
import io.tributary.testkit.ZooKeeperProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover with default settings: three broker processes against a real ZooKeeper process and an
 * idempotent acks=all producer with the client's defaults ({@link AckedStream}). Partition 0's leader is
 * killed with {@code kill -9}, or stopped with SIGTERM (a controlled shutdown); each test asserts that
 * leadership moved (for SIGTERM: before the process exited) and that every acknowledged record is read
 * back exactly once. Each failover prints the longest gap between acknowledgements of the victim's
 * partitions and where the time went: detection (the victim's registration gone from ZooKeeper), the
 * controller (a new leader written) and the client (its first acknowledgement from the new leader).
 *
 * <p>Plain {@code verify} kills once; {@code -Pfailover} kills {@value #KILLS_PROPERTY}=10 times and prints
 * the distribution. Timings are printed, never asserted. One cluster for the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailoverTest {
  static final String KILLS_PROPERTY = "failover.kills";
  static final int PARTITIONS = 3;
  /** The pause between two looks at ZooKeeper while timing a failover. */
  static final long TIMELINE_POLL_MS = 20;
  static final long FAILOVER_TIMEOUT_MS = 120_000;

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
    zk = CuratorFrameworkFactory.builder().connectString(zookeeper.connectString()).namespace("tributary")
        .retryPolicy(new ExponentialBackoffRetry(200, 10, 2000)).build();
    zk.start();
  }

  /** Every broker runs (a test may have left one stopped) and each knows the others. */
  @BeforeEach
  void startStoppedBrokers() throws Exception {
    for (BrokerProcess b : brokers) {
      if (!b.isAlive()) {
        b.start();
      }
    }
    for (BrokerProcess b : brokers) {
      b.awaitReady(Duration.ofSeconds(180));
    }
    BrokerRegistrations.awaitEachSeesAll(brokers.stream().map(BrokerProcess::port).toList(), Duration.ofSeconds(30));
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
    String topic = "killed-leader";
    int kills = Integer.getInteger(KILLS_PROPERTY, 1);
    createTopic(topic);
    List<Failover> failovers = new ArrayList<>();
    AckedStream.Outcome outcome;
    try (AckedStream stream = new AckedStream(bootstrap(), topic, PARTITIONS)) {
      for (int kill = 0; kill < kills; kill++) {
        awaitFlowing(stream);
        boolean last = kill == kills - 1;
        failovers.add(failover(stream, topic, "kill -9", b -> {
          b.kill9();
          return System.currentTimeMillis();
        }));
        System.out.printf("kill %d: %s%n", kill + 1, failovers.get(kill));
        if (!last) {
          startStoppedBrokers();
          awaitFullIsr(topic);
        }
      }
      awaitFlowing(stream);
      outcome = stream.stopAndVerify();
    }
    System.out.printf("kills=%d %s%n%s%n", kills, outcome, Failover.distribution(failovers));
    assertEquals(kills, failovers.size());
    for (Failover f : failovers) {
      assertNotEquals(f.victim(), f.newLeader(), "leadership of partition 0 moved off the killed broker");
    }
    assertEquals(0, outcome.lost(), "acknowledged records lost");
    assertEquals(0, outcome.duplicated(), "records written twice");
  }

  @Test
  void sigtermMovesLeadershipBeforeTheBrokerExits() throws Exception {
    String topic = "stopped-leader";
    createTopic(topic);
    Failover stopped;
    AckedStream.Outcome outcome;
    try (AckedStream stream = new AckedStream(bootstrap(), topic, PARTITIONS)) {
      awaitFlowing(stream);
      stopped = failover(stream, topic, "SIGTERM", b -> {
        b.stop(); // SIGTERM, and returns once the process exited
        return System.currentTimeMillis();
      });
      System.out.printf("SIGTERM: %s%n", stopped);
      awaitFlowing(stream);
      outcome = stream.stopAndVerify();
    }
    System.out.println(outcome);
    assertNotEquals(stopped.victim(), stopped.newLeader(), "leadership of partition 0 moved off the stopped broker");
    assertTrue(stopped.electedAtMs() < stopped.exitedAtMs(), "leadership moved before the process exited: " + stopped);
    assertEquals(0, outcome.lost(), "acknowledged records lost");
    assertEquals(0, outcome.duplicated(), "records written twice");
  }

  /** How a test takes a broker down; returns when the process is gone (ms since the epoch). */
  interface Fault {
    long apply(BrokerProcess broker) throws Exception;
  }

  /** Takes partition 0's leader down with {@code fault} and times the failover until partition 0 is acknowledged again. */
  private Failover failover(AckedStream stream, String topic, String kind, Fault fault) throws Exception {
    TopicPartition tp0 = new TopicPartition(topic, 0);
    ClusterStore store = new ClusterStore(zk);
    PartitionState before = store.readPartitionState(tp0);
    int victim = before.leader();
    List<Integer> victimsPartitions = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      if (store.readPartitionState(new TopicPartition(topic, p)).leader() == victim) {
        victimsPartitions.add(p);
      }
    }
    long faultAt = System.currentTimeMillis();
    CompletableFuture<Long> exited = CompletableFuture.supplyAsync(() -> {
      try {
        return fault.apply(brokers.get(victim));
      } catch (Exception e) {
        throw new IllegalStateException(kind + " of broker " + victim + " failed", e);
      }
    });
    long deregisteredAt = -1;
    long electedAt = -1;
    int newLeader = -1;
    long deadline = faultAt + FAILOVER_TIMEOUT_MS;
    while ((deregisteredAt < 0 || electedAt < 0) && System.currentTimeMillis() < deadline) {
      long now = System.currentTimeMillis();
      if (deregisteredAt < 0 && zk.checkExists().forPath(ZkPaths.broker(victim)) == null) {
        deregisteredAt = now;
      }
      PartitionState state = store.readPartitionState(tp0);
      if (electedAt < 0 && state.leaderEpoch() > before.leaderEpoch()) {
        electedAt = now;
        newLeader = state.leader();
      }
      Thread.sleep(TIMELINE_POLL_MS);
    }
    long electedAtFinal = electedAt;
    assertTrue(electedAt > 0, "no new leader for " + tp0 + " within " + FAILOVER_TIMEOUT_MS + " ms of " + kind);
    await("acknowledgements of " + tp0 + " resume after " + kind, FAILOVER_TIMEOUT_MS,
        () -> stream.firstAckAfter(0, electedAtFinal) > 0);
    long resumedAt = stream.firstAckAfter(0, electedAt);
    long exitedAt = exited.get();
    return new Failover(kind, victim, newLeader, stream.longestGapMs(victimsPartitions, faultAt, resumedAt),
        deregisteredAt - faultAt, electedAt - deregisteredAt, resumedAt - electedAt, electedAt, exitedAt);
  }

  private void createTopic(String topic) throws Exception {
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 3)
          .configs(Map.of("min.insync.replicas", "2")))).all().get();
    }
    awaitFullIsr(topic);
  }

  private static void awaitFlowing(AckedStream stream) throws Exception {
    long before = stream.acknowledged();
    await("records flowing", 60_000, () -> stream.acknowledged() > before + 500);
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

  private void awaitFullIsr(String topic) throws Exception {
    await("every partition of " + topic + " has a leader and 3 in-sync replicas", 120_000, () -> {
      try (Admin admin = admin()) {
        for (TopicPartitionInfo info : admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()) {
          if (info.leader() == null || info.isr().size() != 3) {
            return false;
          }
        }
        return true;
      }
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
   * One failover: the longest acknowledgement gap of the victim's partitions and its parts — detection (fault
   * to registration gone), controller (registration gone to new leader written), client (new leader written
   * to the first acknowledgement of partition 0) — and when the new leader was written and the victim exited.
   */
  record Failover(String kind, int victim, int newLeader, long gapMs, long detectionMs, long controllerMs,
      long clientMs, long electedAtMs, long exitedAtMs) {
    @Override
    public String toString() {
      return String.format("%s of broker %d, partition 0 now led by %d: longest acknowledgement gap %d ms (detection"
          + " %d ms, controller %d ms, client %d ms); the process was gone %d ms %s the new leader was written", kind,
          victim, newLeader, gapMs, detectionMs, controllerMs, clientMs, Math.abs(exitedAtMs - electedAtMs),
          exitedAtMs > electedAtMs ? "after" : "before");
    }

    static String distribution(List<Failover> failovers) {
      long[] gaps = failovers.stream().mapToLong(Failover::gapMs).sorted().toArray();
      return String.format("longest acknowledgement gap over %d failovers: min %d ms, median %d ms, max %d ms; all %s",
          gaps.length, gaps[0], gaps[gaps.length / 2], gaps[gaps.length - 1], Arrays.toString(gaps));
    }
  }
}
