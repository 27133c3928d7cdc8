package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.protocol.KafkaRpcClient;
import io.tributary.testkit.BrokerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log side of transactions against a real broker process and the real Java consumer: transactional batches
 * built with kafka-clients' record classes go in through Produce, COMMIT/ABORT markers through WriteTxnMarkers (as
 * a transaction coordinator sends them). read_committed stops at the last stable offset, which an open transaction
 * holds; aborted records are invisible to it and visible to read_uncommitted; after kill -9 of the broker the
 * aborted index and the open transaction are still there. One broker for the class; the test plays the
 * transaction coordinator itself (made-up producer ids, markers by hand), so the broker does not verify
 * transactional produces with a coordinator (KIP-890, see {@link TransactionVerificationTest}).
 */
class TransactionalReadTest {
  private static final short EPOCH = 0;
  private static final short PRODUCE_VERSION = 9;
  private static final short WRITE_TXN_MARKERS_VERSION = 1;
  private static final long READ_TIMEOUT_MS = 60_000;

  @TempDir static Path dir;
  static TestingServer zk;
  static BrokerProcess broker;

  @BeforeAll
  static void start() throws Exception {
    zk = new TestingServer(true);
    broker = new BrokerProcess(dir.resolve("broker"), Map.of("zookeeper.connect", zk.getConnectString(),
        "zookeeper.session.timeout.ms", "6000", "transaction.partition.verification.enable", "false"));
    broker.start().awaitReady(Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
    if (zk != null) {
      zk.close();
    }
  }

  @Test
  void readCommittedStopsAtTheOpenTransactionAndSkipsAbortedRecords() throws Exception {
    TopicPartition tp = createTopic("txn-read");
    try (KafkaRpcClient rpc = rpc()) {
      assertTrue(advertisesWriteTxnMarkers(rpc), "WriteTxnMarkers is advertised once served");
      produce(rpc, tp, 100, "aborted", 3);   // offsets 0..2
      produce(rpc, tp, 200, "committed", 2); // offsets 3..4, open
      assertEquals(Errors.NONE, marker(rpc, tp, 100, EPOCH, false)); // offset 5: abort producer 100

      assertEquals(List.of(), values(tp, IsolationLevel.READ_COMMITTED));            // held at 3 by producer 200
      assertEquals(3, latestOffset(tp, IsolationLevel.READ_COMMITTED));
      assertEquals(6, latestOffset(tp, IsolationLevel.READ_UNCOMMITTED));
      assertEquals(List.of("aborted-0", "aborted-1", "aborted-2", "committed-0", "committed-1"),
          values(tp, IsolationLevel.READ_UNCOMMITTED));

      assertEquals(Errors.NONE, marker(rpc, tp, 200, EPOCH, true)); // offset 6: commit producer 200
      assertEquals(List.of("committed-0", "committed-1"), values(tp, IsolationLevel.READ_COMMITTED));
      assertEquals(7, latestOffset(tp, IsolationLevel.READ_COMMITTED));

      // Per-partition errors: a partition that does not exist, a marker from a fenced (older) producer epoch.
      assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, marker(rpc, new TopicPartition("no-such-topic", 0), 200, EPOCH, true));
      produce(rpc, tp, 300, (short) 4, "fenced", 1);
      assertEquals(Errors.INVALID_PRODUCER_EPOCH, marker(rpc, tp, 300, (short) 3, false));
      assertEquals(7, latestOffset(tp, IsolationLevel.READ_COMMITTED)); // producer 300's transaction is open
    }
  }

  @Test
  void abortedIndexAndOpenTransactionSurviveKill9() throws Exception {
    TopicPartition tp = createTopic("txn-crash");
    try (KafkaRpcClient rpc = rpc()) {
      produce(rpc, tp, 400, "aborted", 2);   // 0..1
      produce(rpc, tp, 500, "committed", 2); // 2..3
      produce(rpc, tp, 600, "open", 1);      // 4, stays open over the crash
      assertEquals(Errors.NONE, marker(rpc, tp, 400, EPOCH, false)); // 5
      assertEquals(Errors.NONE, marker(rpc, tp, 500, EPOCH, true));  // 6
      assertEquals(4, latestOffset(tp, IsolationLevel.READ_COMMITTED));
    }
    broker.kill9();
    broker.start().awaitReady(Duration.ofSeconds(60));
    assertEquals(4, latestOffset(tp, IsolationLevel.READ_COMMITTED), "the open transaction still holds the LSO");
    assertEquals(List.of("committed-0", "committed-1"), values(tp, IsolationLevel.READ_COMMITTED));
    try (KafkaRpcClient rpc = rpc()) {
      assertEquals(Errors.NONE, marker(rpc, tp, 600, EPOCH, true)); // 7
    }
    assertEquals(8, latestOffset(tp, IsolationLevel.READ_COMMITTED));
    assertEquals(List.of("committed-0", "committed-1", "open-0"), values(tp, IsolationLevel.READ_COMMITTED));
    assertEquals(List.of("aborted-0", "aborted-1", "committed-0", "committed-1", "open-0"), values(tp, IsolationLevel.READ_UNCOMMITTED));
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static TopicPartition createTopic(String name) throws Exception {
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get();
    }
    TopicPartition tp = new TopicPartition(name, 0);
    // answered by the leader once it leads; the broker the admin client asks for metadata may learn of the new topic
    // a moment after CreateTopics answers (UnknownTopicOrPartitionException, seen once in CI): retry that for 30 s
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      try {
        latestOffset(tp, IsolationLevel.READ_UNCOMMITTED);
        return tp;
      } catch (java.util.concurrent.ExecutionException e) {
        if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
            || System.currentTimeMillis() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }

  private static Admin admin() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
    return Admin.create(p);
  }

