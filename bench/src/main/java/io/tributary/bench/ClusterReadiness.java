package io.tributary.bench;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** Waits until a freshly started cluster answers Metadata with all its brokers. */
final class ClusterReadiness {
  private ClusterReadiness() {}

  static void await(String system, String bootstrap, Map<String, String> clientConfig, int brokers, List<ChildJvm> children, long timeoutMs)
      throws BenchException, InterruptedException {
    Properties props = new Properties();
    props.putAll(clientConfig);
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "bench-readiness");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    String last = "no answer";
    try (Admin admin = Admin.create(props)) {
      while (System.nanoTime() < deadline) {
        for (ChildJvm c : children) {
          c.checkAlive();
        }
        try {
          int seen = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
          if (seen >= brokers) {
            return;
          }
          last = seen + " of " + brokers + " brokers in Metadata";
        } catch (ExecutionException | TimeoutException e) {
          last = ProduceConsumeBench.rootMessage(e);
        }
        Thread.sleep(250);
      }
    }
    StringBuilder logs = new StringBuilder();
    for (ChildJvm c : children) {
      logs.append("\n--- ").append(c.name()).append(" ---\n").append(c.tail(20));
    }
    throw new BenchException(system + " at " + bootstrap + " not ready within " + timeoutMs + " ms (" + last + ")" + logs);
  }
}
