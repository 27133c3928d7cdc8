package io.tributary.registry.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.embedded.BrokerRegistrations;
import io.tributary.testkit.BrokerProcess;
import io.tributary.testkit.ZooKeeperProcess;
import io.tributary.registry.RegistryConfig;
import io.tributary.registry.testing.Http;
import io.tributary.registry.testing.Schemas;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Everything in its own process: ZooKeeper, 3 brokers, a registry node. Register, delete, configure;
 * then {@code kill -9} all of them, restart them on the same directories, and check that every id
 * resolves to the same schema, the settings survived, and new ids continue above every old one
 * (including ids of permanently deleted schemas).
 */
class WholeRestartTest {
  static final Duration READY = Duration.ofSeconds(60);

  @Test
  void killEverythingAndRestart() throws Exception {
    Path dir = Files.createTempDirectory("registry-restart");
    List<BrokerProcess> brokers = new ArrayList<>();
    try (ZooKeeperProcess zk = ZooKeeperProcess.start(dir.resolve("zk"))) {
      zk.awaitReady(READY);
      for (int i = 0; i < 3; i++) {
        BrokerProcess b = new BrokerProcess(dir.resolve("broker-" + i), Map.of(
            "broker.id", Integer.toString(i), "zookeeper.connect", zk.connectString()));
        brokers.add(b);
        b.start();
      }
      for (BrokerProcess b : brokers) {
        b.awaitReady(READY);
      }
      BrokerRegistrations.awaitEachSeesAll(brokers.stream().map(BrokerProcess::port).toList(), READY);
      Map<String, String> conf = new HashMap<>();
      conf.put(RegistryConfig.LISTENERS, "http://127.0.0.1:0");
      conf.put(RegistryConfig.BOOTSTRAP, brokers.stream().map(BrokerProcess::bootstrap).collect(Collectors.joining(",")));
      conf.put(RegistryConfig.ZK_CONNECT, zk.connectString());
      conf.put(RegistryConfig.ZK_SESSION_TIMEOUT_MS, "4000");
      conf.put(RegistryConfig.TOPIC_RF, "3");

      Map<Integer, String> ids = new LinkedHashMap<>();
      int goneId;
      try (RegistryProcess r1 = RegistryProcess.start(dir.resolve("registry-1"), conf)) {
        Http h = new Http(r1.url());
        awaitPrimary(h, r1.url());
        for (int i = 0; i < 30; i++) {
          String s = Schemas.record("W" + i, Schemas.field("w", "long"));
          var r = h.post("/subjects/whole-" + (i % 5) + "/versions", Http.schemaBody(s));
          assertEquals(200, r.status(), r.body());
          ids.put(r.json().get("id").asInt(), s);
        }
        var gone = h.post("/subjects/gone/versions", Http.schemaBody(Schemas.record("Gone", Schemas.field("g", "int"))));
        goneId = gone.json().get("id").asInt();
        assertEquals(200, h.delete("/subjects/gone").status());
        assertEquals(200, h.delete("/subjects/gone?permanent=true").status());
        assertEquals(200, h.delete("/subjects/whole-4").status());
        assertEquals(200, h.put("/config/whole-0", "{\"compatibility\":\"FULL\"}").status());
        r1.kill();
      }
      for (BrokerProcess b : brokers) {
        b.kill9();
      }
      zk.kill9();

      zk.restart().awaitReady(READY);
      for (BrokerProcess b : brokers) {
        b.restart();
      }
      for (BrokerProcess b : brokers) {
        b.awaitReady(READY);
      }
      BrokerRegistrations.awaitEachSeesAll(brokers.stream().map(BrokerProcess::port).toList(), READY);
      try (RegistryProcess r2 = RegistryProcess.start(dir.resolve("registry-2"), conf)) {
        Http h = new Http(r2.url());
        for (Map.Entry<Integer, String> e : ids.entrySet()) {
          var r = h.get("/schemas/ids/" + e.getKey());
          assertEquals(200, r.status(), "id " + e.getKey() + ": " + r.body());
          assertEquals(e.getValue(), r.json().get("schema").asText());
        }
        assertEquals(404, h.get("/schemas/ids/" + goneId).status());
        assertEquals("FULL", h.get("/config/whole-0").json().get("compatibilityLevel").asText());
        assertEquals(404, h.get("/subjects/whole-4/versions").status());
        assertEquals(200, h.get("/subjects/whole-4/versions?deleted=true").status());
        awaitPrimary(h, r2.url());
        var r = h.post("/subjects/after/versions", Http.schemaBody(Schemas.record("After", Schemas.field("a", "int"))));
        assertEquals(200, r.status(), r.body());
        int max = Math.max(goneId, ids.keySet().stream().max(Integer::compare).orElseThrow());
        assertTrue(r.json().get("id").asInt() > max, "new id " + r.json().get("id") + " must be above " + max);
      }
    } finally {
      for (BrokerProcess b : brokers) {
        b.close();
      }
    }
  }

  static void awaitPrimary(Http h, String url) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (true) {
      var r = h.get("/tributary/primary");
      if (r.status() == 200 && url.equals(r.json().path("primary").asText(null))) {
        return;
      }
      assertTrue(System.currentTimeMillis() < deadline, url + " did not become primary");
      Thread.sleep(100);
    }
  }
}
