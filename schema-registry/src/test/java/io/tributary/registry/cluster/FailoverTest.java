package io.tributary.registry.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.registry.RegistryConfig;
import io.tributary.registry.store.RegistryState;
import io.tributary.registry.testing.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two registry nodes in child JVMs on a real log cluster. A client registers schemas in a loop through
 * both nodes while the primary is killed with {@code kill -9}; the other node becomes primary, every
 * acknowledged id still resolves to its schema, no id names two schemas, and the ids survive a restart
 * of the brokers and of the registry.
 */
class FailoverTest {
  private static final Logger LOG = LoggerFactory.getLogger(FailoverTest.class);

  static String schema(int i) {
    return "{\"type\":\"record\",\"name\":\"F" + i + "\",\"namespace\":\"failover\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}";
  }

  static Map<String, String> nodeConfig(EmbeddedCluster cluster) {
    Map<String, String> c = new HashMap<>();
    c.put(RegistryConfig.LISTENERS, "http://127.0.0.1:0");
    c.put(RegistryConfig.BOOTSTRAP, cluster.bootstrapServers());
    c.put(RegistryConfig.ZK_CONNECT, cluster.zookeeperConnect());
    c.put(RegistryConfig.ZK_SESSION_TIMEOUT_MS, "4000");
    c.put(RegistryConfig.TOPIC_RF, ClusterTesting.replicationFactor());
    return c;
  }

  static String primaryOf(Http node) {
    var r = node.get("/tributary/primary");
    return r.status() == 200 && r.json().hasNonNull("primary") ? r.json().get("primary").asText() : null;
  }

  @Test
  void killPrimaryWhileRegistering() throws Exception {
    Path dir = Files.createTempDirectory("registry-failover");
    try (EmbeddedCluster cluster = EmbeddedCluster.start(3, dir.resolve("cluster"))) {
      Map<Integer, String> acked = new LinkedHashMap<>();
      RegistryProcess a = RegistryProcess.start(dir.resolve("a"), nodeConfig(cluster));
      RegistryProcess b = RegistryProcess.start(dir.resolve("b"), nodeConfig(cluster));
      try {
        Http ha = new Http(a.url());
        Http hb = new Http(b.url());
        long deadline = System.currentTimeMillis() + 30_000;
        while (primaryOf(ha) == null || !primaryOf(ha).equals(primaryOf(hb))) {
          assertTrue(System.currentTimeMillis() < deadline, "no agreed primary");
          Thread.sleep(100);
        }
        String primaryUrl = primaryOf(ha);
        RegistryProcess primary = primaryUrl.equals(a.url()) ? a : b;
        RegistryProcess survivor = primary == a ? b : a;
        LOG.info("primary {} (pid {}), survivor {}", primary.url(), primary.pid(), survivor.url());

        AtomicBoolean stop = new AtomicBoolean();
        int[] failures = new int[1];
        Thread client = new Thread(() -> {
          List<Http> nodes = List.of(ha, hb);
          for (int i = 0; !stop.get() && i < 100_000; i++) {
            String body = Http.schemaBody(schema(i));
            String subject = "failover-" + (i % 7);
            for (int attempt = 0; !stop.get(); attempt++) {
              Http node = nodes.get((i + attempt) % 2);
              try {
                var r = node.post("/subjects/" + subject + "/versions", body);
                if (r.status() == 200) {
                  int id = r.json().get("id").asInt();
                  synchronized (acked) {
                    String prev = acked.put(id, schema(i));
                    if (prev != null && !prev.equals(schema(i))) {
                      throw new AssertionError("id " + id + " given to two schemas");
                    }
                  }
                  break;
                }
                failures[0]++;
              } catch (RuntimeException e) {
                failures[0]++;
              }
              try {
                Thread.sleep(50);
              } catch (InterruptedException e) {
                return;
              }
            }
          }
        }, "register-loop");
        client.start();
        Thread.sleep(3000);
        int before;
        synchronized (acked) {
          before = acked.size();
        }
        LOG.info("kill -9 primary {} after {} registrations", primary.url(), before);
        primary.kill();
        Http hs = new Http(survivor.url());
        deadline = System.currentTimeMillis() + 60_000;
        while (!survivor.url().equals(primaryOf(hs))) {
          assertTrue(System.currentTimeMillis() < deadline, "survivor did not become primary");
          Thread.sleep(100);
        }
        int atTakeover;
        synchronized (acked) {
          atTakeover = acked.size();
        }
        deadline = System.currentTimeMillis() + 60_000;
        while (true) {
          synchronized (acked) {
            if (acked.size() >= atTakeover + 50) {
              break;
            }
          }
          assertTrue(System.currentTimeMillis() < deadline, "registrations did not resume on the new primary");
          Thread.sleep(100);
        }
        stop.set(true);
        client.join(30_000);
        LOG.info("{} acknowledged registrations ({} before the kill), {} failed attempts",
            acked.size(), before, failures[0]);
        assertTrue(before > 0, "nothing registered before the kill");
        assertAllResolve(hs, acked);
        survivor.close();

        // whole restart: brokers on the same log dirs, then a fresh registry node
        for (int id = 0; id < cluster.size(); id++) {
          cluster.stopBroker(id);
        }
        for (int id = 0; id < cluster.size(); id++) {
          cluster.startBroker(id);
        }
        try (RegistryProcess again = RegistryProcess.start(dir.resolve("c"), nodeConfig(cluster))) {
          Http hc = new Http(again.url());
          assertAllResolve(hc, acked);
          int maxAcked = acked.keySet().stream().max(Integer::compare).orElseThrow();
          deadline = System.currentTimeMillis() + 30_000;
          while (!again.url().equals(primaryOf(hc))) {
            assertTrue(System.currentTimeMillis() < deadline, "restarted node did not become primary");
            Thread.sleep(100);
          }
          var r = hc.post("/subjects/after-restart/versions", Http.schemaBody(schema(999_999)));
          assertEquals(200, r.status(), r.body());
          assertTrue(r.json().get("id").asInt() > maxAcked, "ids must continue after the largest acknowledged id");
        }
      } finally {
        a.close();
        b.close();
      }
    }
  }

  static void assertAllResolve(Http node, Map<Integer, String> acked) {
    Map<String, Integer> bySchema = new HashMap<>();
    synchronized (acked) {
      for (Map.Entry<Integer, String> e : acked.entrySet()) {
        var r = node.get("/schemas/ids/" + e.getKey());
        assertEquals(200, r.status(), "id " + e.getKey() + ": " + r.body());
        String canonical = RegistryState.parse(e.getValue()).toString();
        assertEquals(canonical, r.json().get("schema").asText(), "id " + e.getKey());
        Integer other = bySchema.put(canonical, e.getKey());
        if (other != null) {
          assertEquals(other, e.getKey(), "one schema, two ids");
        }
      }
    }
    assertNotEquals(0, acked.size());
  }
}
