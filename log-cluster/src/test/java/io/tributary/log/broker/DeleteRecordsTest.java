package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.log.protocol.KafkaRpcClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteRecordsRequest;
import org.apache.kafka.common.requests.DeleteRecordsResponse;
import org.apache.kafka.tools.DeleteRecordsCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DeleteRecords on three brokers: Kafka's own {@code kafka-delete-records} moves the log start offset,
 * the answer comes once every replica moved its own, retention then deletes the segments below it, and a
 * consumer reading from EARLIEST starts there on every replica (each leader killed in turn) and after a
 * restart. The Admin client sees Kafka's errors.
 */
class DeleteRecordsTest {
  static final long WAIT_MS = 30_000;
  static final int RECORDS = 100;
  static final long DELETE_BEFORE = 40;
  /** Small segments, so that the deleted records fill several of them and retention can delete whole ones. */
  static final String SEGMENT_BYTES = "1024";

  @TempDir Path dir;
  EmbeddedCluster cluster;
  Admin admin;

  @BeforeEach
  void start() throws Exception {
    cluster = EmbeddedCluster.start(3, dir, Map.of("log.retention.check.interval.ms", "500"));
    admin = cluster.admin();
  }

  @AfterEach
  void stop() throws Exception {
    admin.close();
    cluster.close();
  }

  @Test
  void kafkaDeleteRecordsMovesTheLogStartOffsetOfEveryReplica() throws Exception {
    TopicPartition tp = new TopicPartition("trimmed", 0);
    cluster.createTopic(tp.topic(), 1, 3, Map.of("segment.bytes", SEGMENT_BYTES));
    produce(tp, RECORDS);
    Path offsets = dir.resolve("offsets.json");
    Files.writeString(offsets, "{\"version\":1,\"partitions\":[{\"topic\":\"trimmed\",\"partition\":0,\"offset\":" + DELETE_BEFORE + "}]}");

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DeleteRecordsCommand.execute(new String[] {"--bootstrap-server", cluster.bootstrapServers(), "--offset-json-file",
        offsets.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8));

    String printed = out.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("partition: trimmed-0\tlow_watermark: " + DELETE_BEFORE), printed);
    // The answer waited for the followers: every replica has moved already.
    for (int id = 0; id < 3; id++) {
      assertEquals(DELETE_BEFORE, cluster.broker(id).replicaManager().partition(tp).orElseThrow().log().logStartOffset(),
          "log start offset on broker " + id);
    }
    for (int id = 0; id < 3; id++) {
      awaitFirstSegmentAbove(id, tp);
    }
    // Each replica in turn leads and serves EARLIEST from the new log start offset.
    List<Integer> stopped = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      assertEquals(DELETE_BEFORE, firstOffsetFromEarliest(tp), "EARLIEST after stopping " + stopped);
      int leader = awaitLeader(tp);
      if (round < 2) {
        cluster.stopBroker(leader);
        stopped.add(leader);
      } else {
        // The last leader restarts: the log start offset comes back from its checkpoint.
        cluster.stopBroker(leader);
        cluster.startBroker(leader);
        awaitLeader(tp);
        assertEquals(DELETE_BEFORE, firstOffsetFromEarliest(tp), "EARLIEST after broker " + leader + " restarted");
      }
    }
  }

  @Test
  void errorsAreKafkasAndMinusOneMeansTheHighWatermark() throws Exception {
    TopicPartition tp = new TopicPartition("bounded", 0);
    cluster.createTopic(tp.topic(), 1, 3, Map.of());
    produce(tp, 10);

    ExecutionException above = assertThrows(ExecutionException.class,
        () -> admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(11))).all().get());
    assertInstanceOf(OffsetOutOfRangeException.class, above.getCause());
    // The Admin client retries unknown partitions until its timeout, as against Kafka: ask the brokers directly.
    int leader = awaitLeader(tp);
    int follower = (leader + 1) % 3;
    assertEquals(Errors.NOT_LEADER_OR_FOLLOWER, deleteRecordsOn(follower, tp, 1));
    assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, deleteRecordsOn(leader, new TopicPartition("bounded", 5), 1));
    assertEquals(0, firstEarliestOffset(tp), "no refused request moved the log start offset");

    long lowWatermark = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(-1))).lowWatermarks().get(tp).get().lowWatermark();

    assertEquals(10, lowWatermark);
    assertEquals(10, firstEarliestOffset(tp));
  }

  /** Sends DeleteRecords for one partition to broker {@code id}; returns the partition's error. */
  private Errors deleteRecordsOn(int id, TopicPartition tp, long offset) throws IOException {
    DeleteRecordsRequestData data = new DeleteRecordsRequestData().setTimeoutMs(5_000);
    data.topics().add(new DeleteRecordsRequestData.DeleteRecordsTopic().setName(tp.topic()).setPartitions(List.of(
        new DeleteRecordsRequestData.DeleteRecordsPartition().setPartitionIndex(tp.partition()).setOffset(offset))));
    try (KafkaRpcClient client = new KafkaRpcClient("127.0.0.1", cluster.broker(id).boundPort(), "delete-records-test", 10_000)) {
      DeleteRecordsResponse response = client.send(new DeleteRecordsRequest.Builder(data).build());
      return Errors.forCode(response.data().topics().find(tp.topic()).partitions().find(tp.partition()).errorCode());
    }
  }

  private void produce(TopicPartition tp, int count) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(cluster.producerProps())) {
      byte[] value = new byte[100];
      for (int i = 0; i < count; i++) {
        producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), null, value)).get(); // one batch per record
      }
    }
  }

  /** The first offset a consumer with auto.offset.reset=earliest receives. */
  private long firstOffsetFromEarliest(TopicPartition tp) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cluster.consumerProps())) {
      consumer.assign(List.of(tp));
      long deadline = System.currentTimeMillis() + WAIT_MS;
      while (System.currentTimeMillis() < deadline) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
        if (!records.isEmpty()) {
          return records.iterator().next().offset();
        }
      }
      throw new AssertionError("no record of " + tp + " within " + WAIT_MS + " ms");
    }
  }

  private long firstEarliestOffset(TopicPartition tp) throws Exception {
    return admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get().offset();
  }

  private int awaitLeader(TopicPartition tp) throws InterruptedException {
    long deadline = System.currentTimeMillis() + WAIT_MS;
    while (System.currentTimeMillis() < deadline) {
      for (int id = 0; id < cluster.size(); id++) {
        Broker b = cluster.broker(id);
        if (b != null && b.replicaManager().partition(tp).map(Partition::isLeader).orElse(false)) {
          return id;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError(tp + " has no leader after " + WAIT_MS + " ms");
  }

  /** Waits until retention deleted the segments wholly below the log start offset on broker {@code id}. */
  private void awaitFirstSegmentAbove(int id, TopicPartition tp) throws IOException, InterruptedException {
    Path partitionDir = cluster.logDir(id).resolve(tp.toString());
    long deadline = System.currentTimeMillis() + WAIT_MS;
    long first = 0;
    while (System.currentTimeMillis() < deadline) {
      first = firstSegmentBaseOffset(partitionDir);
      if (first > 0) {
        assertTrue(first <= DELETE_BEFORE, "the segment holding the log start offset stays, first is " + first);
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("broker " + id + " kept its first segment (base offset " + first + ") past the log start offset");
  }

  private static long firstSegmentBaseOffset(Path partitionDir) throws IOException {
    try (Stream<Path> files = Files.list(partitionDir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".log"))
          .mapToLong(n -> Long.parseLong(n.substring(0, n.length() - ".log".length()))).min().orElse(-1);
    }
  }
}
