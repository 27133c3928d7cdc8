package io.tributary.log.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.faults.DeliveryCheck.Read;
import io.tributary.log.faults.ReplicaComparison.Batch;
import io.tributary.testkit.BrokerProcess;
import io.tributary.testkit.NamespaceNetwork;
import io.tributary.testkit.TmpfsMount;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's fault suite (and issue 19's elasticity operations under it): a real 3-member ZooKeeper ensemble
 * and 3 broker JVMs, each in a network namespace of its own, one broker's log directory on a small tmpfs;
 * idempotent acks=all producers and a transactional producer on a topic of {@value #PARTITIONS} partitions,
 * RF 3, min.insync.replicas 2; then {@value #COUNT_PROPERTY} seeded faults, one at a time, each held 1-9 s,
 * healed, and the cluster recovered: kill -9 and SIGSTOP of a broker, of the controller and of a ZooKeeper
 * member, partitions between brokers and between a broker and ZooKeeper, a full disk; between them, preferred
 * leader elections and partition reassignments. At the end: every acknowledged record read exactly once at its
 * offset by read_committed and read_uncommitted, nothing aborted visible, replicas byte-identical below the high
 * watermark, no partition offline.
 *
 * <p>Without root (no namespaces, no mount) the process faults and operations run on 127.0.0.1 alone. Plain
 * {@code mvn verify}: 9 faults (the pom's {@code faults.count}); {@code -Pfaults}: 100 ({@code -Dfaults.count=N}, {@code -Dfaults.seed=N}
 * replays a run): {@code mvn -B -o -pl log-cluster -am verify -Pfaults -Dtest=ClusterFaultsTest
 * -Dsurefire.failIfNoSpecifiedTests=false -DskipITs}.
 */
class ClusterFaultsTest {
  static final String COUNT_PROPERTY = "faults.count";
  static final String SEED_PROPERTY = "faults.seed";
  static final int DEFAULT_COUNT = 12;
  static final String TOPIC = "faults";
  static final int PARTITIONS = 6;
  /** Acknowledged records before the first fault: the producers are going. */
  static final int WARM_UP_RECORDS = 500;
  static final Duration WAIT = Duration.ofMinutes(5);

  @Test
  void acknowledgedRecordsSurviveSeededFaultsExactlyOnceAndReplicasAgree(
      @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir) throws Exception {
    int count = Integer.getInteger(COUNT_PROPERTY, DEFAULT_COUNT);
    long seed = Long.getLong(SEED_PROPERTY, System.nanoTime());
    boolean namespaces = NamespaceNetwork.available(FaultCluster.NET_PREFIX);
    boolean mount = TmpfsMount.available(dir.resolve("mount-probe"));
    Set<FaultKind> enabled = EnumSet.noneOf(FaultKind.class);
    for (FaultKind k : FaultKind.values()) {
      if (k.needs == FaultKind.Needs.PROCESSES || (k.needs == FaultKind.Needs.NAMESPACES && namespaces)
          || (k.needs == FaultKind.Needs.MOUNT && mount)) {
        enabled.add(k);
      }
    }
    List<Fault> plan = FaultSchedule.plan(seed, count, new FaultSchedule.Shape(FaultCluster.BROKERS,
        FaultCluster.ZOOKEEPERS, FaultCluster.FULL_DISK_BROKER, enabled));
    RunLog.say("run directory (kept if the run fails) " + dir);
    RunLog.say(SEED_PROPERTY + "=" + seed + " " + COUNT_PROPERTY + "=" + count
        + " namespaces=" + namespaces + " tmpfs=" + mount + (namespaces && mount ? ""
            : " (without root: network partitions and the full disk are left out)") + " steps=" + plan.size());

    long started = System.nanoTime();
    try (FaultCluster cluster = FaultCluster.start(dir, namespaces, mount)) {
      cluster.admin().createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3)
          .configs(Map.of("min.insync.replicas", "2")))).all().get(60, TimeUnit.SECONDS);
      cluster.awaitHealthy(List.of(TOPIC), WAIT);
      FaultInjector injector = new FaultInjector(cluster, TOPIC, List.of(TOPIC));
      Workload workload = new Workload(cluster.bootstrap(), TOPIC, PARTITIONS).start();
      try {
        awaitAcknowledged(workload, WARM_UP_RECORDS);
        for (Fault fault : plan) {
          injector.apply(fault);
        }
      } finally {
        workload.close();
      }
      List<String> allTopics = new ArrayList<>(cluster.admin().listTopics(
          new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true)).names().get(60, TimeUnit.SECONDS));
      cluster.awaitHealthy(allTopics, WAIT); // no partition left offline, every ISR full again

      String bootstrap = cluster.bootstrap();
      Map<TopicPartition, Long> highWatermarks = awaitStableOffsets(bootstrap);
      List<Read> committed = readAll(bootstrap, "read_committed", highWatermarks);
      List<Read> uncommitted = readAll(bootstrap, "read_uncommitted", highWatermarks);
      DeliveryCheck.Result delivery = DeliveryCheck.check(workload.acknowledged, workload.aborted, committed, uncommitted);

      for (BrokerProcess b : cluster.brokers) {
        b.stop(); // a clean stop: every byte written is in the files
      }
      Map<Integer, List<String>> divergent = new TreeMap<>();
      for (int p = 0; p < PARTITIONS; p++) {
        Map<Integer, List<Batch>> replicas = new LinkedHashMap<>();
        for (BrokerProcess b : cluster.brokers) {
          replicas.put(b.brokerId(), batches(logDir(cluster, b).resolve(TOPIC + "-" + p)));
        }
        List<String> d = ReplicaComparison.differences(replicas, highWatermarks.get(new TopicPartition(TOPIC, p)));
        if (!d.isEmpty()) {
          divergent.put(p, d);
        }
      }

      int faults = (int) plan.stream().filter(f -> !f.kind().isOperation()).count();
      RunLog.say("seed=" + seed + " per kind " + injector.counts()
          + " broker restarts after a full disk " + injector.restartsAfterFullDisk);
      RunLog.say("acknowledged " + workload.acknowledged.size() + " (failed sends "
          + workload.failedSends.get() + "), transactions committed " + workload.committedTransactions.get()
          + " aborted " + workload.abortedTransactions.get() + " unknown " + workload.unknownTransactions.get()
          + ", read_committed " + committed.size() + ", read_uncommitted " + uncommitted.size()
          + ", aborted visible " + delivery.abortedVisible() + ", offset mismatches " + delivery.offsetMismatch()
          + ", in " + Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s");
      RunLog.say("faults=" + faults + " lost=" + delivery.lost() + " duplicated="
          + delivery.duplicated() + " divergent=" + divergent.size() + " (seed " + seed + ")");
      delivery.examples().forEach(e -> RunLog.say("  " + e));
      divergent.forEach((p, d) -> RunLog.say("  partition " + p + ": " + d));

      assertTrue(workload.acknowledged.size() >= WARM_UP_RECORDS, "the producers made progress");
      assertTrue(delivery.clean(), "seed " + seed + ": " + delivery);
      assertEquals(Map.of(), divergent, "replicas differ below the high watermark (seed " + seed + ")");
    }
  }

  private static void awaitAcknowledged(Workload workload, long n) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (workload.acknowledgedCount() < n) {
      assertTrue(System.nanoTime() < deadline, "only " + workload.acknowledgedCount() + " records acknowledged");
      Thread.sleep(200);
    }
  }

  private static Path logDir(FaultCluster cluster, BrokerProcess b) {
    return Path.of(b.config().get("log.dirs"));
  }

  /** The record batches of a partition directory's segments, in offset order, each with its stored bytes. */
  private static List<Batch> batches(Path partitionDir) throws Exception {
    List<Batch> out = new ArrayList<>();
    if (!Files.isDirectory(partitionDir)) {
      return out;
    }
    List<Path> segments;
    try (Stream<Path> files = Files.list(partitionDir)) {
      segments = files.filter(f -> f.getFileName().toString().endsWith(".log"))
          .sorted((a, b) -> Long.compare(baseOffset(a), baseOffset(b))).toList();
    }
    for (Path segment : segments) {
      byte[] bytes = Files.readAllBytes(segment);
      int position = 0;
      for (MutableRecordBatch batch : MemoryRecords.readableRecords(ByteBuffer.wrap(bytes)).batches()) {
        int size = batch.sizeInBytes();
        out.add(new Batch(batch.baseOffset(), batch.lastOffset(), Arrays.copyOfRange(bytes, position, position + size)));
        position += size;
      }
    }
    return out;
  }

  private static long baseOffset(Path segment) {
    String name = segment.getFileName().toString();
    return Long.parseLong(name.substring(0, name.length() - ".log".length()));
  }

  private static Properties consumerProps(String bootstrap, String isolation) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }

  private static List<TopicPartition> partitions() {
    List<TopicPartition> tps = new ArrayList<>();
    for (int i = 0; i < PARTITIONS; i++) {
      tps.add(new TopicPartition(TOPIC, i));
    }
    return tps;
  }

  /**
   * Until no transaction is open (the last stable offset of every partition equals its high watermark, so that
   * read_committed can read as far as read_uncommitted); the high watermarks.
   */
  private static Map<TopicPartition, Long> awaitStableOffsets(String bootstrap) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    try (KafkaConsumer<byte[], byte[]> committed = new KafkaConsumer<>(consumerProps(bootstrap, "read_committed"));
         KafkaConsumer<byte[], byte[]> uncommitted = new KafkaConsumer<>(consumerProps(bootstrap, "read_uncommitted"))) {
      while (true) {
        Map<TopicPartition, Long> lso = committed.endOffsets(partitions());
        Map<TopicPartition, Long> hw = uncommitted.endOffsets(partitions());
        if (lso.equals(hw)) {
          return hw;
        }
        assertTrue(System.nanoTime() < deadline, "transactions still open: last stable offsets " + lso + ", high watermarks " + hw);
        Thread.sleep(500);
      }
    }
  }

  /** Every record of the topic up to {@code end}, with its partition and offset, as {@code isolation} reads it. */
  private static List<Read> readAll(String bootstrap, String isolation, Map<TopicPartition, Long> end) {
    List<Read> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(bootstrap, isolation))) {
      List<TopicPartition> tps = partitions();
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        assertTrue(System.nanoTime() < deadline, isolation + " could not read up to " + end);
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          out.add(new Read(new String(r.value(), StandardCharsets.UTF_8), r.partition(), r.offset()));
        }
      }
    }
    return out.stream().collect(Collectors.toList());
  }
}
