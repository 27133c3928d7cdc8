package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.log.protocol.KafkaRpcClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ElectLeadersRequest;
import org.apache.kafka.common.requests.ElectLeadersResponse;
import org.apache.kafka.server.common.AdminCommandFailedException;
import org.apache.kafka.tools.LeaderElectionCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ElectLeaders on three brokers, driven by Kafka's own {@code kafka-leader-election} (LeaderElectionCommand): after
 * a broker's restart a preferred election gives it back the partitions it is preferred for, under a running
 * idempotent acks=all producer that loses and duplicates nothing; an unclean election happens only when asked and
 * only when no in-sync replica is live; with {@code auto.leader.rebalance.enable} the controller does the preferred
 * election by itself.
 */
class ElectLeadersTest {
  static final long WAIT_MS = 60_000;
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;
  EmbeddedCluster cluster;
  Admin admin;

  @AfterEach
  void stop() throws Exception {
    if (admin != null) {
      admin.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private void start(boolean autoRebalance) throws Exception {
    cluster = EmbeddedCluster.start(3, dir, Map.of("auto.leader.rebalance.enable", Boolean.toString(autoRebalance),
        "leader.imbalance.check.interval.seconds", "1"));
    admin = cluster.admin();
  }

  @Test
  void preferredElectionGivesLeadershipBackAfterARestartUnderAnIdempotentProducer() throws Exception {
    start(false);
    String topic = "orders";
    admin.createTopics(List.of(new NewTopic(topic, 3, (short) 3).configs(Map.of("min.insync.replicas", "2")))).all().get();
    awaitAllLeadersPreferred(topic);
    Set<Integer> preferredOn0 = preferredPartitions(topic, 0);

    try (RunningProducer producer = new RunningProducer(topic, 3)) {
      producer.awaitAcked(200);
      cluster.stopBroker(0);
      producer.awaitAcked(producer.acked.size() + 200);
      cluster.startBroker(0);
      await("broker 0 back in every ISR of " + topic, () -> describe(topic).partitions().stream()
          .allMatch(p -> p.isr().stream().anyMatch(n -> n.id() == 0)));
      for (TopicPartitionInfo p : describe(topic).partitions()) {
        if (preferredOn0.contains(p.partition())) {
          assertTrue(p.leader().id() != 0, "without the automatic rebalance, leadership stays away from broker 0: " + p);
        }
      }

      String printed = leaderElection("--bootstrap-server", cluster.bootstrapServers(), "--election-type", "preferred",
          "--all-topic-partitions");

      assertTrue(printed.contains("Successfully completed leader election (PREFERRED) for partitions"), printed);
      for (int p : preferredOn0) {
        assertTrue(printed.contains(topic + "-" + p), printed);
      }
      // Answered once the election is in the controller's metadata; other brokers (which Admin may ask) follow.
      awaitAllLeadersPreferred(topic);
      producer.awaitAcked(producer.acked.size() + 200);
      producer.finish();
    }
    // The same partition again, named with --topic/--partition: nothing to do, as Kafka reports it.
    int one = preferredOn0.iterator().next();
    String again = leaderElection("--bootstrap-server", cluster.bootstrapServers(), "--election-type", "preferred",
        "--topic", topic, "--partition", Integer.toString(one));
    assertTrue(again.contains("Valid replica already elected for partitions " + topic + "-" + one), again);
  }

  @Test
  void uncleanElectionOnlyWhenAskedAndOnlyWithoutALiveInSyncReplica() throws Exception {
    start(false);
    String topic = "fragile";
    TopicPartition tp = new TopicPartition(topic, 0);
    admin.createTopics(List.of(new NewTopic(topic, Map.of(0, List.of(1, 2))))).all().get();
    await(tp + " led by 1", () -> leaderOf(tp) == 1);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(cluster.producerProps())) {
      producer.send(new ProducerRecord<>(topic, 0, null, "before".getBytes(StandardCharsets.UTF_8))).get();
    }
    cluster.stopBroker(2);
    await("2 out of the ISR of " + tp, () -> cluster.broker(0).replicaManager().image().partition(tp).orElseThrow().isr().equals(List.of(1)));
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(cluster.producerProps())) {
      // Acknowledged by the ISR [1] alone: broker 2 never gets it.
      assertEquals(1, producer.send(new ProducerRecord<>(topic, 0, null, "only-on-1".getBytes(StandardCharsets.UTF_8))).get().offset());
    }
    cluster.stopBroker(1);
    await(tp + " offline", () -> cluster.broker(0).replicaManager().image().partition(tp).orElseThrow().leader() == -1);

    AdminCommandFailedException nobody = assertThrows(AdminCommandFailedException.class, () -> leaderElection(
        "--bootstrap-server", cluster.bootstrapServers(), "--election-type", "unclean", "--topic", topic, "--partition", "0"));
    assertTrue(nobody.getMessage().contains("1 replica(s) could not be elected"), nobody.getMessage());

    cluster.startBroker(2);
    await("broker 2 registered", () -> cluster.broker(0).replicaManager().image().isLive(2));
    assertEquals(-1, cluster.broker(0).replicaManager().image().partition(tp).orElseThrow().leader(),
        "an out-of-sync replica does not lead by itself");
    // A preferred election cannot help: the preferred replica (1) is down.
    assertThrows(AdminCommandFailedException.class, () -> leaderElection("--bootstrap-server", cluster.bootstrapServers(),
        "--election-type", "preferred", "--topic", topic, "--partition", "0"));

    String printed = leaderElection("--bootstrap-server", cluster.bootstrapServers(), "--election-type", "unclean",
        "--topic", topic, "--partition", "0");

    assertTrue(printed.contains("Successfully completed leader election (UNCLEAN) for partitions " + tp), printed);
    assertEquals(2, cluster.broker(0).replicaManager().image().partition(tp).orElseThrow().leader());
    assertEquals(List.of(2), cluster.broker(0).replicaManager().image().partition(tp).orElseThrow().isr());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(cluster.producerProps())) {
      assertEquals(1, producer.send(new ProducerRecord<>(topic, 0, null, "after".getBytes(StandardCharsets.UTF_8))).get().offset(),
          "the unclean leader never had offset 1: that record is lost, as the caller accepted");
    }
  }

  @Test
  void errorsAreKafkasAndOnlyTheControllerElects() throws Exception {
    start(false);
    admin.createTopics(List.of(new NewTopic("small", 1, (short) 3))).all().get();
    await("small-0 has a leader", () -> leaderOf(new TopicPartition("small", 0)) >= 0);
    int controller = admin.describeCluster().controller().get().id();
    int other = (controller + 1) % 3;

    ElectLeadersResponse fromController = electOn(controller, ElectionType.PREFERRED, new TopicPartition("small", 0),
        new TopicPartition("small", 7), new TopicPartition("absent", 0));
    ElectLeadersResponse fromOther = electOn(other, ElectionType.PREFERRED, new TopicPartition("small", 0));

    assertEquals(Map.of(new TopicPartition("small", 0), Errors.ELECTION_NOT_NEEDED,
        new TopicPartition("small", 7), Errors.UNKNOWN_TOPIC_OR_PARTITION,
        new TopicPartition("absent", 0), Errors.UNKNOWN_TOPIC_OR_PARTITION), partitionErrors(fromController));
    assertEquals(Errors.NONE, Errors.forCode(fromController.data().errorCode()));
    assertEquals(Errors.NOT_CONTROLLER, Errors.forCode(fromOther.data().errorCode()));
  }

  @Test
  void automaticRebalanceMovesLeadershipBackByItself() throws Exception {
    start(true);
    String topic = "auto";
    admin.createTopics(List.of(new NewTopic(topic, 3, (short) 3))).all().get();
    awaitAllLeadersPreferred(topic);
    Set<Integer> preferredOn1 = preferredPartitions(topic, 1);

    cluster.stopBroker(1);
    await("leadership off broker 1", () -> describe(topic).partitions().stream()
        .noneMatch(p -> p.leader() != null && p.leader().id() == 1));
    cluster.startBroker(1);

    // No election is asked for: the controller's check (every second here) finds broker 1 100% imbalanced.
    awaitAllLeadersPreferred(topic);
    for (int p : preferredOn1) {
      assertEquals(1, leaderOf(new TopicPartition(topic, p)));
    }
  }

  // ---- helpers ----

  /** Runs Kafka's LeaderElectionCommand in this JVM and returns what it printed; its failure is thrown. */
  static synchronized String leaderElection(String... args) throws Exception {
    Method run = LeaderElectionCommand.class.getDeclaredMethod("run", Duration.class, String[].class);
    run.setAccessible(true); // package-private: main() would call System.exit
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      run.invoke(null, COMMAND_TIMEOUT, args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    } finally {
      System.setOut(original);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    original.println(printed);
    return printed;
  }

  private ElectLeadersResponse electOn(int brokerId, ElectionType type, TopicPartition... partitions) throws Exception {
    ElectLeadersRequest request = new ElectLeadersRequest.Builder(type, List.of(partitions), 30_000).build();
    try (KafkaRpcClient client = new KafkaRpcClient("127.0.0.1", cluster.broker(brokerId).boundPort(), "elect-test", 30_000)) {
      return client.send(request);
    }
  }

  private static Map<TopicPartition, Errors> partitionErrors(ElectLeadersResponse response) {
    Map<TopicPartition, Errors> out = new java.util.HashMap<>();
    for (var topic : response.data().replicaElectionResults()) {
      for (var p : topic.partitionResult()) {
        out.put(new TopicPartition(topic.topic(), p.partitionId()), Errors.forCode(p.errorCode()));
      }
    }
    return out;
  }

  private TopicDescription describe(String topic) throws Exception {
    return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
  }

  private int leaderOf(TopicPartition tp) throws Exception {
    TopicPartitionInfo p = describe(tp.topic()).partitions().get(tp.partition());
    return p.leader() == null || p.leader().isEmpty() ? -1 : p.leader().id();
  }

  private Set<Integer> preferredPartitions(String topic, int brokerId) throws Exception {
    Set<Integer> out = new HashSet<>();
    for (TopicPartitionInfo p : describe(topic).partitions()) {
      if (p.replicas().get(0).id() == brokerId) {
        out.add(p.partition());
      }
    }
    assertTrue(!out.isEmpty(), "broker " + brokerId + " is the preferred replica of some partition of " + topic);
    return out;
  }

  private void awaitAllLeadersPreferred(String topic) throws Exception {
    await("every partition of " + topic + " led by its preferred replica", () -> describe(topic).partitions().stream()
        .allMatch(p -> p.leader() != null && !p.leader().isEmpty() && p.leader().id() == p.replicas().get(0).id()));
  }

  interface Check {
    boolean holds() throws Exception;
  }

  /** Polls {@code check} until it holds, for at most {@link #WAIT_MS}. */
  static void await(String what, Check check) throws Exception {
    long deadline = System.currentTimeMillis() + WAIT_MS;
    while (!check.holds()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("not within " + WAIT_MS + " ms: " + what);
      }
      Thread.sleep(100);
    }
  }

  /**
   * An idempotent acks=all producer sending 0, 1, 2, ... round-robin over the partitions from its own thread; at the
   * end every acknowledged number must be in the log exactly once, and nothing may have failed.
   */
  final class RunningProducer implements AutoCloseable {
    final String topic;
    final int partitions;
    final Set<Long> acked = ConcurrentHashMap.newKeySet();
    final AtomicReference<Exception> failure = new AtomicReference<>();
    final AtomicBoolean stopping = new AtomicBoolean();
    final Thread thread;
    long sent;

    RunningProducer(String topic, int partitions) {
      this.topic = topic;
      this.partitions = partitions;
      this.thread = new Thread(this::run, "running-producer");
      thread.start();
    }

    private void run() {
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(cluster.producerProps())) {
        while (!stopping.get() && failure.get() == null) {
          long n = sent++;
          producer.send(new ProducerRecord<>(topic, (int) (n % partitions), null,
              Long.toString(n).getBytes(StandardCharsets.UTF_8)), (md, e) -> {
                if (e != null) {
                  failure.compareAndSet(null, e);
                } else {
                  acked.add(n);
                }
              });
          if (n % 50 == 49) {
            producer.flush(); // bounded in-flight work, so that the acked count moves steadily
          }
        }
        producer.flush();
      } catch (Exception e) {
        failure.compareAndSet(null, e);
      }
    }

    void awaitAcked(int count) throws Exception {
      await(count + " records acknowledged", () -> {
        if (failure.get() != null) {
          throw new AssertionError("the producer failed", failure.get());
        }
        return acked.size() >= count;
      });
    }

    /** Stops sending, then checks that every number sent was acknowledged and is in the log exactly once. */
    void finish() throws Exception {
      stopping.set(true);
      thread.join(WAIT_MS);
      assertEquals(null, failure.get(), "no send failed");
      assertEquals(sent, acked.size(), "every record sent was acknowledged");
      List<Long> read = new ArrayList<>();
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cluster.consumerProps())) {
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
          tps.add(new TopicPartition(topic, p));
        }
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (read.size() < acked.size() && System.currentTimeMillis() < deadline) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            read.add(Long.parseLong(new String(r.value(), StandardCharsets.UTF_8)));
          }
        }
      }
      Collections.sort(read);
      List<Long> expected = new ArrayList<>(acked);
      Collections.sort(expected);
      assertEquals(expected.size(), read.size(), "records in the log (a difference is a loss or a duplicate)");
      assertEquals(expected, read, "each acknowledged record exactly once");
    }

    @Override
    public void close() throws InterruptedException {
      stopping.set(true);
      thread.join(WAIT_MS);
    }
  }
}
