package io.tributary.registry.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.registry.RegistryConfig;
import io.tributary.registry.RegistryException;
import io.tributary.registry.RegistryServer;
import io.tributary.registry.testing.Http;
import io.tributary.registry.testing.Schemas;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: {@code _schemas} is created at its configured replication factor or not at all, and a record
 * in it that cannot be decoded does not stop a registry from starting with every other schema.
 */
class SchemasTopicTest {
  private static final String TOPIC = "_schemas";

  @TempDir Path dir;

  private static RegistryConfig config(EmbeddedCluster cluster, String replicationFactor, String initTimeoutMs) {
    return new RegistryConfig(Map.of(RegistryConfig.LISTENERS, "http://127.0.0.1:0",
        RegistryConfig.BOOTSTRAP, cluster.bootstrapServers(), RegistryConfig.TOPIC_RF, replicationFactor,
        RegistryConfig.INIT_TIMEOUT_MS, initTimeoutMs));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static int register(RegistryServer server, String subject, String recordName) {
    Http.Res r = new Http(server.url()).post("/subjects/" + subject + "/versions",
        Http.schemaBody(Schemas.record(recordName, Schemas.field("f", "string"))));
    assertEquals(200, r.status(), r.body());
    return r.json().get("id").asInt();
  }

  @Test
  void tooFewBrokersForTheReplicationFactorFailsStartAndCreatesNothing() throws Exception {
    try (EmbeddedCluster cluster = EmbeddedCluster.start(1, dir)) {
      RegistryServer server = new RegistryServer(config(cluster, "3", "6000"));
      RegistryException e = assertThrows(RegistryException.class, server::start);
      server.close();
      assertTrue(e.getMessage().startsWith("Cannot create topic _schemas: kafkastore.topic.replication.factor is 3 but"
          + " 1 broker(s) are live after waiting "), e.getMessage());
      assertTrue(e.getMessage().endsWith(" ms (kafkastore.init.timeout.ms); start the registry again once enough"
          + " brokers are up, or lower kafkastore.topic.replication.factor"), e.getMessage());
      try (Admin admin = cluster.admin()) {
        assertFalse(admin.listTopics().names().get().contains(TOPIC));
      }
    }
  }

  @Test
  void aGarbageRecordIsSkippedAndTheOtherSchemasLoadAfterARestart() throws Exception {
    try (EmbeddedCluster cluster = EmbeddedCluster.start(1, dir)) {
      int first;
      int second;
      try (RegistryServer server = new RegistryServer(config(cluster, "1", "30000")).start()) {
        first = register(server, "before", "Before");
        // What a plain producer can write: a key that is not JSON, and a SCHEMA tombstone naming no subject.
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(cluster.producerProps())) {
          producer.send(new ProducerRecord<>(TOPIC, 0, utf8("not json"), utf8("{}"))).get();
          producer.send(new ProducerRecord<>(TOPIC, 0, utf8("{\"keytype\":\"SCHEMA\",\"version\":1,\"magic\":1}"), null)).get();
        }
        second = register(server, "after", "After");
      }
      try (RegistryServer restarted = new RegistryServer(config(cluster, "1", "30000")).start()) {
        Http http = new Http(restarted.url());
        assertEquals(first, http.get("/subjects/before/versions/1").json().get("id").asInt());
        assertEquals(second, http.get("/subjects/after/versions/1").json().get("id").asInt());
        assertEquals("[\"after\",\"before\"]", http.get("/subjects").body());
      }
      try (Admin admin = cluster.admin()) {
        TopicDescription topic = admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC);
        assertEquals(1, topic.partitions().get(0).replicas().size());
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, TOPIC);
        Config configs = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        assertEquals("1", configs.get("min.insync.replicas").value());
        assertEquals("compact", configs.get("cleanup.policy").value());
      }
    }
  }
}
