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
import java.util.OptionalLong;
import java.util.Properties;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KIP-890 part 1 against two real broker processes: broker 0 runs with
 * {@code transaction.partition.verification.enable=false}, broker 1 with the default (true). A Java
 * transactional producer writes to a partition led by each and aborts; then a late produce of that aborted
 * transaction (a raw kafka-clients ProduceRequest with the producer's id, epoch and next sequence, as a batch
 * delayed in the network would arrive) reaches both leaders. Without verification it is appended and opens a
 * transaction the coordinator does not know: it hangs, holding the last stable offset, and no marker will ever
 * come. With verification the leader asks the coordinator (AddPartitionsToTxn verify-only), which says the
 * partition is not in a transaction: INVALID_TXN_STATE, nothing written, and the producer goes on as before.
 */
class TransactionVerificationTest {
  private static final short PRODUCE_VERSION = 9;
  private static final String TRANSACTIONAL_ID = "late-produce";
  private static final long READ_TIMEOUT_MS = 60_000;
  private static final String TOPIC = "verified";
  private static final TopicPartition UNVERIFIED = new TopicPartition(TOPIC, 0); // led by broker 0
  private static final TopicPartition VERIFIED = new TopicPartition(TOPIC, 1);   // led by broker 1

  @TempDir static Path dir;
  static TestingServer zk;
  static final List<BrokerProcess> brokers = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    zk = new TestingServer(true);
    for (int id = 0; id < 2; id++) {
      brokers.add(new BrokerProcess(dir.resolve("broker-" + id), Map.of("broker.id", Integer.toString(id),
          "zookeeper.connect", zk.getConnectString(), "zookeeper.session.timeout.ms", "6000",
          "transaction.state.log.replication.factor", "1", "transaction.state.log.min.isr", "1",
          "transaction.state.log.num.partitions", "2",
          "transaction.partition.verification.enable", Boolean.toString(id == 1))));
    }
    for (BrokerProcess b : brokers) {
      b.start();
    }
    for (BrokerProcess b : brokers) {
      b.awaitReady(Duration.ofSeconds(120));
    }
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(TOPIC, Map.of(0, List.of(0), 1, List.of(1))))).all().get();
    }
  }

  @AfterAll
  static void stop() throws Exception {
    for (BrokerProcess b : brokers) {
      b.close();
    }
    if (zk != null) {
      zk.close();
    }
  }

  @Test
  void aLateProduceAfterAbortHangsWithoutVerificationAndIsRefusedWithIt() throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = producer(); Admin admin = admin()) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(TOPIC, UNVERIFIED.partition(), null, bytes("aborted-0")));
      producer.send(new ProducerRecord<>(TOPIC, VERIFIED.partition(), null, bytes("aborted-1")));
      producer.flush();
      producer.abortTransaction();

      // EndTxn answers once PrepareAbort is written; the markers and CompleteAbort follow (as in Kafka).
      TransactionDescription txn = awaitCompleteAbort(admin);
      long producerId = txn.producerId();
      short epoch = (short) txn.producerEpoch();

      // Without verification: appended, and a transaction opens that the coordinator knows nothing about.
      long lateOffset = latestOffset(admin, UNVERIFIED, IsolationLevel.READ_UNCOMMITTED);
      ProduceResponseData.PartitionProduceResponse unverified = lateProduce(0, UNVERIFIED, producerId, epoch,
          nextSequence(admin, UNVERIFIED, producerId));
      assertEquals(Errors.NONE, Errors.forCode(unverified.errorCode()));
      assertEquals(lateOffset, unverified.baseOffset());
      assertEquals(OptionalLong.of(lateOffset), producer(admin, UNVERIFIED, producerId).currentTransactionStartOffset(),
          "the late batch opened a transaction on the partition");
      assertEquals(lateOffset, latestOffset(admin, UNVERIFIED, IsolationLevel.READ_COMMITTED), "it holds the LSO");
      assertEquals(lateOffset + 1, latestOffset(admin, UNVERIFIED, IsolationLevel.READ_UNCOMMITTED));
      TransactionDescription after = admin.describeTransactions(List.of(TRANSACTIONAL_ID)).description(TRANSACTIONAL_ID).get();
      assertEquals(TransactionState.COMPLETE_ABORT, after.state(), "the coordinator has no transaction to end: it hangs");
      assertEquals(List.of(), List.copyOf(after.topicPartitions()));

      // With verification: refused, nothing written, the last stable offset is the log end.
      long end = latestOffset(admin, VERIFIED, IsolationLevel.READ_UNCOMMITTED);
      ProduceResponseData.PartitionProduceResponse verified = lateProduce(1, VERIFIED, producerId, epoch,
          nextSequence(admin, VERIFIED, producerId));
      assertEquals(Errors.INVALID_TXN_STATE, Errors.forCode(verified.errorCode()));
      assertEquals("Partition was not added to the transaction", verified.errorMessage());
      assertEquals(-1, verified.baseOffset());
      assertEquals(OptionalLong.empty(), producer(admin, VERIFIED, producerId).currentTransactionStartOffset());
      assertEquals(end, latestOffset(admin, VERIFIED, IsolationLevel.READ_UNCOMMITTED), "nothing was appended");
      assertEquals(end, latestOffset(admin, VERIFIED, IsolationLevel.READ_COMMITTED), "no transaction hangs");

      // The producer's own transactions are verified and go on as before.
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(TOPIC, VERIFIED.partition(), null, bytes("committed-0")));
      producer.send(new ProducerRecord<>(TOPIC, VERIFIED.partition(), null, bytes("committed-1")));
      producer.commitTransaction();
      assertEquals(List.of("committed-0", "committed-1"), readCommitted(VERIFIED));
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static TransactionDescription awaitCompleteAbort(Admin admin) throws Exception {
    long deadline = System.currentTimeMillis() + READ_TIMEOUT_MS;
    while (true) {
      TransactionDescription txn = admin.describeTransactions(List.of(TRANSACTIONAL_ID)).description(TRANSACTIONAL_ID).get();
      if (txn.state() == TransactionState.COMPLETE_ABORT || System.currentTimeMillis() > deadline) {
        assertEquals(TransactionState.COMPLETE_ABORT, txn.state(), "the abort completes within " + READ_TIMEOUT_MS + " ms");
        return txn;
      }
      Thread.sleep(50);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, TRANSACTIONAL_ID);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "120000");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  private static String bootstrap() {
    return brokers.get(0).bootstrap() + "," + brokers.get(1).bootstrap();
  }

  private static Admin admin() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    return Admin.create(p);
  }

  private static ProducerState producer(Admin admin, TopicPartition tp, long producerId) throws Exception {
    return admin.describeProducers(List.of(tp)).partitionResult(tp).get().activeProducers().stream()
        .filter(p -> p.producerId() == producerId).findFirst().orElseThrow();
  }

  /** The sequence after the producer's last batch on {@code tp}: the batch that was delayed. */
  private static int nextSequence(Admin admin, TopicPartition tp, long producerId) throws Exception {
    return producer(admin, tp, producerId).lastSequence() + 1;
  }

  /** One transactional batch of the aborted transaction, sent to the partition's leader as it was sent before. */
  private static ProduceResponseData.PartitionProduceResponse lateProduce(int leader, TopicPartition tp, long producerId,
      short epoch, int sequence) throws Exception {
    MemoryRecords batch = MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, epoch, sequence,
        new SimpleRecord(bytes("late")));
    ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000)
        .setTransactionalId(TRANSACTIONAL_ID);
    ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName(tp.topic());
    topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(tp.partition()).setRecords(batch));
    data.topicData().add(topic);
    try (KafkaRpcClient rpc = new KafkaRpcClient("127.0.0.1", brokers.get(leader).port(), "late-produce", 60_000)) {
      ProduceResponse response = rpc.send(new ProduceRequest(data, PRODUCE_VERSION));
      return response.data().responses().iterator().next().partitionResponses().get(0);
    }
  }

  private static long latestOffset(Admin admin, TopicPartition tp, IsolationLevel isolation) throws Exception {
    return admin.listOffsets(Map.of(tp, OffsetSpec.latest()), new ListOffsetsOptions(isolation)).partitionResult(tp).get().offset();
  }

  private static List<String> readCommitted(TopicPartition tp) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<String> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      long deadline = System.currentTimeMillis() + READ_TIMEOUT_MS;
      while (consumer.position(tp) < end) {
        assertTrue(System.currentTimeMillis() < deadline, "consumer stuck at " + consumer.position(tp) + " below " + end);
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          out.add(new String(r.value(), StandardCharsets.UTF_8));
        }
      }
    }
    return out;
  }
}
