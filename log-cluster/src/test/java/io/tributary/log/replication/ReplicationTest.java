package io.tributary.log.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.broker.Partition;
import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.testkit.TestClients;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three real brokers in this JVM: replication, ISR, min.insync.replicas, failover, preferred leaders. */
class ReplicationTest {
  @TempDir Path dir;
  EmbeddedCluster cluster;

  @BeforeEach
  void start() throws Exception {
    cluster = EmbeddedCluster.start(3, dir, Map.of(
        "leader.imbalance.check.interval.seconds", "1",
        "replica.lag.time.max.ms", "5000"));
  }

  @AfterEach
  void stop() throws Exception {
    cluster.close();
  }

  /** The partition as the cluster describes it, once every broker's metadata shows it with a leader. */
  private TopicPartitionInfo describe(String topic, int partition) throws Exception {
    TopicPartitionInfo[] found = new TopicPartitionInfo[1];
    await("metadata of " + topic + "-" + partition + " with a leader", () -> {
      try (Admin admin = cluster.admin()) {
        TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        found[0] = d.partitions().get(partition);
        return found[0].leader() != null;
      }
    });
    return found[0];
  }

  private static void await(String what, Callable<Boolean> condition) throws Exception {
    long deadline = System.currentTimeMillis() + 45_000;
    Exception last = null;
    while (System.currentTimeMillis() < deadline) {
      try {
        if (condition.call()) {
          return;
        }
      } catch (Exception e) {
        last = e;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("timed out waiting for: " + what, last);
  }

  private KafkaProducer<byte[], byte[]> producer(String acks) {
    Properties p = cluster.producerProps();
    p.put(ProducerConfig.ACKS_CONFIG, acks);
    if (!acks.equals("all")) {
      p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    }
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    return new KafkaProducer<>(p);
  }

  private KafkaProducer<byte[], byte[]> producerWithoutRetries() {
    Properties p = cluster.producerProps();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    p.put(ProducerConfig.RETRIES_CONFIG, "0");
    return new KafkaProducer<>(p);
  }

  private List<String> readAll(String topic, int partitions) {
    return TestClients.readValues(cluster.bootstrapServers(), topic, partitions, 30_000);
  }

  private Partition replica(int broker, String topic, int partition) {
    return cluster.broker(broker).replicaManager().partition(new TopicPartition(topic, partition)).orElseThrow();
  }

  @Test
  void everyReplicaGetsEveryRecordAndTheIsrStaysFull() throws Exception {
    cluster.createTopic("replicated", 3, 3, Map.of("min.insync.replicas", "2"));
    try (KafkaProducer<byte[], byte[]> producer = producer("all")) {
      for (int i = 0; i < 3000; i++) {
        producer.send(new ProducerRecord<>("replicated", i % 3, null, ("r" + i).getBytes()));
      }
      producer.flush();
    }
    assertEquals(3000, readAll("replicated", 3).size());
    for (int p = 0; p < 3; p++) {
      int partition = p;
      await("all replicas of partition " + p + " at 1000", () -> {
        for (int b = 0; b < 3; b++) {
          if (replica(b, "replicated", partition).log().logEndOffset() != 1000) {
            return false;
          }
        }
        return true;
      });
      assertEquals(3, describe("replicated", p).isr().size());
      assertEquals(1000, replica(describe("replicated", p).leader().id(), "replicated", p).highWatermark());
    }
  }

  @Test
  void aFollowerAnswersNotLeaderOrFollowerAndClientsRecover() throws Exception {
    cluster.createTopic("routed", 1, 3, Map.of());
    TopicPartitionInfo info = describe("routed", 0);
    int follower = info.replicas().stream().mapToInt(org.apache.kafka.common.Node::id).filter(id -> id != info.leader().id()).findFirst().orElseThrow();
    org.apache.kafka.common.message.ProduceRequestData data = new org.apache.kafka.common.message.ProduceRequestData()
        .setAcks((short) 1).setTimeoutMs(5000);
    org.apache.kafka.common.message.ProduceRequestData.TopicProduceData td =
        new org.apache.kafka.common.message.ProduceRequestData.TopicProduceData().setName("routed");
    td.partitionData().add(new org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData().setIndex(0)
        .setRecords(org.apache.kafka.common.record.MemoryRecords.withRecords(org.apache.kafka.common.compress.Compression.NONE,
            new org.apache.kafka.common.record.SimpleRecord("to-a-follower".getBytes()))));
    data.topicData().add(td);
    try (io.tributary.log.protocol.KafkaRpcClient client = new io.tributary.log.protocol.KafkaRpcClient(
        "127.0.0.1", cluster.broker(follower).boundPort(), "test", 10_000)) {
      org.apache.kafka.common.requests.ProduceResponse response =
          client.send(org.apache.kafka.common.requests.ProduceRequest.forCurrentMagic(data).build((short) 9));
      short error = response.data().responses().iterator().next().partitionResponses().get(0).errorCode();
      assertEquals(org.apache.kafka.common.protocol.Errors.NOT_LEADER_OR_FOLLOWER.code(), error);
    }
    // Every broker's metadata names the current leader, so a normal client goes straight there.
    for (int b = 0; b < 3; b++) {
      Properties p = cluster.producerProps();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + cluster.broker(b).boundPort());
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
        producer.send(new ProducerRecord<>("routed", 0, null, ("via-" + b).getBytes())).get();
      }
    }
    assertEquals(List.of("via-0", "via-1", "via-2"), readAll("routed", 1));
  }

