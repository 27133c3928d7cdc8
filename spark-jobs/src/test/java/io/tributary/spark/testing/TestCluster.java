package io.tributary.spark.testing;

import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.registry.RegistryConfig;
import io.tributary.registry.RegistryServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * One real log cluster (ZooKeeper + a broker) and one schema registry for all the tests of this JVM, started
 * on first use and closed when the JVM exits: starting them per class would cost more than the tests.
 */
public final class TestCluster {
  private static TestCluster instance;

  public final EmbeddedCluster cluster;
  public final RegistryServer registry;
  public final Path dir;

  private TestCluster(EmbeddedCluster cluster, RegistryServer registry, Path dir) {
    this.cluster = cluster;
    this.registry = registry;
    this.dir = dir;
  }

  public static synchronized TestCluster get() throws Exception {
    if (instance == null) {
      Path dir = Files.createTempDirectory("spark-jobs-cluster");
      EmbeddedCluster cluster = EmbeddedCluster.start(1, dir.resolve("cluster"));
      RegistryServer registry = new RegistryServer(new RegistryConfig(Map.of(
          RegistryConfig.LISTENERS, "http://127.0.0.1:0",
          RegistryConfig.BOOTSTRAP, cluster.bootstrapServers(),
          RegistryConfig.TOPIC_RF, "1"))).start();
      instance = new TestCluster(cluster, registry, dir);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          registry.close();
          cluster.close();
        } catch (Exception e) {
          // the JVM is exiting
        }
      }, "test-cluster-stop"));
    }
    return instance;
  }

  public String bootstrap() {
    return cluster.bootstrapServers();
  }

  public String registryUrl() {
    return registry.url();
  }

  public void createTopic(String topic, int partitions) throws Exception {
    cluster.createTopic(topic, partitions, 1, Map.of());
  }
}
