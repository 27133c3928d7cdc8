package io.tributary.log.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.broker.Broker;
import io.tributary.log.broker.BrokerConfig;
import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.testkit.TestClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 15, metadata: three real brokers on a real ZooKeeper whose znodes are damaged by hand, the way an
 * operator's typo or a half-written tool would. Acknowledged records must survive every damage, a topic's
 * logs go only when the topic is really deleted, a duplicate broker.id is refused, and a controller whose
 * activation fails retries it.
 */
class BadMetadataTest {
  private static final String TOPIC = "orders";
  private static final int PARTITIONS = 3;
  private static final int RECORDS = 3_000;
  /** Long enough for every broker to rebuild its metadata from the damaged znode several times. */
  private static final long DAMAGE_MS = 3_000;
  private static final long READ_TIMEOUT_MS = 30_000;
  /** The activation backoff is at most 5 s; the election itself takes well under a second here. */
  private static final long ACTIVATION_TIMEOUT_MS = 15_000;

  @TempDir Path dir;
  EmbeddedCluster cluster;
  CuratorFramework zk;

  @BeforeEach
  void start() throws Exception {
    cluster = EmbeddedCluster.start(3, dir);
    zk = CuratorFrameworkFactory.builder()
        .connectString(cluster.zookeeperConnect())
        .namespace("tributary")
        .retryPolicy(new RetryOneTime(100))
        .build();
    zk.start();
    assertTrue(zk.blockUntilConnected(30, TimeUnit.SECONDS));
  }

  @AfterEach
  void stop() throws Exception {
    zk.close();
    cluster.close();
  }

  /** Not JSON (the reproduction), and valid JSON with no partitions (acting on it would unassign every replica). */
  @ParameterizedTest
  @ValueSource(strings = {"{", "{\"id\":\"AAAAAAAAAAAAAAAAAAAAAQ\",\"replicas\":{}}"})
  void aDamagedTopicZnodeDeletesNothing(String damage) throws Exception {
    cluster.createTopic(TOPIC, PARTITIONS, 3, Map.of());
    produceAcknowledged();

    damageFor(ZkPaths.topic(TOPIC), damage);

    assertEveryBrokerKeepsItsLogs();
    assertEquals(RECORDS, TestClients.readAll(cluster.bootstrapServers(), TOPIC, PARTITIONS, READ_TIMEOUT_MS).size());
  }

  @Test
  void unparsablePartitionStatesAndRegistrationsAreSkipped() throws Exception {
    cluster.createTopic(TOPIC, PARTITIONS, 3, Map.of());
    produceAcknowledged();

    List<String> paths = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      paths.add(ZkPaths.partitionState(new TopicPartition(TOPIC, p)));
    }
    paths.add(ZkPaths.broker(1));
    paths.add(ZkPaths.topicConfig(TOPIC));
    List<byte[]> good = new ArrayList<>();
    for (String path : paths) {
      good.add(zk.getData().forPath(path));
      zk.setData().forPath(path, "{".getBytes(StandardCharsets.UTF_8));
    }
    Thread.sleep(DAMAGE_MS);
    for (int b = 0; b < 3; b++) {
      ClusterImage image = cluster.broker(b).replicaManager().image();
      assertEquals(3, image.liveBrokers().size(), "broker " + b + " still sees broker 1 registered");
      assertEquals(PARTITIONS, image.topic(TOPIC).orElseThrow().partitionCount());
      for (int p = 0; p < PARTITIONS; p++) {
        assertTrue(image.partition(new TopicPartition(TOPIC, p)).orElseThrow().leader() >= 0,
            "broker " + b + " keeps the last good state of partition " + p);
      }
    }
    for (int i = 0; i < paths.size(); i++) {
      zk.setData().forPath(paths.get(i), good.get(i));
    }

