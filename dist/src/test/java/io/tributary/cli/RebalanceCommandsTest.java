package io.tributary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.log.replication.ReplicationQuota;
import io.tributary.testkit.AckedStream;
import io.tributary.testkit.TestClients;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, done-when 2 and 3, on real in-JVM brokers: a fourth broker joins three under an idempotent acks=all
 * producer and a consumer group, and {@code tributary cluster rebalance --throttle} moves replicas and leadership onto
 * it; then {@code tributary broker decommission 0} empties broker 0 under the same load, and stopping it leaves no
 * partition under-replicated. Each time: nothing acknowledged is lost, nothing duplicated, every partition has its
 * full ISR, and the bytes the receiving broker copied per second stayed within the throttle (measured from its logs).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RebalanceCommandsTest {
  static final long WAIT_MS = 120_000;
  static final String TOPIC = "joining";
  /** Its own topic, since each stream numbers its records from 0. */
  static final String LEAVING_TOPIC = "leaving";
  static final int PARTITIONS = 6;
  /** Replication throttle of both moves, bytes/s per broker: small, so that the copying takes tens of seconds. */
  static final long THROTTLE_BYTES_PER_SEC = 150_000;
  /**
   * The decommission's throttle: it moves nine replicas, three onto each remaining broker, and each leader's quota is
   * shared by everything it sends to throttled replicas; twice the rebalance's keeps the move near a minute.
   */
  static final long DECOMMISSION_THROTTLE_BYTES_PER_SEC = 300_000;
  /** Bytes per partition per fetch of a follower (replica.fetch.max.bytes): the most one fetch overshoots by. */
  static final long REPLICA_FETCH_MAX_BYTES = 65_536;
  /** The window the copied bytes are measured over. */
  static final long WINDOW_MS = 10_000;
  /** What the quota lets through over a window beyond the rate: its allowance holds at most this much time's worth. */
  static final long QUOTA_SPAN_MS = WINDOW_MS + ReplicationQuota.BURST_MS;
  /** A move must last this long for the windows to measure the throttle (not only the quota's initial allowance). */
  static final long MIN_MOVE_MS = 15_000;
  static final int PREFILL_BYTES_PER_PARTITION = 2_000_000;
  static final int PREFILL_RECORD_BYTES = 10_000;

  @TempDir static Path dir;
  static EmbeddedCluster cluster;
  static Admin admin;

  @BeforeAll
  static void start() throws Exception {
    // Small replica fetches (one fetch may overshoot the quota) and a small __consumer_offsets (it moves too).
    cluster = EmbeddedCluster.start(3, dir, Map.of("replica.fetch.max.bytes", Long.toString(REPLICA_FETCH_MAX_BYTES), "offsets.topic.num.partitions", "3"));
    admin = cluster.admin();
    cluster.createTopic(TOPIC, PARTITIONS, 2, Map.of());
    prefill(TOPIC);
  }

  @AfterAll
  static void stop() throws Exception {
    if (admin != null) {
      admin.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void rebalanceMovesReplicasAndLeadersOntoAJoiningBrokerWithinTheThrottle() throws Exception {
    try (AckedStream stream = new AckedStream(cluster.bootstrapServers(), TOPIC, PARTITIONS);
        GroupReader group = new GroupReader(cluster.bootstrapServers(), "rebalance-readers", TOPIC)) {
      await(() -> stream.acknowledged() > 100 && group.consumed() > 0, "the producer and the group are running");
      cluster.addBroker();
      cluster.awaitBrokersSeeEachOther();
      String bootstrap = cluster.bootstrapServers();

      Cli.Result dry = Cli.run("cluster", "rebalance", "--dry-run", "-b", bootstrap);
      System.out.println("cluster rebalance --dry-run:\n" + dry);
      assertEquals(0, dry.code(), dry.toString());
      assertTrue(dry.out().contains(" -> "), dry.toString());
      assertTrue(dry.out().lines().anyMatch(l -> l.matches("3\\s+0\\s+[1-9]\\d*\\s+0\\s+[1-9]\\d*")),
          "broker 3: 0 replicas and leaders before, some after\n" + dry);
      assertTrue(replicasOn(3).isEmpty(), "a dry run moves nothing");

      Map<TopicPartition, List<Integer>> before = assignment();
      Throughput copied = new Throughput(3, before);
      Cli.Result run;
      long startMs = System.currentTimeMillis();
      try (copied) {
        run = Cli.run("cluster", "rebalance", "--throttle", Long.toString(THROTTLE_BYTES_PER_SEC), "--timeout", "4m", "-b", bootstrap);
      }
      long tookMs = System.currentTimeMillis() - startMs;
      System.out.println("cluster rebalance --throttle (" + tookMs + " ms):\n" + run);
      printStuckMoves(run);
      assertEquals(0, run.code(), run.toString());
      assertTrue(run.out().contains("throttle removed"), run.toString());
      assertTrue(run.out().contains("rebalanced:"), run.toString());
      assertTrue(tookMs >= MIN_MOVE_MS, "the move took only " + tookMs + " ms: too little data to measure the throttle");

      assertFalse(replicasOn(3).isEmpty(), "broker 3 holds replicas");
      await(() -> leadersOn(3) > 0, "broker 3 leads some partitions");
      assertThrottleHeld(copied, assignment(), THROTTLE_BYTES_PER_SEC);
      assertNoThrottleLeft(List.of(0, 1, 2, 3));
      awaitFullIsr();
      assertNothingLostOrDuplicated(stream, group, TOPIC);
    }
  }

  @Test
  @Order(2)
  void decommissionEmptiesABrokerUnderLoadAndStoppingItLeavesNothingUnderReplicated() throws Exception {
    cluster.createTopic(LEAVING_TOPIC, PARTITIONS, 2, Map.of());
    prefill(LEAVING_TOPIC);
    try (AckedStream stream = new AckedStream(cluster.bootstrapServers(), LEAVING_TOPIC, PARTITIONS);
        GroupReader group = new GroupReader(cluster.bootstrapServers(), "decommission-readers", LEAVING_TOPIC)) {
      await(() -> stream.acknowledged() > 100 && group.consumed() > 0, "the producer and the group are running");
      String bootstrap = cluster.bootstrapServers();
      assertFalse(replicasOn(0).isEmpty(), "broker 0 holds replicas before");

      Map<TopicPartition, List<Integer>> before = assignment();
      Set<Integer> receivers = Set.of(1, 2, 3);
      List<Throughput> copied = receivers.stream().map(b -> new Throughput(b, before)).toList();
      long startMs = System.currentTimeMillis();
      Cli.Result run;
      try {
        run = Cli.run("broker", "decommission", "0", "--throttle", Long.toString(DECOMMISSION_THROTTLE_BYTES_PER_SEC), "--timeout", "4m",
            "-b", bootstrap);
      } finally {
        for (Throughput t : copied) {
          t.close();
        }
      }
      long tookMs = System.currentTimeMillis() - startMs;
      System.out.println("broker decommission 0 (" + tookMs + " ms):\n" + run);
      printStuckMoves(run);
      assertEquals(0, run.code(), run.toString());
      assertTrue(tookMs >= MIN_MOVE_MS, "the move took only " + tookMs + " ms: too little data to measure the throttle");
      assertTrue(run.out().contains("broker 0 holds no replicas: it can be stopped"), run.toString());
      assertTrue(replicasOn(0).isEmpty(), "broker 0 holds nothing: " + assignment());
      Map<TopicPartition, List<Integer>> after = assignment();
      for (Throughput t : copied) {
        assertThrottleHeld(t, after, DECOMMISSION_THROTTLE_BYTES_PER_SEC);
      }
      assertNoThrottleLeft(List.of(0, 1, 2, 3));
      awaitFullIsr();

      cluster.stopBroker(0);
      await(() -> admin.describeCluster().nodes().get().size() == 3, "broker 0 left the cluster");
      awaitFullIsr();
      assertNothingLostOrDuplicated(stream, group, LEAVING_TOPIC);

      // Three brokers left and __consumer_offsets has replication factor 3: a fourth decommission cannot place it.
      Cli.Result refused = Cli.run("broker", "decommission", "1", "--dry-run", "-b", bootstrap);
      assertEquals(1, refused.code(), refused.toString());
      assertTrue(refused.err().contains("cannot decommission broker 1: __consumer_offsets-")
          && refused.err().contains("has replication factor 3 but only 2 broker(s) [2, 3]"), refused.toString());
    }
  }

  /**
   * The bytes the broker copied over every window of {@value #WINDOW_MS} ms stay within what the quota admits: the
   * rate over the window plus the one second's worth its allowance may hold, plus at most one fetch per moving
   * partition in flight, plus what the producer appended to the moving partitions meanwhile (an in-sync replica is
   * never held back: those bytes count but pass).
   */
  private static void assertThrottleHeld(Throughput t, Map<TopicPartition, List<Integer>> after, long throttle) {
    List<long[]> samples = List.copyOf(t.samples);
    List<Integer> moving = new ArrayList<>();
    for (int i = 0; i < t.notHeldBefore.size(); i++) {
      if (after.get(t.notHeldBefore.get(i)).contains(t.broker)) {
        moving.add(i);
      }
    }
    if (moving.isEmpty()) {
      return;
    }
    long t0 = samples.get(0)[0];
    StringBuilder series = new StringBuilder();
    for (int i = 1; i < samples.size(); i++) {
      long copied = samples.get(i)[1] - samples.get(i - 1)[1];
      series.append(String.format(" %d", copied / 1000));
    }
    long inFlightBytes = moving.size() * REPLICA_FETCH_MAX_BYTES;
    double worstRate = 0;
    double worstCopyRate = 0; // without what the producer appended meanwhile: the copying the throttle governs
    double worstShare = 0;
    for (int i = 0; i < samples.size(); i++) {
      int j = i;
      while (j < samples.size() && samples.get(j)[0] - samples.get(i)[0] < WINDOW_MS) {
        j++;
      }
      if (j == samples.size()) {
        break;
      }
      long[] a = samples.get(i);
      long[] b = samples.get(j);
      long copied = b[1] - a[1];
      long produced = 0;
      for (int k : moving) {
        produced += Math.max(0, b[2 + k] - a[2 + k]);
      }
      long allowed = QUOTA_SPAN_MS * throttle / 1000 + inFlightBytes + produced;
      worstRate = Math.max(worstRate, copied * 1000.0 / (b[0] - a[0]));
      worstCopyRate = Math.max(worstCopyRate, Math.max(0, copied - produced) * 1000.0 / (b[0] - a[0]));
      worstShare = Math.max(worstShare, (double) copied / allowed);
      assertTrue(copied <= allowed, String.format("broker %d copied %d bytes in the %d ms from %d ms; the throttle admits"
          + " at most %d (11 s x %d B/s + %d in flight + %d produced); kB per second:%s",
          t.broker, copied, b[0] - a[0], a[0] - t0, allowed, throttle, inFlightBytes, produced, series));
    }
    long[] first = samples.get(0);
    long[] last = samples.get(samples.size() - 1);
    long copiedTotal = last[1] - first[1];
    long producedTotal = 0;
    for (int k : moving) {
      producedTotal += Math.max(0, last[2 + k] - first[2 + k]);
    }
    long spanMs = last[0] - t0;
    System.out.printf("broker %d copied %d bytes into %d partition(s) in %d ms (%.0f B/s on average, %.0f B/s without the"
        + " %d bytes the producer appended meanwhile); worst %d s window %.0f B/s (%.0f B/s without them), %.0f%% of what"
        + " the throttle admits; throttle %d B/s; kB per second:%s%n", t.broker, copiedTotal, moving.size(), spanMs,
        copiedTotal * 1000.0 / Math.max(spanMs, 1), Math.max(0, copiedTotal - producedTotal) * 1000.0 / Math.max(spanMs, 1),
        producedTotal, WINDOW_MS / 1000, worstRate, worstCopyRate, worstShare * 100, throttle, series);
    // Over the whole move the copying (without the producer's appends) averaged no more than the throttle, give or take
    // the quota's one-second allowance and the fetches in flight at the end.
    long copiedOnly = Math.max(0, copiedTotal - producedTotal);
    long mostOverMove = throttle * (spanMs + ReplicationQuota.BURST_MS) / 1000 + inFlightBytes;
    assertTrue(copiedOnly <= mostOverMove, String.format("broker %d copied %d bytes (without the producer's appends) in %d"
        + " ms: more than the throttle's %d B/s admit (%d)", t.broker, copiedOnly, spanMs, throttle, mostOverMove));
  }

  /** When a move did not finish: each partition still moving, its ISR and every broker's log end offset of it. */
  private static void printStuckMoves(Cli.Result run) throws Exception {
    if (run.code() == 0) {
      return;
    }
    var inFlight = admin.listPartitionReassignments().reassignments().get();
    Map<String, TopicDescription> described = describeAll();
    inFlight.forEach((tp, r) -> {
      TopicPartitionInfo info = described.get(tp.topic()).partitions().get(tp.partition());
      StringBuilder ends = new StringBuilder();
      for (int id = 0; id < cluster.size(); id++) {
        var b = cluster.broker(id);
        if (b != null) {
          b.replicaManager().partition(tp).ifPresent(p -> ends.append(" ").append(b.config().brokerId()).append(":")
              .append(p.log().logEndOffset()));
        }
      }
      System.out.println("still moving " + tp + " replicas " + r.replicas() + " adding " + r.addingReplicas() + " leader "
          + info.leader() + " isr " + info.isr().stream().map(n -> n.id()).toList() + " log ends" + ends);
    });
  }

  private static void assertNoThrottleLeft(List<Integer> brokers) throws Exception {
    for (int b : brokers) {
      var r = new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.BROKER,
          Integer.toString(b));
      var entry = admin.describeConfigs(List.of(r)).all().get().get(r).get(PlanExecution.LEADER_RATE);
      assertTrue(entry == null || entry.value() == null || entry.value().isEmpty(), "broker " + b + " still throttled: " + entry);
    }
    // And the topics' throttled-replica lists, as kafka-reassign-partitions --verify leaves them.
    for (String topic : admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get()) {
      var r = new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic);
      var configs = admin.describeConfigs(List.of(r)).all().get().get(r);
      for (String key : List.of(PlanExecution.LEADER_REPLICAS, PlanExecution.FOLLOWER_REPLICAS)) {
        var entry = configs.get(key);
        assertTrue(entry == null || entry.value() == null || entry.value().isEmpty(), topic + " still has " + entry);
      }
    }
  }

  private static void assertNothingLostOrDuplicated(AckedStream stream, GroupReader group, String topic) throws Exception {
    AckedStream.Outcome outcome = stream.stopAndVerify();
    System.out.println("producer: " + outcome);
    assertTrue(outcome.acknowledged() > 0);
    assertEquals(0, outcome.lost(), "acknowledged records lost");
    assertEquals(0, outcome.duplicated(), "records duplicated in the log");
    Set<Long> written = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> r : TestClients.readAll(cluster.bootstrapServers(), topic, PARTITIONS, WAIT_MS)) {
      long seq = ByteBuffer.wrap(r.value()).getLong();
      if (seq >= 0) {
        written.add(seq);
      }
    }
    await(() -> group.seen.keySet().containsAll(written), "the consumer group read every record written ("
        + written.size() + ")");
    System.out.println("consumer group read " + group.seen.size() + " distinct records, " + group.duplicates.get() + " twice");
    assertEquals(0, group.duplicates.get(), "records the group read twice");
  }

  private static void awaitFullIsr() throws Exception {
    await(() -> describeAll().values().stream().flatMap(d -> d.partitions().stream())
        .allMatch(p -> p.isr().size() == p.replicas().size() && p.leader() != null), "every partition has its full ISR");
  }

  private static Map<String, TopicDescription> describeAll() throws Exception {
    return admin.describeTopics(admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get()).allTopicNames().get();
  }

  private static Map<TopicPartition, List<Integer>> assignment() throws Exception {
    Map<TopicPartition, List<Integer>> out = new HashMap<>();
    for (TopicDescription d : describeAll().values()) {
      for (TopicPartitionInfo p : d.partitions()) {
        out.put(new TopicPartition(d.name(), p.partition()), p.replicas().stream().map(n -> n.id()).toList());
      }
    }
    return out;
  }

  private static List<TopicPartition> replicasOn(int broker) throws Exception {
    List<TopicPartition> out = new ArrayList<>();
    assignment().forEach((tp, r) -> {
      if (r.contains(broker)) {
        out.add(tp);
      }
    });
    return out;
  }

  private static long leadersOn(int broker) throws Exception {
    return describeAll().values().stream().flatMap(d -> d.partitions().stream())
        .filter(p -> p.leader() != null && p.leader().id() == broker).count();
  }

  /** Writes records whose first 8 bytes are negative, so that {@link AckedStream} (counting from 0) tells them apart. */
  private static void prefill(String topic) {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(TestClients.producerProps(cluster.bootstrapServers()))) {
      long n = 0;
      for (int p = 0; p < PARTITIONS; p++) {
        for (int written = 0; written < PREFILL_BYTES_PER_PARTITION; written += PREFILL_RECORD_BYTES) {
          producer.send(new ProducerRecord<>(topic, p, null, ByteBuffer.allocate(PREFILL_RECORD_BYTES).putLong(-1 - n++).array()));
        }
      }
      producer.flush();
    }
  }

  /**
   * What a receiving broker copied, sampled every {@value #SAMPLE_MS} ms: the summed size of its logs of partitions it
   * did not hold before (what it fetched as a follower), and beside it the summed size of the same partitions' largest
   * log in the cluster (the leader's: its growth is what the producer appended meanwhile).
   */
  static final class Throughput implements AutoCloseable {
    static final long SAMPLE_MS = 1_000;
    final int broker;
    final List<TopicPartition> notHeldBefore;
    final List<long[]> samples = java.util.Collections.synchronizedList(new ArrayList<>());
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();

    Throughput(int broker, Map<TopicPartition, List<Integer>> before) {
      this.broker = broker;
      this.notHeldBefore = before.entrySet().stream().filter(e -> !e.getValue().contains(broker)).map(Map.Entry::getKey).toList();
      sampler.scheduleAtFixedRate(() -> {
        var b = cluster.broker(broker);
        if (b == null) {
          return;
        }
        // [time, copied, then the largest log in the cluster of each partition not held before]
        long[] sample = new long[2 + notHeldBefore.size()];
        sample[0] = System.currentTimeMillis();
        for (int i = 0; i < notHeldBefore.size(); i++) {
          TopicPartition tp = notHeldBefore.get(i);
          long size = b.replicaManager().partition(tp).map(p -> p.log().size()).orElse(0L);
          sample[1] += size;
          long largest = size;
          for (int id = 0; id < cluster.size(); id++) {
            var other = cluster.broker(id);
            if (other != null) {
              largest = Math.max(largest, other.replicaManager().partition(tp).map(p -> p.log().size()).orElse(0L));
            }
          }
          sample[2 + i] = largest;
        }
        samples.add(sample);
      }, 0, SAMPLE_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
      sampler.shutdownNow();
      sampler.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  /** A consumer group member reading the topic and committing, remembering every sequence number it read. */
  static final class GroupReader implements AutoCloseable {
    static final long COMMIT_INTERVAL_MS = 1_000;
    final Map<Long, Boolean> seen = new ConcurrentHashMap<>();
    final AtomicLong duplicates = new AtomicLong();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;

    GroupReader(String bootstrap, String groupId, String topic) {
      Properties p = cluster.consumerProps();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
      thread = new Thread(() -> {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
          consumer.subscribe(List.of(topic));
          long lastCommitMs = 0;
          while (!stop.get()) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
              long seq = ByteBuffer.wrap(r.value()).getLong();
              if (seq >= 0 && seen.put(seq, true) != null) {
                duplicates.incrementAndGet();
              }
            }
            // Once a second, as auto-commit would: a commit per poll wrote ~100 KB/s to __consumer_offsets, which
            // moves too, and in-sync bytes of a throttled partition fill the quota without being held back.
            if (System.currentTimeMillis() - lastCommitMs >= COMMIT_INTERVAL_MS) {
              consumer.commitAsync();
              lastCommitMs = System.currentTimeMillis();
            }
          }
          consumer.commitSync();
        }
      }, "group-reader-" + groupId);
      thread.start();
    }

    long consumed() {
      return seen.size();
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      thread.join(60_000);
    }
  }

  private static void await(ThrowingCondition condition, String what) throws Exception {
    long deadline = System.currentTimeMillis() + WAIT_MS;
    while (!condition.holds()) {
      assertTrue(System.currentTimeMillis() < deadline, what + " within " + WAIT_MS + " ms");
      Thread.sleep(100);
    }
  }

  private interface ThrowingCondition {
    boolean holds() throws Exception;
  }
}
