package io.tributary.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.config.ZooKeeperAuth;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A registry node with {@code zookeeper.set.acl}: its election znodes belong to the cluster's ZooKeeper login. */
@Timeout(120)
class LeaderElectionAclTest {
  private static final ZooKeeperAuth AUTH = ZooKeeperAuth.of("true", "tributary:zk-secret");

  @Test
  void electionZnodesAreReadableByAnyoneAndChangeableByTheClusterOnly() throws Exception {
    try (TestingServer zk = new TestingServer(true);
        LeaderElection election = new LeaderElection(zk.getConnectString(), 10_000, AUTH, "registry_acl_test",
            "http://127.0.0.1:1", true, () -> { });
        CuratorFramework anonymous = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100))) {
      election.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!election.isPrimary() && System.nanoTime() < deadline) {
        Thread.sleep(50); // polling a flag with a bound, not synchronising on time
      }
      assertTrue(election.isPrimary(), "the only node becomes primary");
      anonymous.start();
      assertTrue(anonymous.blockUntilConnected(30, TimeUnit.SECONDS));
      List<String> latches = anonymous.getChildren().forPath("/registry_acl_test/leader");
      assertEquals(1, latches.size(), latches.toString());
      String latch = "/registry_acl_test/leader/" + latches.get(0);
      List<ACL> acl = anonymous.getACL().forPath(latch);
      // ZooKeeper shows a digest's hash to clients without ADMIN as "x": compare scheme, user and permissions.
      assertEquals(2, acl.size(), acl.toString());
      assertEquals(ZooDefs.Perms.ALL, acl.get(0).getPerms());
      assertEquals("digest", acl.get(0).getId().getScheme());
      assertTrue(acl.get(0).getId().getId().startsWith("tributary:"), acl.toString());
      assertEquals(new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE), acl.get(1));
      assertEquals("http://127.0.0.1:1", new String(anonymous.getData().forPath(latch)));
      assertThrows(KeeperException.NoAuthException.class, () -> anonymous.delete().forPath(latch));
      assertThrows(KeeperException.NoAuthException.class,
          () -> anonymous.create().forPath("/registry_acl_test/leader/_c_forged-latch-0000000000", new byte[0]));
    }
  }
}
