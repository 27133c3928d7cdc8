package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.embedded.EmbeddedCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.tools.LogDirsCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DescribeLogDirs on two brokers: kafka-clients' {@code Admin.describeLogDirs} lists each broker's log dir
 * with both replicas of a topic, whose sizes grow after a produce, and Kafka's own {@code kafka-log-dirs
 * --describe} prints them. One cluster for the class.
 */
class DescribeLogDirsTest {
  static final long WAIT_MS = 30_000;
  static final int RECORDS = 50;
  static final int RECORD_BYTES = 100;

  @TempDir static Path dir;
  static EmbeddedCluster cluster;
  static Admin admin;

  @BeforeAll
  static void start() throws Exception {
    cluster = EmbeddedCluster.start(2, dir);
    admin = cluster.admin();
  }

  @AfterAll
  static void stop() throws Exception {
    admin.close();
    cluster.close();
  }

  @Test
  void adminListsBothReplicasAndTheirSizesGrowAfterAProduce() throws Exception {
    TopicPartition tp = new TopicPartition("sized", 0);
    cluster.createTopic(tp.topic(), 1, 2, Map.of());
    awaitHosted(tp);
    for (int id = 0; id < 2; id++) {
      assertEquals(0, replica(id, tp).size(), "size of the empty log on broker " + id);
    }

    produce(tp, RECORDS);

    for (int id = 0; id < 2; id++) {
      long deadline = System.currentTimeMillis() + WAIT_MS;
      ReplicaInfo info = replica(id, tp);
      // The follower's size grows as it fetches; the leader's is final once the produce is acknowledged.
      while (info.size() < RECORDS * RECORD_BYTES || info.offsetLag() != 0) {
        assertTrue(System.currentTimeMillis() < deadline, "broker " + id + " still shows " + info);
        Thread.sleep(50);
        info = replica(id, tp);
      }
      long expected = cluster.broker(id).replicaManager().partition(tp).orElseThrow().log().size();
      assertEquals(expected, info.size(), "size on broker " + id + " is its log's");
      assertFalse(info.isFuture());
    }
    LogDirDescription description = logDir(0);
    assertTrue(description.totalBytes().isPresent() && description.totalBytes().getAsLong() > 0, "total bytes of the volume");
    assertTrue(description.usableBytes().isPresent(), "usable bytes of the volume");
    assertNull(description.error());
  }

  @Test
  void kafkaLogDirsDescribePrintsThePartitions() throws Exception {
    TopicPartition tp = new TopicPartition("described", 0);
    cluster.createTopic(tp.topic(), 1, 2, Map.of());
    awaitHosted(tp);
    produce(tp, 1);

    String printed = runKafkaLogDirs("--bootstrap-server", cluster.bootstrapServers(), "--describe",
        "--broker-list", "0,1", "--topic-list", tp.topic());

    for (int id = 0; id < 2; id++) {
      String path = cluster.logDir(id).toAbsolutePath().normalize().toString();
      assertTrue(printed.contains("\"broker\":" + id), printed);
      assertTrue(printed.contains("\"logDir\":\"" + path + "\""), printed);
    }
    assertTrue(printed.contains("\"partition\":\"described-0\""), printed);
    assertTrue(printed.contains("\"isFuture\":false"), printed);
    assertFalse(printed.contains("\"partition\":\"sized-0\""), "only the listed topic: " + printed);
  }

  private static LogDirDescription logDir(int brokerId) throws Exception {
    Map<String, LogDirDescription> dirs = admin.describeLogDirs(List.of(brokerId)).allDescriptions().get().get(brokerId);
    assertEquals(1, dirs.size(), "one log dir on broker " + brokerId + ": " + dirs);
    String path = cluster.logDir(brokerId).toAbsolutePath().normalize().toString();
    LogDirDescription description = dirs.get(path);
    assertNotNull(description, "the log dir " + path + " is listed: " + dirs.keySet());
    return description;
  }

  private static ReplicaInfo replica(int brokerId, TopicPartition tp) throws Exception {
    ReplicaInfo info = logDir(brokerId).replicaInfos().get(tp);
    assertNotNull(info, tp + " listed on broker " + brokerId);
    return info;
  }

  private static void awaitHosted(TopicPartition tp) throws InterruptedException {
    long deadline = System.currentTimeMillis() + WAIT_MS;
    for (int id = 0; id < 2; id++) {
      while (cluster.broker(id).replicaManager().partition(tp).isEmpty()) {
        assertTrue(System.currentTimeMillis() < deadline, "broker " + id + " did not create " + tp);
        Thread.sleep(50);
      }
    }
  }

  private static void produce(TopicPartition tp, int count) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(cluster.producerProps())) {
      for (int i = 0; i < count; i++) {
        producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), null, new byte[RECORD_BYTES])).get();
      }
    }
  }

  /** Runs Kafka's {@code kafka-log-dirs} in this JVM and returns what it printed; it must exit 0. */
  private static String runKafkaLogDirs(String... args) {
    AtomicInteger exitCode = new AtomicInteger(0);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    Exit.setExitProcedure((code, message) -> exitCode.set(code));
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      LogDirsCommand.main(args);
    } finally {
      System.setOut(stdout);
      Exit.resetExitProcedure();
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, exitCode.get(), printed);
    return printed;
  }
}
