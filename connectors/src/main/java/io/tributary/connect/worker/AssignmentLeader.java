package io.tributary.connect.worker;

import io.tributary.connect.worker.ClusterLayout.Assignment;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every worker takes part in a {@link LeaderLatch}; the leader computes the assignment ({@link Assignor}) from
 * the live workers and the stored pipelines whenever either changes, and writes it to {@code /assignment}
 * (compare-and-set on the node's version). The assignment only says who should run what: who actually runs a
 * pipeline is decided by the ephemeral owner node, so a stale or doubled leader can delay a handover but never
 * make two workers run one pipeline.
 */
final class AssignmentLeader implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(AssignmentLeader.class);

  static final long TICK_MS = 2000;

  private final CuratorFramework zk;
  private final String workerId;
  private final LeaderLatch latch;
  private final ScheduledExecutorService executor;
  private final AtomicBoolean pending = new AtomicBoolean();

  AssignmentLeader(CuratorFramework zk, String workerId) {
    this.zk = zk;
    this.workerId = workerId;
    this.latch = new LeaderLatch(zk, ClusterLayout.LEADER, workerId);
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "connect-leader-" + workerId);
      t.setDaemon(true);
      return t;
    });
  }

  void start() throws Exception {
    latch.addListener(new LeaderLatchListener() {
      @Override
      public void isLeader() {
        LOG.info("worker {}: leader of the cluster: assigning pipelines", workerId);
        changed();
      }

      @Override
      public void notLeader() {
        LOG.info("worker {}: no longer the leader", workerId);
      }
    });
    latch.start();
    // a write that failed (connection loss) is retried even if nothing else changes
    executor.scheduleWithFixedDelay(this::changed, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
  }

  boolean isLeader() {
    return latch.hasLeadership();
  }

  /** Workers or pipelines changed: recompute (coalesced; runs on the leader's thread). */
  void changed() {
    if (!executor.isShutdown() && pending.compareAndSet(false, true)) {
      try {
        executor.execute(this::recompute);
      } catch (RejectedExecutionException closing) {
        pending.set(false);
      }
    }
  }

  private void recompute() {
    pending.set(false);
    try {
      if (latch.hasLeadership()) {
        reassign();
      }
    } catch (Exception e) {
      LOG.warn("worker {}: could not write the assignment (retried on the next change or tick): {}", workerId,
          e.toString());
    }
  }

  private void reassign() throws Exception {
    while (latch.hasLeadership()) {
      List<String> workers = children(ClusterLayout.WORKERS);
      List<String> pipelines = children(ClusterLayout.PIPELINES);
      Stat stat = new Stat();
      Assignment previous;
      try {
        previous = ClusterLayout.fromJson(zk.getData().storingStatIn(stat).forPath(ClusterLayout.ASSIGNMENT),
            Assignment.class, ClusterLayout.ASSIGNMENT);
      } catch (KeeperException.NoNodeException e) {
        previous = null;
      }
      Map<String, String> next = Assignor.assign(workers, pipelines, previous == null ? Map.of() : previous.pipelines());
      if (previous != null && previous.pipelines().equals(next) && workerId.equals(previous.leader())) {
        return;
      }
      Assignment a = new Assignment(previous == null ? 1 : previous.generation() + 1, workerId, next);
      try {
        if (previous == null) {
          zk.create().creatingParentContainersIfNeeded().forPath(ClusterLayout.ASSIGNMENT, ClusterLayout.toJson(a));
        } else {
          zk.setData().withVersion(stat.getVersion()).forPath(ClusterLayout.ASSIGNMENT, ClusterLayout.toJson(a));
        }
        LOG.info("worker {}: assignment {}: {} (workers {})", workerId, a.generation(), next, workers);
        return;
      } catch (KeeperException.NodeExistsException | KeeperException.BadVersionException raced) {
        // written meanwhile (a previous leader): read it again
      }
    }
  }

  private List<String> children(String path) throws Exception {
    try {
      return zk.getChildren().forPath(path);
    } catch (KeeperException.NoNodeException e) {
      return List.of();
    }
  }

  @Override
  public void close() throws IOException {
    executor.shutdown();
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      latch.close();
    } catch (IllegalStateException notStarted) {
      // never started
    }
  }
}
