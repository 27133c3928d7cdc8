package io.tributary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.broker.Broker;
import io.tributary.log.broker.BrokerConfig;
import io.tributary.log.embedded.EmbeddedZooKeeper;
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
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14: {@code tributary txn list/describe} against a real broker, with a transaction open and after its commit. */
@Timeout(120)
class TxnCommandTest {

  @Test
  void listAndDescribeShowTheTransactionalIdItsStateAndPartitions(@TempDir Path tmp) throws Exception {
    try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start("127.0.0.1", 0, tmp.resolve("zk"))) {
      Broker broker = new Broker(BrokerConfig.of(Map.of(
          "broker.id", "0", "listeners", "PLAINTEXT://127.0.0.1:0", "log.dirs", tmp.resolve("broker-0").toString(),
          "zookeeper.connect", zk.connectString(), "offsets.topic.replication.factor", "1",
          "transaction.state.log.replication.factor", "1", "transaction.state.log.num.partitions", "3")));
      try {
        broker.start();
        String bootstrap = "127.0.0.1:" + broker.boundPort();
        Properties ap = new Properties();
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(ap)) {
          admin.createTopics(List.of(new NewTopic("payments", 2, (short) 1))).all().get();
        }
        assertTrue(Cli.run("txn", "list", "-b", bootstrap).out().contains("no transactional ids"));

        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pp.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "payments-writer");
        pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(pp)) {
          p.initTransactions();
          p.beginTransaction();
          p.send(new ProducerRecord<>("payments", 1, null, "v".getBytes(StandardCharsets.UTF_8)));
          p.flush();

          Cli.Result open = Cli.run("txn", "describe", "payments-writer", "-b", bootstrap);
          assertEquals(0, open.code(), open.err());
          assertTrue(open.out().contains("STATE             Ongoing"), open.out());
          assertTrue(open.out().contains("PARTITIONS        payments[1]"), open.out());
          assertTrue(open.out().contains("COORDINATOR       0"), open.out());

          p.commitTransaction();
        }
        Cli.Result list = Cli.run("txn", "list", "-b", bootstrap);
        assertTrue(list.out().matches("(?s).*payments-writer\\s+\\d+\\s+CompleteCommit.*"), list.out());
        Cli.Result done = Cli.run("txn", "describe", "payments-writer", "-b", bootstrap);
        assertTrue(done.out().contains("PARTITIONS        -"), done.out());

        Cli.Result unknown = Cli.run("txn", "describe", "nobody", "-b", bootstrap);
        assertNotEquals(0, unknown.code());
        assertTrue(unknown.err().contains("nobody"), unknown.err());
      } finally {
        broker.close();
      }
    }
  }
}