  private static KafkaRpcClient rpc() {
    return new KafkaRpcClient("127.0.0.1", broker.port(), "txn-read-test", 30_000);
  }

  private static boolean advertisesWriteTxnMarkers(KafkaRpcClient rpc) throws Exception {
    ApiVersionsResponse r = rpc.send(new ApiVersionsRequest(new ApiVersionsRequestData(), (short) 3));
    var v = r.data().apiKeys().find(ApiKeys.WRITE_TXN_MARKERS.id);
    return v != null && v.minVersion() == 0 && v.maxVersion() >= WRITE_TXN_MARKERS_VERSION;
  }

  private static void produce(KafkaRpcClient rpc, TopicPartition tp, long producerId, String prefix, int n) throws Exception {
    produce(rpc, tp, producerId, EPOCH, prefix, n);
  }

  /** One transactional batch of n records (values prefix-i), sequence 0, acks=all; fails unless accepted. */
  private static void produce(KafkaRpcClient rpc, TopicPartition tp, long producerId, short epoch, String prefix, int n) throws Exception {
    SimpleRecord[] records = new SimpleRecord[n];
    for (int i = 0; i < n; i++) {
      records[i] = new SimpleRecord(("k" + i).getBytes(StandardCharsets.UTF_8), (prefix + "-" + i).getBytes(StandardCharsets.UTF_8));
    }
    MemoryRecords batch = MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, epoch, 0, records);
    ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000).setTransactionalId("txn-" + producerId);
    ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName(tp.topic());
    topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(tp.partition()).setRecords(batch));
    data.topicData().add(topic);
    ProduceResponse response = rpc.send(new ProduceRequest(data, PRODUCE_VERSION));
    short error = response.data().responses().iterator().next().partitionResponses().get(0).errorCode();
    assertEquals(Errors.NONE, Errors.forCode(error), "produce of " + prefix + " to " + tp);
  }

  /** Sends one COMMIT or ABORT marker for one partition, as a transaction coordinator does; returns its error. */
  private static Errors marker(KafkaRpcClient rpc, TopicPartition tp, long producerId, short epoch, boolean commit) throws Exception {
    WriteTxnMarkersRequestData data = new WriteTxnMarkersRequestData();
    data.markers().add(new WriteTxnMarkersRequestData.WritableTxnMarker()
        .setProducerId(producerId).setProducerEpoch(epoch).setCoordinatorEpoch(0).setTransactionResult(commit)
        .setTopics(List.of(new WriteTxnMarkersRequestData.WritableTxnMarkerTopic().setName(tp.topic())
            .setPartitionIndexes(List.of(tp.partition())))));
    WriteTxnMarkersResponse response = rpc.send(new WriteTxnMarkersRequest.Builder(data).build(WRITE_TXN_MARKERS_VERSION));
    var result = response.data().markers().get(0);
    assertEquals(producerId, result.producerId());
    return Errors.forCode(result.topics().get(0).partitions().get(0).errorCode());
  }

  private static long latestOffset(TopicPartition tp, IsolationLevel isolation) throws Exception {
    try (Admin admin = admin()) {
      return admin.listOffsets(Map.of(tp, OffsetSpec.latest()), new ListOffsetsOptions(isolation)).partitionResult(tp).get().offset();
    }
  }

  /** The values the real Java consumer reads from the start to the end offset its isolation level sees. */
  private static List<String> values(TopicPartition tp, IsolationLevel isolation) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString().toLowerCase());
    List<String> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      long deadline = System.currentTimeMillis() + READ_TIMEOUT_MS;
      while (consumer.position(tp) < end) {
        assertTrue(System.currentTimeMillis() < deadline, "consumer stuck at " + consumer.position(tp) + " below " + end + " on " + tp);
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          out.add(new String(r.value(), StandardCharsets.UTF_8));
        }
      }
    }
    return out;
  }
}
