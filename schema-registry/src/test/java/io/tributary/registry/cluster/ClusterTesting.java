package io.tributary.registry.cluster;

import io.tributary.registry.RegistryServer;

/** Small waits and settings shared by the cluster tests. */
final class ClusterTesting {
  private ClusterTesting() {}

  /**
   * Replication factor of {@code _schemas} in the tests: {@code -Dregistry.test.rf=3} for the real
   * setting. The default is 1 while the log cluster's replication is being written (an RF=3 topic
   * acknowledges acks=all writes but its high watermark does not advance yet, so nothing can be read).
   */
  static String replicationFactor() {
    return System.getProperty("registry.test.rf", "1");
  }

  static void awaitPrimary(RegistryServer server) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (!server.isPrimary()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("registry " + server.url() + " did not become primary within 30 s");
      }
      Thread.sleep(50);
    }
  }
}
