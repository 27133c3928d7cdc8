package io.tributary.log.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.testkit.AckedStream;
import io.tributary.testkit.TestClients;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.PartitionReassignment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.NoReassignmentInProgressException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.tools.reassign.ReassignPartitionsCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partition reassignment on four brokers with Kafka's own {@code kafka-reassign-partitions}: {@code --generate} moves a
 * topic off broker 0, {@code --execute --throttle} runs it while an idempotent acks=all producer writes, and
 * {@code --verify} sees it complete and removes the throttle. Nothing acknowledged is lost or duplicated, the target
 * replicas end in the ISR, the removed replicas' logs are gone, and the bytes each new replica received per second
 * stayed within the throttle (measured from the receiving logs' sizes over time). Cancelling reverts.
 */
class ReassignPartitionsTest {
  static final long WAIT_MS = 120_000;
  /** The throttle: bytes/s each broker may send (leader) and receive (follower) for throttled replicas. */
  static final long THROTTLE_BYTES_PER_SEC = 300_000;
  /** Bytes written to each partition before the move, so that it takes several throttle windows. */
  static final int PREFILL_BYTES_PER_PARTITION = 2_000_000;
  static final int PREFILL_RECORD_BYTES = 10_000;
  /** A fetch response may overshoot the quota by one fetch: keep it small beside the throttle. */
  static final String REPLICA_FETCH_MAX_BYTES = "65536";

  @TempDir static Path dir;
  static EmbeddedCluster cluster;
  static Admin admin;

  @BeforeAll
  static void start() throws Exception {
    cluster = EmbeddedCluster.start(4, dir, Map.of("replica.fetch.max.bytes", REPLICA_FETCH_MAX_BYTES));
    admin = cluster.admin();
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
  void kafkaReassignPartitionsMovesATopicOffABrokerUnderLoadWithinTheThrottle() throws Exception {
    String topic = "moving";
    int partitions = 3;
    admin.createTopics(List.of(new NewTopic(topic, Map.of(0, List.of(0, 1), 1, List.of(1, 0), 2, List.of(0, 2))))).all().get();
    prefill(topic, partitions);

    try (AckedStream stream = new AckedStream(cluster.bootstrapServers(), topic, partitions)) {
      await(() -> stream.acknowledged() > 100, "the producer gets acknowledgements");

      Path topicsFile = Files.writeString(dir.resolve("topics.json"), "{\"version\":1,\"topics\":[{\"topic\":\"" + topic + "\"}]}");
      Run generate = reassign("--generate", "--topics-to-move-json-file", topicsFile.toString(), "--broker-list", "1,2,3");
      assertEquals(0, generate.exitCode, generate.out);
      String proposed = generate.out.substring(generate.out.indexOf("Proposed partition reassignment configuration"))
          .lines().skip(1).findFirst().orElseThrow();
      Map<TopicPartition, List<Integer>> target = parseAssignment(proposed);
      assertEquals(partitions, target.size(), proposed);
      target.values().forEach(replicas -> assertFalse(replicas.contains(0), "generate moves everything off broker 0: " + proposed));
      Map<TopicPartition, List<Integer>> before = assignment(topic);

      Path plan = Files.writeString(dir.resolve("plan.json"), proposed);
      long startMs = System.currentTimeMillis();
      Run execute = reassign("--execute", "--reassignment-json-file", plan.toString(), "--throttle", Long.toString(THROTTLE_BYTES_PER_SEC));
      assertEquals(0, execute.exitCode, execute.out);
      assertTrue(execute.out.contains("Successfully started partition reassignment"), execute.out);

      // The throttle is on: the rates on the brokers, the replicas in the topic configs.
      assertEquals(Long.toString(THROTTLE_BYTES_PER_SEC), brokerConfig(1, "leader.replication.throttled.rate"));
      assertEquals(Long.toString(THROTTLE_BYTES_PER_SEC), brokerConfig(3, "follower.replication.throttled.rate"));
      Map<TopicPartition, PartitionReassignment> inFlight = admin.listPartitionReassignments().reassignments().get();
      System.out.println("reassignments in flight right after --execute: " + inFlight);
      assertFalse(inFlight.isEmpty(), "Admin.listPartitionReassignments shows the reassignment in flight");

      // Sample what each new replica received, until every partition has its target replicas.
      Map<TopicPartition, List<Integer>> moving = new TreeMap<>(java.util.Comparator.comparing(TopicPartition::toString));
      target.forEach((tp, replicas) -> {
        List<Integer> adding = new ArrayList<>(replicas);
        adding.removeAll(before.get(tp));
        if (!adding.isEmpty()) {
          moving.put(tp, adding);
        }
      });
      Map<Integer, long[]> received = new HashMap<>(); // broker -> {bytes, first ms, last ms}
      long deadline = System.currentTimeMillis() + WAIT_MS * 2;
      while (!assignment(topic).equals(target)) {
        assertTrue(System.currentTimeMillis() < deadline, "the reassignment did not complete: " + assignment(topic));
        long now = System.currentTimeMillis();
        Map<Integer, Long> bytesByBroker = new HashMap<>();
        moving.forEach((tp, adding) -> adding.forEach(b -> bytesByBroker.merge(b, localSize(b, tp), Long::sum)));
        bytesByBroker.forEach((b, bytes) -> {
          long[] r = received.computeIfAbsent(b, k -> new long[] {0, -1, -1});
          if (bytes > r[0]) {
            r[0] = bytes;
            if (r[1] < 0) {
              r[1] = now;
            }
            r[2] = now;
          }
        });
        Thread.sleep(200);
      }
      long tookMs = System.currentTimeMillis() - startMs;

      Run verify = reassign("--verify", "--reassignment-json-file", plan.toString());
      assertEquals(0, verify.exitCode, verify.out);
      assertFalse(verify.out.contains("still in progress"), verify.out);
      assertTrue(verify.out.contains("Clearing broker-level throttles"), verify.out);
      assertEquals(null, brokerConfig(1, "leader.replication.throttled.rate"), "--verify removed the throttle");
      assertEquals(null, topicConfig(topic, "leader.replication.throttled.replicas"), "--verify removed the throttled replicas");

      System.out.printf("reassignment of %s took %d ms; moved %s%n", topic, tookMs, moving);
      received.forEach((broker, r) -> {
        long spanMs = Math.max(r[2] - startMs, 1);
        // The quota lets at most limit x (span + its one-second allowance) through, plus a batch; what the producer
        // appended meanwhile (a few kB/s here) is copied too.
        long quotaSpanMs = spanMs + ReplicationQuota.BURST_MS;
        double rate = r[0] * 1000.0 / spanMs;
        double quotaRate = r[0] * 1000.0 / quotaSpanMs;
        System.out.printf("broker %d received %d bytes in %d ms: %.0f B/s (%.0f B/s over the quota's span), throttle %d B/s%n",
            broker, r[0], spanMs, rate, quotaRate, THROTTLE_BYTES_PER_SEC);
        assertTrue(quotaRate <= THROTTLE_BYTES_PER_SEC * 1.1, "broker " + broker + " received " + quotaRate + " B/s");
      });
      assertTrue(received.values().stream().anyMatch(r -> r[0] >= PREFILL_BYTES_PER_PARTITION), "a whole partition was moved: "
          + received.values().stream().map(r -> r[0]).toList());

      for (Map.Entry<TopicPartition, List<Integer>> e : target.entrySet()) {
        TopicPartition tp = e.getKey();
        await(() -> isr(tp).containsAll(e.getValue()), tp + " has its target replicas " + e.getValue() + " in its ISR");
        for (int removed : before.get(tp)) {
          if (!e.getValue().contains(removed)) {
            await(() -> cluster.broker(removed).replicaManager().partition(tp).isEmpty()
                && !Files.exists(cluster.logDir(removed).resolve(tp.toString())), "broker " + removed + " deleted its log of " + tp);
          }
        }
      }
      assertTrue(admin.listPartitionReassignments().reassignments().get().isEmpty(), "nothing in flight any more");

      AckedStream.Outcome outcome = stream.stopAndVerify();
      System.out.println("producer during the reassignment: " + outcome);
      assertTrue(outcome.acknowledged() > 0);
      assertEquals(0, outcome.lost(), "acknowledged records lost");
      assertEquals(0, outcome.duplicated(), "records duplicated");
    }
  }

  @Test
  void cancellingRevertsToTheOriginalReplicas() throws Exception {
    String topic = "cancelled";
    TopicPartition tp = new TopicPartition(topic, 0);
    admin.createTopics(List.of(new NewTopic(topic, Map.of(0, List.of(0, 1))))).all().get();
    prefill(topic, 1);
    // Throttled so hard that broker 3 cannot catch up before the cancel.
    setBrokerConfig(3, "follower.replication.throttled.rate", "1000");
    admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(
        new AlterConfigOp(new ConfigEntry("follower.replication.throttled.replicas", "0:3"), AlterConfigOp.OpType.SET)))).all().get();

    admin.alterPartitionReassignments(Map.of(tp, Optional.of(new NewPartitionReassignment(List.of(1, 3))))).all().get();
    PartitionReassignment listed = admin.listPartitionReassignments(Set.of(tp)).reassignments().get().get(tp);
    assertEquals(List.of(1, 3, 0), listed.replicas(), "target first, then the replicas being removed");
    assertEquals(List.of(3), listed.addingReplicas());
    assertEquals(List.of(0), listed.removingReplicas());
    await(() -> cluster.broker(3).replicaManager().partition(tp).isPresent(), "broker 3 follows the partition");

    admin.alterPartitionReassignments(Map.of(tp, Optional.empty())).all().get();
    // Kafka's revert keeps the original replicas in their order during the reassignment (target first), as Kafka does.
    await(() -> Set.copyOf(assignment(topic).get(tp)).equals(Set.of(0, 1)) && assignment(topic).get(tp).size() == 2,
        "cancel reverts to the original replicas");
    await(() -> cluster.broker(3).replicaManager().partition(tp).isEmpty(), "broker 3 stopped following");
    assertTrue(admin.listPartitionReassignments(Set.of(tp)).reassignments().get().isEmpty());
    assertTrue(isr(tp).containsAll(List.of(0, 1)));

    assertFails(NoReassignmentInProgressException.class, tp, Optional.empty());
    assertFails(UnknownTopicOrPartitionException.class, new TopicPartition(topic, 5), Optional.of(new NewPartitionReassignment(List.of(1))));
    assertFails(InvalidReplicaAssignmentException.class, tp, Optional.of(new NewPartitionReassignment(List.of(0, 9))));
    assertFails(InvalidReplicaAssignmentException.class, tp, Optional.of(new NewPartitionReassignment(List.of(1, 1))));
    assertEquals(Set.of(0, 1), Set.copyOf(assignment(topic).get(tp)), "no refused request changed the partition");
    setBrokerConfig(3, "follower.replication.throttled.rate", null);
  }

  private static void assertFails(Class<? extends Exception> expected, TopicPartition tp, Optional<NewPartitionReassignment> r) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> admin.alterPartitionReassignments(Map.of(tp, r)).all().get());
    assertInstanceOf(expected, e.getCause(), e.getCause().toString());
  }

  /** Writes records whose first 8 bytes are negative, so that {@link AckedStream} (counting from 0) tells them apart. */
  private static void prefill(String topic, int partitions) {
    Properties props = TestClients.producerProps(cluster.bootstrapServers());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      long n = 0;
      for (int p = 0; p < partitions; p++) {
        for (int written = 0; written < PREFILL_BYTES_PER_PARTITION; written += PREFILL_RECORD_BYTES) {
          producer.send(new ProducerRecord<>(topic, p, null, ByteBuffer.allocate(PREFILL_RECORD_BYTES).putLong(-1 - n++).array()));
        }
      }
      producer.flush();
    }
  }

  private static long localSize(int broker, TopicPartition tp) {
    return cluster.broker(broker).replicaManager().partition(tp).map(p -> p.log().size()).orElse(0L);
  }

  private static Map<TopicPartition, List<Integer>> assignment(String topic) throws Exception {
    Map<TopicPartition, List<Integer>> out = new HashMap<>();
    for (TopicPartitionInfo p : admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()) {
      out.put(new TopicPartition(topic, p.partition()), p.replicas().stream().map(n -> n.id()).toList());
    }
    return out;
  }

  private static List<Integer> isr(TopicPartition tp) throws Exception {
    return admin.describeTopics(List.of(tp.topic())).allTopicNames().get().get(tp.topic()).partitions().get(tp.partition())
        .isr().stream().map(n -> n.id()).toList();
  }

  private static String brokerConfig(int broker, String key) throws Exception {
    ConfigResource r = new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(broker));
    ConfigEntry e = admin.describeConfigs(List.of(r)).all().get().get(r).get(key);
    return e == null ? null : e.value();
  }

  private static String topicConfig(String topic, String key) throws Exception {
    ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    ConfigEntry e = admin.describeConfigs(List.of(r)).all().get().get(r).get(key);
    return e == null || e.value().isEmpty() ? null : e.value();
  }

  private static void setBrokerConfig(int broker, String key, String value) throws Exception {
    ConfigResource r = new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(broker));
    AlterConfigOp op = value == null ? new AlterConfigOp(new ConfigEntry(key, ""), AlterConfigOp.OpType.DELETE)
        : new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET);
    admin.incrementalAlterConfigs(Map.of(r, List.of(op))).all().get();
  }

  /** {"topic":"t","partition":0,"replicas":[1,2],...} entries of a reassignment JSON. */
  private static Map<TopicPartition, List<Integer>> parseAssignment(String json) {
    Map<TopicPartition, List<Integer>> out = new HashMap<>();
    Matcher m = Pattern.compile("\"topic\":\"([^\"]+)\",\"partition\":(\\d+),\"replicas\":\\[([0-9,]*)]").matcher(json);
    while (m.find()) {
      List<Integer> replicas = new ArrayList<>();
      for (String s : m.group(3).split(",")) {
        replicas.add(Integer.parseInt(s));
      }
      out.put(new TopicPartition(m.group(1), Integer.parseInt(m.group(2))), replicas);
    }
    return out;
  }

  private record Run(int exitCode, String out) {}

  /** Runs Kafka's {@code kafka-reassign-partitions} in this JVM against the cluster; its output and exit code. */
  private static synchronized Run reassign(String... args) {
    List<String> all = new ArrayList<>(List.of("--bootstrap-server", cluster.bootstrapServers()));
    all.addAll(List.of(args));
    AtomicInteger exitCode = new AtomicInteger(0);
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    Exit.setExitProcedure((code, message) -> exitCode.set(code));
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      ReassignPartitionsCommand.main(all.toArray(String[]::new));
    } finally {
      System.setOut(original);
      Exit.resetExitProcedure();
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    System.out.println("kafka-reassign-partitions " + String.join(" ", args) + " (exit " + exitCode.get() + "):\n" + out);
    return new Run(exitCode.get(), out);
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
