package io.tributary.registry;

import io.tributary.config.ZooKeeperAuth;
import io.tributary.registry.rest.Primary;
import java.io.Closeable;
import java.io.IOException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.leader.Participant;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One primary among the registry nodes, with Curator's {@link LeaderLatch}; each participant's id is
 * its advertised URL, so followers know where to forward writes. Nodes that are not eligible
 * ({@code leader.eligibility=false}) never join; they only read the participants.
 */
public final class LeaderElection implements Primary, Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

  private final CuratorFramework curator;
  private final LeaderLatch latch;
  private final String myUrl;
  private final boolean eligible;

  public LeaderElection(String zkConnect, int sessionTimeoutMs, String namespace, String myUrl, boolean eligible,
      Runnable onLeader) {
    this(zkConnect, sessionTimeoutMs, ZooKeeperAuth.NONE, namespace, myUrl, eligible, onLeader);
  }

  /** {@code zkAuth}: the cluster's ZooKeeper login and znode ACLs, shared with the brokers. */
  public LeaderElection(String zkConnect, int sessionTimeoutMs, ZooKeeperAuth zkAuth, String namespace, String myUrl,
      boolean eligible, Runnable onLeader) {
    this.myUrl = myUrl;
    this.curator = zkAuth.applyTo(CuratorFrameworkFactory.builder().connectString(zkConnect)
        .sessionTimeoutMs(sessionTimeoutMs).connectionTimeoutMs(Math.min(sessionTimeoutMs, 10_000))
        .retryPolicy(new ExponentialBackoffRetry(200, 10)), null).build();
    this.eligible = eligible;
    // an ineligible node never starts its latch: it only reads the participants to find the primary
    this.latch = new LeaderLatch(curator, "/" + namespace + "/leader", myUrl);
    this.latch.addListener(new LeaderLatchListener() {
      @Override
      public void isLeader() {
        LOG.info("This registry node ({}) is now the primary", myUrl);
        onLeader.run();
      }

      @Override
      public void notLeader() {
        LOG.info("This registry node ({}) is no longer the primary", myUrl);
      }
    });
  }

  public void start() throws Exception {
    curator.start();
    if (eligible) {
      latch.start();
    }
  }

  @Override
  public boolean isPrimary() {
    return eligible && latch.hasLeadership();
  }

  @Override
  public String primaryUrl() {
    if (isPrimary()) {
      return myUrl;
    }
    try {
      Participant p = latch.getLeader();
      if (p != null && p.isLeader() && !p.getId().isEmpty()) {
        return p.getId();
      }
    } catch (Exception e) {
      LOG.debug("Cannot read the leader latch", e);
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    try {
      if (eligible) {
        latch.close(LeaderLatch.CloseMode.NOTIFY_LEADER);
      }
    } finally {
      curator.close();
    }
  }
}
