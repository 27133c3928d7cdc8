package io.tributary.registry.cluster;

import io.tributary.registry.RegistryServer;

/** Small waits and settings shared by the cluster tests. */
final class ClusterTesting {
  private ClusterTesting() {}

  /** Replication factor of {@code _schemas} in the 3-broker tests (override: {@code -Dregistry.test.rf=N}). */
  static String replicationFactor() {
    return System.getProperty("registry.test.rf", "3");
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
