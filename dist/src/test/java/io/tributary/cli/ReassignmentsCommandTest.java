package io.tributary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.embedded.EmbeddedCluster;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tributary reassignments list|cancel} against two real brokers: a reassignment held back by a throttle is
 * listed (table and JSON), cancelled, and a second cancel fails with Kafka's NO_REASSIGNMENT_IN_PROGRESS message.
 */
@Timeout(180)
class ReassignmentsCommandTest {
  /** So low that the new replica cannot catch up while the test looks at it. */
  static final String FOLLOWER_THROTTLE_BYTES_PER_SEC = "1";

  @Test
  void listShowsAThrottledReassignmentAndCancelRevertsIt(@TempDir Path tmp) throws Exception {
    // Small follower fetches: the first one (allowed before the quota has measured anything) cannot copy everything.
    try (EmbeddedCluster cluster = EmbeddedCluster.start(2, tmp, Map.of("replica.fetch.max.bytes", "1024"));
        Admin admin = cluster.admin()) {
      String bootstrap = cluster.bootstrapServers();
      admin.createTopics(List.of(new NewTopic("orders", Map.of(0, List.of(0))))).all().get();
      try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(cluster.producerProps())) {
        for (int i = 0; i < 200; i++) {
          p.send(new ProducerRecord<>("orders", 0, null, new byte[1_000]));
        }
      }
      admin.incrementalAlterConfigs(Map.of(
          new ConfigResource(ConfigResource.Type.BROKER, "1"), List.of(new AlterConfigOp(
              new ConfigEntry("follower.replication.throttled.rate", FOLLOWER_THROTTLE_BYTES_PER_SEC), AlterConfigOp.OpType.SET)),
          new ConfigResource(ConfigResource.Type.TOPIC, "orders"), List.of(new AlterConfigOp(
              new ConfigEntry("follower.replication.throttled.replicas", "0:1"), AlterConfigOp.OpType.SET)))).all().get();
      assertTrue(Cli.run("reassignments", "list", "-b", bootstrap).out().contains("no reassignments in flight"));

      TopicPartition tp = new TopicPartition("orders", 0);
      admin.alterPartitionReassignments(Map.of(tp, Optional.of(new NewPartitionReassignment(List.of(1))))).all().get();

      Cli.Result list = Cli.run("reassignments", "list", "-b", bootstrap);
      System.out.println("ReassignmentsCommandTest:\n" + list.out());
      assertEquals(0, list.code(), list.toString());
      assertTrue(list.out().lines().anyMatch(l -> l.matches("orders\\s+0\\s+1,0\\s+1\\s+0")), list.toString());
      Cli.Result json = Cli.run("reassignments", "list", "-b", bootstrap, "--format", "json");
      assertTrue(json.out().replaceAll("\\s", "").contains(
          "{\"topic\":\"orders\",\"partition\":0,\"replicas\":[1,0],\"adding\":[1],\"removing\":[0]}"), json.toString());

      Cli.Result cancel = Cli.run("reassignments", "cancel", "orders:0", "-b", bootstrap);
      assertEquals(0, cancel.code(), cancel.toString());
      assertTrue(cancel.out().contains("cancelled orders-0"), cancel.toString());
      assertTrue(Cli.run("reassignments", "list", "-b", bootstrap).out().contains("no reassignments in flight"));
      assertEquals(List.of(0), admin.describeTopics(List.of("orders")).allTopicNames().get().get("orders").partitions().get(0)
          .replicas().stream().map(n -> n.id()).toList());

      Cli.Result again = Cli.run("reassignments", "cancel", "orders:0", "-b", bootstrap);
      assertEquals(1, again.code(), again.toString());
      assertTrue(again.out().contains("No reassignment is in progress"), again.toString());
      Cli.Result bad = Cli.run("reassignments", "cancel", "orders", "-b", bootstrap);
      assertEquals(2, bad.code(), bad.toString());
      assertTrue(bad.err().contains("is not TOPIC:PARTITION"), bad.toString());
    }
  }
}
