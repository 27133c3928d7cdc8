package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.embedded.EmbeddedCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreatePartitionsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.tools.TopicCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CreatePartitions on three brokers: Kafka's own {@code kafka-topics --alter --partitions} grows a topic,
 * the new partitions get logs on their replicas and leaders, and a producer with the default partitioner
 * uses them after a metadata refresh; the Admin client sees Kafka's errors.
 */
class CreatePartitionsTest {
  static final long METADATA_MAX_AGE_MS = 500;
  static final long WAIT_MS = 30_000;

  @TempDir static Path dir;
  static EmbeddedCluster cluster;
  static Admin admin;

  @BeforeAll
  static void start() throws Exception {
    cluster = EmbeddedCluster.start(3, dir);
    admin = cluster.admin();
  }

  @AfterAll
  static void stop() throws Exception {
    admin.close();
    cluster.close();
  }

  @Test
  void kafkaTopicsAltersThePartitionCountAndProducersUseTheNewPartitions() throws Exception {
    cluster.createTopic("grown", 2, 3, Map.of());
    Properties props = cluster.producerProps();
    props.put(ProducerConfig.METADATA_MAX_AGE_CONFIG, Long.toString(METADATA_MAX_AGE_MS));
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      assertEquals(2, producer.partitionsFor("grown").size());

      int exitCode = runKafkaTopics("--bootstrap-server", cluster.bootstrapServers(), "--alter", "--topic", "grown", "--partitions", "5");

      assertEquals(0, exitCode);
      List<TopicPartitionInfo> grown = partitionsWithLeaders("grown", 5);
      assertEquals(5, grown.size());
      for (TopicPartitionInfo p : grown) {
        assertEquals(3, p.replicas().size(), "partition " + p.partition() + " keeps the topic's replication factor");
        assertTrue(p.leader() != null && !p.leader().isEmpty(), "partition " + p.partition() + " has a leader");
        for (var replica : p.replicas()) {
          awaitLocalPartition(replica.id(), new TopicPartition("grown", p.partition()));
        }
      }
      // Keyed records spread over the new count once the producer refreshed its metadata (the keys move, as in Kafka).
      Thread.sleep(2 * METADATA_MAX_AGE_MS);
      Set<Integer> used = new HashSet<>();
      for (int key = 0; key < 200; key++) {
        RecordMetadata written = producer.send(new ProducerRecord<>("grown", bytes("key-" + key), bytes("v"))).get();
        used.add(written.partition());
      }
      assertTrue(used.stream().anyMatch(p -> p >= 2), "records reached the new partitions: " + used);
    }
  }

  @Test
  void explicitAssignmentsAndValidateOnly() throws Exception {
    cluster.createTopic("placed", 1, 2, Map.of());

    admin.createPartitions(Map.of("placed", NewPartitions.increaseTo(4)), new CreatePartitionsOptions().validateOnly(true)).all().get();
    assertEquals(1, partitions("placed").size(), "validate_only changes nothing");

    admin.createPartitions(Map.of("placed", NewPartitions.increaseTo(3, List.of(List.of(2, 0), List.of(1, 2))))).all().get();
    List<TopicPartitionInfo> placed = partitionsWithLeaders("placed", 3);
    assertEquals(List.of(2, 0), placed.get(1).replicas().stream().map(n -> n.id()).toList());
    assertEquals(List.of(1, 2), placed.get(2).replicas().stream().map(n -> n.id()).toList());
    assertEquals(2, placed.get(1).leader().id(), "the first replica of the assignment leads");
  }

  @Test
  void errorsAreKafkas() throws Exception {
    cluster.createTopic("fixed", 3, 2, Map.of());

    assertError(InvalidPartitionsException.class, "fixed", NewPartitions.increaseTo(3));
    assertError(InvalidPartitionsException.class, "fixed", NewPartitions.increaseTo(2));
    assertError(UnknownTopicOrPartitionException.class, "no-such-topic", NewPartitions.increaseTo(4));
    assertError(InvalidReplicaAssignmentException.class, "fixed", NewPartitions.increaseTo(5, List.of(List.of(0, 1))));
    assertError(InvalidReplicaAssignmentException.class, "fixed", NewPartitions.increaseTo(4, List.of(List.of(0, 7))));
    assertError(InvalidReplicaAssignmentException.class, "fixed", NewPartitions.increaseTo(4, List.of(List.of(0))));
    assertError(InvalidReplicaAssignmentException.class, "fixed", NewPartitions.increaseTo(4, List.of(List.of(1, 1))));
    assertEquals(3, partitions("fixed").size(), "no refused request changed the topic");
  }

  /** Found by FuzzedFramesTest: a count of 2^31-1 kept a request handler building a giant topic for minutes. */
  @Test
  void aHugePartitionCountIsRefusedAtOnce() throws Exception {
    cluster.createTopic("bounded", 1, 1, Map.of());
    assertError(InvalidPartitionsException.class, "bounded", NewPartitions.increaseTo(Integer.MAX_VALUE));
    assertError(InvalidPartitionsException.class, "bounded", NewPartitions.increaseTo(TopicAdmin.MAX_PARTITIONS_PER_TOPIC + 1));
    ExecutionException created = assertThrows(ExecutionException.class, () -> admin.createTopics(
        List.of(new org.apache.kafka.clients.admin.NewTopic("too-wide", Integer.MAX_VALUE, (short) 1))).all().get());
    assertInstanceOf(InvalidPartitionsException.class, created.getCause(), created.getCause().toString());
    assertEquals(1, partitions("bounded").size(), "no refused request changed the topic");
  }

  /**
   * Found by the 10^6-frame fuzz run: a CreatePartitions of several thousand (within the 10,000 bound) built one
   * ZooKeeper transaction larger than the server takes; it dropped the broker's connection (ConnectionLoss). Refused
   * now, naming how many fit; growing in steps works, and the broker serves on.
   */
  @Test
  void moreNewPartitionsThanOneZooKeeperTransactionTakesAreRefusedNamingHowManyFit() throws Exception {
    cluster.createTopic("wide", 1, 1, Map.of());
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> admin.createPartitions(Map.of("wide", NewPartitions.increaseTo(8_000))).all().get());
    assertInstanceOf(InvalidPartitionsException.class, e.getCause(), e.getCause().toString());
    assertTrue(e.getCause().getMessage().contains("ZooKeeper in one transaction"), e.getCause().getMessage());
    assertEquals(1, partitions("wide").size(), "the refused request changed nothing");
    admin.createPartitions(Map.of("wide", NewPartitions.increaseTo(200))).all().get();
    assertEquals(200, partitionsWithLeaders("wide", 200).size());
  }

  private static void assertError(Class<? extends Exception> expected, String topic, NewPartitions request) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> admin.createPartitions(Map.of(topic, request)).all().get());
    assertInstanceOf(expected, e.getCause(), e.getCause().toString());
  }

  /** The topic's partitions, as the broker the admin client asks knows them (once it knows the topic). */
  private static List<TopicPartitionInfo> partitions(String topic) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      try {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
      } catch (ExecutionException e) {
        // a new topic reaches the metadata of every broker a moment after CreateTopics answers
        if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
            || System.currentTimeMillis() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }

  /**
   * The topic's partitions once {@code count} of them have a leader in the metadata of the broker the admin
   * client asks. CreatePartitions answers when the receiving broker sees the new partitions; another broker's
   * metadata cache may show them a moment later (as in Kafka, whose own tests wait for partition metadata).
   */
  private static List<TopicPartitionInfo> partitionsWithLeaders(String topic, int count) throws Exception {
    long deadline = System.currentTimeMillis() + WAIT_MS;
    List<TopicPartitionInfo> now = partitions(topic);
    while (now.size() < count || now.stream().anyMatch(p -> p.leader() == null || p.leader().isEmpty())) {
      assertTrue(System.currentTimeMillis() < deadline, () -> topic + ": no leader for every partition within " + WAIT_MS + " ms");
      Thread.sleep(50);
      now = partitions(topic);
    }
    return now;
  }

  private static void awaitLocalPartition(int brokerId, TopicPartition tp) throws InterruptedException {
    long deadline = System.currentTimeMillis() + WAIT_MS;
    while (cluster.broker(brokerId).replicaManager().partition(tp).isEmpty()) {
      assertTrue(System.currentTimeMillis() < deadline, "broker " + brokerId + " did not create " + tp);
      Thread.sleep(50);
    }
  }

  /** Runs Kafka's {@code kafka-topics} in this JVM; returns the exit code it would have exited with. */
  static int runKafkaTopics(String... args) {
    AtomicInteger exitCode = new AtomicInteger(0);
    Exit.setExitProcedure((code, message) -> exitCode.set(code));
    try {
      TopicCommand.main(args);
    } finally {
      Exit.resetExitProcedure();
    }
    return exitCode.get();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
