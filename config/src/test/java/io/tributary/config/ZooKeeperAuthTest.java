package io.tributary.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pure decisions of {@link ZooKeeperAuth}: which znodes are sensitive, the ACL of each, bad values named. */
class ZooKeeperAuthTest {
  private static final ZooKeeperAuth SECURE = ZooKeeperAuth.of("true", "tributary:secret");

  @ParameterizedTest
  @CsvSource({
      "/config/users, true",
      "/config/users/admin, true",
      "/kafka-acl/Topic/orders, true",
      "/kafka-acl-extended/prefixed/Topic/ord, true",
      "/kafka-acl-changes, true",
      "/delegation_token, true",
      "/config, false",
      "/config/topics/orders, false",
      "/config/usersx, false",
      "/brokers/ids/0, false",
      "/, false",
  })
  void sensitivePaths(String path, boolean sensitive) {
    assertEquals(sensitive, ZooKeeperAuth.sensitive(path), path);
  }

  @Test
  void theClusterMayDoAnythingAndAnyoneMayReadWhatIsNotSensitive() {
    ACL cluster = new ACL(ZooDefs.Perms.ALL, SECURE.id());
    assertEquals(List.of(cluster, new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE)), SECURE.aclFor("/brokers/ids/0"));
    assertEquals(List.of(cluster), SECURE.aclFor("/config/users/admin"));
    assertEquals("digest", SECURE.id().getScheme());
    assertTrue(SECURE.id().getId().startsWith("tributary:"), "digest:USER:BASE64(SHA1(USER:PASSWORD))");
    assertFalse(SECURE.id().getId().contains("secret"), "never the password itself");
  }

  @Test
  void withoutSetAclZnodesStayOpen() {
    assertEquals(ZooDefs.Ids.OPEN_ACL_UNSAFE, ZooKeeperAuth.NONE.aclFor("/config/users/admin"));
    assertEquals(ZooKeeperAuth.NONE, ZooKeeperAuth.from(Map.of()));
    ZooKeeperAuth loginOnly = ZooKeeperAuth.of("false", "u:p");
    assertTrue(loginOnly.logsIn());
    assertEquals(ZooDefs.Ids.OPEN_ACL_UNSAFE, loginOnly.aclFor("/brokers"));
  }

  @Test
  void badValuesAreNamed() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ZooKeeperAuth.of("yes", ""))
        .getMessage().contains("zookeeper.set.acl must be true or false"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ZooKeeperAuth.of("true", ""))
        .getMessage().contains("zookeeper.set.acl=true needs zookeeper.auth.digest"));
    for (String bad : List.of("nopassword", ":p", "u:")) {
      assertTrue(assertThrows(IllegalArgumentException.class, () -> ZooKeeperAuth.of("false", bad))
          .getMessage().contains("zookeeper.auth.digest must be USER:PASSWORD"), bad);
    }
    assertEquals("p:with:colons", ZooKeeperAuth.of("true", "u:p:with:colons").digestPassword());
    assertFalse(SECURE.toString().contains("secret"));
  }
}