    assertEveryBrokerKeepsItsLogs();
    assertEquals(RECORDS, TestClients.readAll(cluster.bootstrapServers(), TOPIC, PARTITIONS, READ_TIMEOUT_MS).size());
  }

  @Test
  void aDeletedTopicsLogsAreDeletedOnEveryBroker() throws Exception {
    cluster.createTopic(TOPIC, PARTITIONS, 3, Map.of());
    produceAcknowledged();

    try (Admin admin = cluster.admin()) {
      admin.deleteTopics(List.of(TOPIC)).all().get();
    }

    long deadline = System.currentTimeMillis() + READ_TIMEOUT_MS;
    while (System.currentTimeMillis() < deadline && anyPartitionDirectoryLeft()) {
      Thread.sleep(100);
    }
    assertFalse(anyPartitionDirectoryLeft(), "every broker deleted the partitions of the deleted topic");
  }

  @Test
  void aSecondBrokerWithALiveBrokersIdIsRefusedAndTheFirstKeepsItsRegistration() throws Exception {
    Stat before = zk.checkExists().forPath(ZkPaths.broker(0));
    Map<String, String> props = new LinkedHashMap<>();
    props.put("broker.id", "0");
    props.put("listeners", "PLAINTEXT://127.0.0.1:0");
    props.put("log.dirs", dir.resolve("duplicate").toString());
    props.put("zookeeper.connect", cluster.zookeeperConnect());
    props.put("zookeeper.session.timeout.ms", "6000");
    Broker duplicate = new Broker(BrokerConfig.of(props));
    try {
      DuplicateBrokerIdException refused = assertThrows(DuplicateBrokerIdException.class, duplicate::start);
      assertTrue(refused.getMessage().contains("broker.id 0 is already registered by a live broker (znode /tributary/brokers/ids/0"),
          refused.getMessage());
    } finally {
      duplicate.close();
    }
    Stat after = zk.checkExists().forPath(ZkPaths.broker(0));
    assertEquals(before.getCzxid(), after.getCzxid(), "the first broker's registration was not replaced");
    assertEquals(before.getEphemeralOwner(), after.getEphemeralOwner());
    assertTrue(cluster.broker(1).replicaManager().image().isLive(0));
  }

  @Test
  void aControllerWhoseActivationFailsRetriesUntilItSucceeds() throws Exception {
    int first = activeController();
    byte[] good = zk.getData().forPath(ZkPaths.CONTROLLER_EPOCH);
    zk.setData().forPath(ZkPaths.CONTROLLER_EPOCH, "{".getBytes(StandardCharsets.UTF_8));

    // The election moves on, and the winner cannot start its epoch while the epoch znode is damaged.
    cluster.stopBroker(first);
    Thread.sleep(DAMAGE_MS);
    assertEquals(-1, activeControllerOrNone(), "no controller can start an epoch from a damaged /controller_epoch");

    zk.setData().forPath(ZkPaths.CONTROLLER_EPOCH, good);
    long deadline = System.currentTimeMillis() + ACTIVATION_TIMEOUT_MS;
    while (System.currentTimeMillis() < deadline && activeControllerOrNone() < 0) {
      Thread.sleep(100);
    }
    assertTrue(activeControllerOrNone() >= 0, "a controller became active once the znode was repaired");
    int[] epoch = ZkJson.controllerEpoch(zk.getData().forPath(ZkPaths.CONTROLLER_EPOCH));
    assertTrue(epoch[0] > ZkJson.controllerEpoch(good)[0], "the new controller started a newer epoch");
  }

  private int activeController() throws InterruptedException {
    long deadline = System.currentTimeMillis() + ACTIVATION_TIMEOUT_MS;
    while (System.currentTimeMillis() < deadline) {
      int active = activeControllerOrNone();
      if (active >= 0) {
        return active;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no active controller within " + ACTIVATION_TIMEOUT_MS + " ms");
  }

  private int activeControllerOrNone() {
    for (int b = 0; b < cluster.size(); b++) {
      if (cluster.broker(b) != null && cluster.broker(b).isController()) {
        return b;
      }
    }
    return -1;
  }

  private void produceAcknowledged() throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(cluster.producerProps())) {
      List<Future<RecordMetadata>> acks = new ArrayList<>();
      for (int i = 0; i < RECORDS; i++) {
        acks.add(producer.send(new ProducerRecord<>(TOPIC, i % PARTITIONS, null, ("r" + i).getBytes(StandardCharsets.UTF_8))));
      }
      for (Future<RecordMetadata> ack : acks) {
        ack.get();
      }
    }
  }

  /** Writes {@code bad} into the znode at {@code path}, leaves it there, then puts the good content back. */
  private void damageFor(String path, String bad) throws Exception {
    byte[] good = zk.getData().forPath(path);
    zk.setData().forPath(path, bad.getBytes(StandardCharsets.UTF_8));
    Thread.sleep(DAMAGE_MS);
    assertEveryBrokerKeepsItsLogs();
    zk.setData().forPath(path, good);
  }

  private void assertEveryBrokerKeepsItsLogs() {
    for (int b = 0; b < 3; b++) {
      for (int p = 0; p < PARTITIONS; p++) {
        assertTrue(Files.isDirectory(cluster.logDir(b).resolve(TOPIC + "-" + p)), "broker " + b + " keeps " + TOPIC + "-" + p);
      }
    }
  }

  private boolean anyPartitionDirectoryLeft() {
    for (int b = 0; b < 3; b++) {
      for (int p = 0; p < PARTITIONS; p++) {
        if (Files.exists(cluster.logDir(b).resolve(TOPIC + "-" + p))) {
          return true;
        }
      }
    }
    return false;
  }
}
