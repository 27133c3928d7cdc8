package io.tributary.log.cluster;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;

/** What the store tests run against: a real ZooKeeper (Curator's TestingServer), a client, and a ClusterStore laid out. */
final class ZooKeeperStore implements AutoCloseable {
  final TestingServer server;
  final CuratorFramework zk;
  final ClusterStore store;

  private ZooKeeperStore(TestingServer server, CuratorFramework zk, ClusterStore store) {
    this.server = server;
    this.zk = zk;
    this.store = store;
  }

  static ZooKeeperStore start() throws Exception {
    TestingServer server = new TestingServer(true);
    CuratorFramework zk = CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(100));
    zk.start();
    ClusterStore store = new ClusterStore(zk);
    store.ensureLayout();
    return new ZooKeeperStore(server, zk, store);
  }

  @Override
  public void close() throws Exception {
    zk.close();
    server.close();
  }
}