  @Test
  void acksAllNeedsMinInsyncReplicasWhileAcksOneDoesNot() throws Exception {
    cluster.createTopic("min-isr", 1, 3, Map.of("min.insync.replicas", "2"));
    int leader = describe("min-isr", 0).leader().id();
    List<Integer> others = new ArrayList<>(List.of(0, 1, 2));
    others.remove(Integer.valueOf(leader));
    for (int b : others) {
      cluster.stopBroker(b);
    }
    await("ISR shrinks to the leader", () -> describe("min-isr", 0).isr().size() == 1);

    try (KafkaProducer<byte[], byte[]> producer = producerWithoutRetries()) {
      // NOT_ENOUGH_REPLICAS is retriable: a producer without retries surfaces it (with retries, it
      // retries until delivery.timeout.ms, as with Apache Kafka).
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> producer.send(new ProducerRecord<>("min-isr", 0, null, "needs-two".getBytes())).get());
      assertInstanceOf(NotEnoughReplicasException.class, e.getCause(), e.toString());
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      throw new AssertionError("expected NOT_ENOUGH_REPLICAS, got a timeout", e);
    }
    try (KafkaProducer<byte[], byte[]> producer = producer("1")) {
      assertTrue(producer.send(new ProducerRecord<>("min-isr", 0, null, "one-is-enough".getBytes())).get().offset() >= 0);
    }
    for (int b : others) {
      cluster.startBroker(b);
    }
    await("ISR full again", () -> describe("min-isr", 0).isr().size() == 3);
    try (KafkaProducer<byte[], byte[]> producer = producer("all")) {
      producer.send(new ProducerRecord<>("min-isr", 0, null, "now-fine".getBytes())).get();
    }
    assertEquals(List.of("one-is-enough", "now-fine"), readAll("min-isr", 1));
  }

  @Test
  void leaderFailoverLosesNoAcknowledgedRecordAndPreferredLeaderReturns() throws Exception {
    cluster.createTopic("failover", 1, 3, Map.of("min.insync.replicas", "2"));
    TopicPartitionInfo before = describe("failover", 0);
    int oldLeader = before.leader().id();
    int preferred = before.replicas().get(0).id();
    assertEquals(preferred, oldLeader);
    List<String> acked = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = producer("all")) {
      for (int i = 0; i < 500; i++) {
        producer.send(new ProducerRecord<>("failover", 0, null, ("before-" + i).getBytes())).get();
        acked.add("before-" + i);
      }
      cluster.stopBroker(oldLeader);
      await("a new leader", () -> {
        TopicPartitionInfo now = describe("failover", 0);
        return now.leader() != null && now.leader().id() != oldLeader;
      });
      for (int i = 0; i < 500; i++) {
        producer.send(new ProducerRecord<>("failover", 0, null, ("after-" + i).getBytes())).get();
        acked.add("after-" + i);
      }
    }
    assertEquals(acked, readAll("failover", 1), "every acknowledged record, once, in order");
    cluster.startBroker(oldLeader);
    await("the preferred replica leads again once in sync", () -> describe("failover", 0).leader().id() == preferred);
    assertEquals(acked, readAll("failover", 1));
    assertEquals(1000, replica(oldLeader, "failover", 0).log().logEndOffset(), "the returning broker caught up");
  }
}
