package io.tributary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.broker.Broker;
import io.tributary.log.broker.BrokerConfig;
import io.tributary.log.embedded.EmbeddedZooKeeper;
import io.tributary.log.protocol.KafkaRpcClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code tributary producers describe TOPIC} against a real broker: an idempotent producer and an open transaction. */
@Timeout(120)
class ProducersCommandTest {
  private static final long TRANSACTIONAL_PRODUCER_ID = 4242;

  @Test
  void describeShowsEachProducerAndItsOpenTransaction(@TempDir Path tmp) throws Exception {
    try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start("127.0.0.1", 0, tmp.resolve("zk"))) {
      // The open transaction is made up (no coordinator knows it), so the broker must not verify it (KIP-890).
      Broker broker = new Broker(BrokerConfig.of(Map.of(
          "broker.id", "0", "listeners", "PLAINTEXT://127.0.0.1:0", "log.dirs", tmp.resolve("broker-0").toString(),
          "zookeeper.connect", zk.connectString(), "transaction.partition.verification.enable", "false")));
      try {
        broker.start();
        String bootstrap = "127.0.0.1:" + broker.boundPort();
        Properties ap = new Properties();
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(ap)) {
          admin.createTopics(List.of(new NewTopic("orders", 1, (short) 1))).all().get();
        }
        assertTrue(Cli.run("producers", "describe", "orders", "-b", bootstrap).out().contains("no producers on orders"));

        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(pp)) { // idempotent by default
          for (int i = 0; i < 3; i++) {
            p.send(new ProducerRecord<>("orders", 0, null, ("v" + i).getBytes(StandardCharsets.UTF_8))).get();
          }
        }
        produceOpenTransaction(broker.boundPort()); // offset 3, left open

        Cli.Result d = Cli.run("producers", "describe", "orders", "-b", bootstrap);
        System.out.println("ProducersCommandTest:\n" + d.out());
        assertEquals(0, d.code(), d.toString());
        assertTrue(d.out().lines().anyMatch(l -> l.matches("0\\s+\\d+\\s+0\\s+2\\s+-")), d.toString());
        assertTrue(d.out().lines().anyMatch(l -> l.matches("0\\s+" + TRANSACTIONAL_PRODUCER_ID + "\\s+0\\s+0\\s+3")), d.toString());
      } finally {
        broker.close();
      }
    }
  }

  /** One transactional batch written as a transactional producer does, its transaction never ended. */
  private static void produceOpenTransaction(int port) throws Exception {
    MemoryRecords batch = MemoryRecords.withTransactionalRecords(Compression.NONE, TRANSACTIONAL_PRODUCER_ID, (short) 0, 0,
        new SimpleRecord("open".getBytes(StandardCharsets.UTF_8)));
    ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000).setTransactionalId("t");
    ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName("orders");
    topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(batch));
    data.topicData().add(topic);
    try (KafkaRpcClient rpc = new KafkaRpcClient("127.0.0.1", port, "producers-command-test", 30_000)) {
      ProduceResponse r = rpc.send(new ProduceRequest(data, (short) 9));
      assertEquals(Errors.NONE.code(), r.data().responses().iterator().next().partitionResponses().get(0).errorCode());
    }
  }
}
