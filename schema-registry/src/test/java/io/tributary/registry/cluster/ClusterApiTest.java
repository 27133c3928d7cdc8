package io.tributary.registry.cluster;

import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.registry.RegistryConfig;
import io.tributary.registry.RegistryServer;
import io.tributary.registry.rest.AbstractApiTest;
import io.tributary.registry.testing.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every endpoint and error code over real HTTP, against a registry whose store is the {@code _schemas}
 * topic on a real 3-broker log cluster (ZooKeeper, brokers in this JVM), elected through ZooKeeper.
 */
class ClusterApiTest extends AbstractApiTest {
  static EmbeddedCluster cluster;
  static RegistryServer server;
  static Http http;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("registry-api");
    cluster = EmbeddedCluster.start(3, dir);
    server = new RegistryServer(new RegistryConfig(Map.of(
        RegistryConfig.LISTENERS, "http://127.0.0.1:0",
        RegistryConfig.BOOTSTRAP, cluster.bootstrapServers(),
        RegistryConfig.ZK_CONNECT, cluster.zookeeperConnect(),
        RegistryConfig.TOPIC_RF, ClusterTesting.replicationFactor()))).start();
    ClusterTesting.awaitPrimary(server);
    http = new Http(server.url());
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @org.junit.jupiter.api.Test
  void schemasTopicIsCompactedAndReplicated() throws Exception {
    try (org.apache.kafka.clients.admin.Admin admin = cluster.admin()) {
      var topic = admin.describeTopics(java.util.List.of("_schemas")).allTopicNames().get().get("_schemas");
      org.junit.jupiter.api.Assertions.assertEquals(1, topic.partitions().size());
      org.junit.jupiter.api.Assertions.assertEquals(Integer.parseInt(ClusterTesting.replicationFactor()),
          topic.partitions().get(0).replicas().size());
      var res = new org.apache.kafka.common.config.ConfigResource(
          org.apache.kafka.common.config.ConfigResource.Type.TOPIC, "_schemas");
      var config = admin.describeConfigs(java.util.List.of(res)).all().get().get(res);
      org.junit.jupiter.api.Assertions.assertEquals("compact", config.get("cleanup.policy").value());
    }
  }

  @Override
  protected Http http() {
    return http;
  }
}
