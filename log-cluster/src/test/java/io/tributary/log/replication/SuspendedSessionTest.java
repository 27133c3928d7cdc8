package io.tributary.log.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tributary.log.broker.Broker;
import io.tributary.log.broker.BrokerConfig;
import io.tributary.log.broker.Partition;
import io.tributary.testkit.TestClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, metadata: a leader cut off from ZooKeeper stops completing acks=all once its session has been
 * suspended for a quarter of the session timeout (before the session can expire and another leader be
 * elected), not only when the session is declared lost; back on the same session, it leads again.
 * Three brokers in this JVM on a real ZooKeeper that is stopped and restarted.
 */
class SuspendedSessionTest {
  private static final String TOPIC = "suspended";
  private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
  private static final int SESSION_TIMEOUT_MS = 6_000;
  /** More than the fence bound (a quarter of the session timeout), well below the session timeout. */
  private static final long SUSPENDED_MS = 2_000;
  private static final long AWAIT_MS = 45_000;

  @TempDir Path dir;
  TestingServer zookeeper;
  final List<Broker> brokers = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    zookeeper = new TestingServer(true);
    for (int id = 0; id < 3; id++) {
      Map<String, String> props = new LinkedHashMap<>();
      props.put("broker.id", Integer.toString(id));
      props.put("listeners", "PLAINTEXT://127.0.0.1:0");
      props.put("log.dirs", dir.resolve("broker-" + id).toString());
      props.put("zookeeper.connect", zookeeper.getConnectString());
      props.put("zookeeper.session.timeout.ms", Integer.toString(SESSION_TIMEOUT_MS));
      Broker broker = new Broker(BrokerConfig.of(props));
      brokers.add(broker);
      broker.start();
    }
  }

  @AfterEach
  void stop() throws Exception {
    brokers.forEach(Broker::close);
    zookeeper.close();
  }

  @Test
  void aLeaderSuspendedBeyondTheBoundStopsCompletingAcksAllAndLeadsAgainOnReconnect() throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
          .all().get();
    }
    Broker leader = awaitLeader();
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      producer.send(record("before")).get();
    }

    zookeeper.stop();
    Thread.sleep(SUSPENDED_MS);
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      assertThrows(ExecutionException.class, () -> producer.send(record("during")).get(),
          "no acks=all produce completes on a leader suspended beyond the bound");
    }
    assertFalse(leaderPartition(leader).isLeader(), "the leader fenced itself while its session was suspended");

    zookeeper.restart();
    awaitLeader();
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      producer.send(record("after")).get();
    }
    assertEquals(List.of("before", "after"), TestClients.readValues(bootstrap(), TOPIC, 1, AWAIT_MS));
  }

  private static ProducerRecord<byte[], byte[]> record(String value) {
    return new ProducerRecord<>(TOPIC, 0, null, value.getBytes(StandardCharsets.UTF_8));
  }

  private KafkaProducer<byte[], byte[]> producer() {
    Properties p = TestClients.producerProps(bootstrap());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "1000");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "1500");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "3000");
    return new KafkaProducer<>(p);
  }

  private String bootstrap() {
    return brokers.stream().map(b -> "127.0.0.1:" + b.boundPort()).collect(Collectors.joining(","));
  }

  private static Partition leaderPartition(Broker broker) {
    return broker.replicaManager().partition(TP).orElseThrow();
  }

  /** The broker leading the partition, once one does and every replica is in sync. */
  private Broker awaitLeader() throws InterruptedException {
    long deadline = System.currentTimeMillis() + AWAIT_MS;
    while (System.currentTimeMillis() < deadline) {
      for (Broker b : brokers) {
        Optional<Partition> p = b.replicaManager().partition(TP);
        if (p.isPresent() && p.get().isLeader() && p.get().isr().size() == 3) {
          return b;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no leader of " + TP + " with 3 in-sync replicas within " + AWAIT_MS + " ms");
  }
}
