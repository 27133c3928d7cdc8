package io.tributary.log.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tributary.log.embedded.EmbeddedCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: {@code __consumer_offsets} is created at its configured replication factor or not at all,
 * and a record in it that cannot be decoded does not keep the groups of its partition from loading.
 */
class InternalOffsetsTopicTest {
  private static final int OFFSETS_PARTITIONS = 3;
  private static final TopicPartition ORDERS_0 = new TopicPartition("orders", 0);

  @TempDir Path dir;

  private static Map<String, String> overrides(String replicationFactor) {
    return Map.of("offsets.topic.num.partitions", Integer.toString(OFFSETS_PARTITIONS),
        "offsets.topic.replication.factor", replicationFactor, "group.initial.rebalance.delay.ms", "0");
  }

  private static Admin admin(EmbeddedCluster cluster) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
    return Admin.create(p);
  }

  @Test
  void notCreatedBelowItsReplicationFactorThenCreatedAtItOnceEnoughBrokersAreLive() throws Exception {
    try (EmbeddedCluster cluster = EmbeddedCluster.start(3, dir, overrides("3"))) {
      cluster.stopBroker(1);
      cluster.stopBroker(2);
      cluster.awaitBrokersSeeEachOther();
      cluster.createTopic("orders", 1, 1, Map.of());
      Map<TopicPartition, OffsetAndMetadata> commit = Map.of(ORDERS_0, new OffsetAndMetadata(7));

      try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(CommitResumeTest.consumerProps(cluster, "g"))) {
        // FindCoordinator answers COORDINATOR_NOT_AVAILABLE (retriable): the client retries until its timeout.
        assertThrows(TimeoutException.class, () -> c.commitSync(commit, Duration.ofSeconds(3)));
      }
      try (Admin admin = admin(cluster)) {
        assertFalse(admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get()
            .contains(OffsetsTopicFormat.TOPIC), "not created at a lower replication factor");
      }

      cluster.startBroker(1);
      cluster.startBroker(2);
      cluster.awaitBrokersSeeEachOther();
      try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(CommitResumeTest.consumerProps(cluster, "g"))) {
        c.commitSync(commit, Duration.ofSeconds(30));
      }
      try (Admin admin = admin(cluster)) {
        TopicDescription topic = admin.describeTopics(List.of(OffsetsTopicFormat.TOPIC)).allTopicNames().get()
            .get(OffsetsTopicFormat.TOPIC);
        assertEquals(OFFSETS_PARTITIONS, topic.partitions().size());
        topic.partitions().forEach(p -> assertEquals(3, p.replicas().size(), p.toString()));
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, OffsetsTopicFormat.TOPIC);
        Config configs = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        assertEquals("2", configs.get("min.insync.replicas").value());
        assertEquals(Map.of(ORDERS_0, new OffsetAndMetadata(7)),
            admin.listConsumerGroupOffsets("g").partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS));
      }
    }
  }

  @Test
  void aGarbageRecordIsSkippedAndTheGroupsOffsetsLoadAfterACoordinatorMove() throws Exception {
    try (EmbeddedCluster cluster = EmbeddedCluster.start(1, dir, overrides("1"))) {
      cluster.createTopic("orders", 1, 1, Map.of());
      try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(CommitResumeTest.consumerProps(cluster, "g"))) {
        c.commitSync(Map.of(ORDERS_0, new OffsetAndMetadata(7)), Duration.ofSeconds(30));
      }
      int partition = OffsetsTopicFormat.partitionFor("g", OFFSETS_PARTITIONS);
      // Brokers refuse client writes to internal topics, as Kafka does, except from its admin client id.
      Properties adminWriter = cluster.producerProps();
      adminWriter.put(ProducerConfig.CLIENT_ID_CONFIG, "__admin_client");
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(adminWriter)) {
        producer.send(new ProducerRecord<>(OffsetsTopicFormat.TOPIC, partition,
            "not json".getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8))).get();
      }
      try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(CommitResumeTest.consumerProps(cluster, "g"))) {
        c.commitSync(Map.of(ORDERS_0, new OffsetAndMetadata(9)), Duration.ofSeconds(30));
      }

      // The broker restarts on the same log dir: its coordinator loads the partition again, garbage included.
      cluster.stopBroker(0);
      cluster.startBroker(0);
      try (Admin admin = admin(cluster)) {
        assertEquals(Map.of(ORDERS_0, new OffsetAndMetadata(9)),
            admin.listConsumerGroupOffsets("g").partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS));
      }
    }
  }
}
