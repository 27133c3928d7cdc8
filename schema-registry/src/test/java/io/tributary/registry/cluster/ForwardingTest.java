package io.tributary.registry.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.registry.RegistryConfig;
import io.tributary.registry.RegistryServer;
import io.tributary.registry.testing.Http;
import io.tributary.registry.testing.Schemas;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A primary and a node that may not become primary ({@code leader.eligibility=false}) on one log
 * cluster: every write sent to the follower is forwarded, and the follower then reads its own write.
 */
class ForwardingTest {
  @Test
  void followerForwardsWritesAndReadsItsOwnWrites() throws Exception {
    try (EmbeddedCluster cluster = EmbeddedCluster.start(1, Files.createTempDirectory("registry-fwd"))) {
      Map<String, String> base = new HashMap<>();
      base.put(RegistryConfig.LISTENERS, "http://127.0.0.1:0");
      base.put(RegistryConfig.BOOTSTRAP, cluster.bootstrapServers());
      base.put(RegistryConfig.ZK_CONNECT, cluster.zookeeperConnect());
      base.put(RegistryConfig.TOPIC_RF, "1");
      Map<String, String> followerConf = new HashMap<>(base);
      followerConf.put(RegistryConfig.LEADER_ELIGIBILITY, "false");
      try (RegistryServer primary = new RegistryServer(new RegistryConfig(base)).start();
          RegistryServer follower = new RegistryServer(new RegistryConfig(followerConf)).start()) {
        ClusterTesting.awaitPrimary(primary);
        assertFalse(follower.isPrimary());
        Http f = new Http(follower.url());
        assertEquals(primary.url(), f.get("/tributary/primary").json().get("primary").asText());
        for (int i = 0; i < 20; i++) {
          String schema = Schemas.record("Fwd" + i, Schemas.field("f", "string"));
          var r = f.post("/subjects/fwd-" + i + "/versions", Http.schemaBody(schema));
          assertEquals(200, r.status(), r.body());
          int id = r.json().get("id").asInt();
          // read-your-writes on the follower, with no wait in between
          assertEquals(200, f.get("/schemas/ids/" + id).status());
          assertEquals(id, f.get("/subjects/fwd-" + i + "/versions/latest").json().get("id").asInt());
        }
        assertEquals(200, f.put("/config/fwd-0", "{\"compatibility\":\"NONE\"}").status());
        assertEquals("NONE", f.get("/config/fwd-0").json().get("compatibilityLevel").asText());
        assertEquals(200, f.put("/mode/fwd-1", "{\"mode\":\"READONLY\"}").status());
        assertEquals("READONLY", f.get("/mode/fwd-1").json().get("mode").asText());
        assertEquals("[1]", f.delete("/subjects/fwd-2").body());
        assertTrue(f.get("/subjects/fwd-2/versions").status() == 404);
        // errors of the primary come back unchanged
        var bad = f.post("/subjects/fwd-1/versions", Http.schemaBody(Schemas.record("X", Schemas.field("x", "int"))));
        assertEquals(422, bad.status());
        assertEquals(42205, bad.errorCode());
      }
    }
  }
}
