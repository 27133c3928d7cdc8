package io.tributary.log.cluster;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster controller: one broker, elected with Curator's {@link LeaderLatch}, that moves partition
 * leadership when brokers come and go. Each controller term has an epoch stored in ZooKeeper and every
 * write checks it in the same transaction, so a deposed controller's writes are refused.
 *
 * <p>What it does, on every metadata change while it is the controller:
 * <ul>
 *   <li>a partition whose leader is not live gets a new leader from its live in-sync replicas (first in
 *       replica order), with the leader epoch bumped and dead replicas dropped from the ISR; with no
 *       live in-sync replica it goes offline (leader -1, ISR kept) — no unclean election;
 *   <li>an offline partition gets its leader back as soon as an in-sync replica is live again;
 *   <li>dead followers are removed from the ISR at once, so acks=all does not wait for them;
 *   <li>a partition being reassigned switches to its target replicas once they are all in sync
 *       ({@link ReassignmentStep});
 *   <li>periodically, leadership moves back to the preferred replica (the first assigned one) once it
 *       is live and in sync, for the brokers whose share of partitions led elsewhere is above
 *       {@code leader.imbalance.per.broker.percentage} ({@code auto.leader.rebalance.enable}, {@link LeaderImbalance});
 *   <li>on request (ElectLeaders), preferred or unclean elections ({@link RequestedElection}).
 * </ul>
 */
public final class Controller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Controller.class);

  private final CuratorFramework zk;
  private final ClusterStore store;
  private final MetadataCache metadata;
  private final int brokerId;
  private final boolean autoRebalance;
  private final long rebalanceIntervalMs;
  private final int imbalancePercentage;
  private final ScheduledExecutorService executor;
  private LeaderLatch latch;
  private volatile boolean active;
  private int epoch;
  private int epochZkVersion;
  /** Counts election wins and losses (on the executor thread): a retry scheduled in an earlier term is dropped. */
  private int leadershipTerm;

  public Controller(CuratorFramework zk, ClusterStore store, MetadataCache metadata, int brokerId,
      boolean autoRebalance, long rebalanceIntervalMs, int imbalancePercentage) {
    this.zk = zk;
    this.store = store;
    this.metadata = metadata;
    this.brokerId = brokerId;
    this.autoRebalance = autoRebalance;
    this.rebalanceIntervalMs = rebalanceIntervalMs;
    this.imbalancePercentage = imbalancePercentage;
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "controller-" + brokerId);
      t.setDaemon(true);
      return t;
    });
  }

  public void start() throws Exception {
    latch = new LeaderLatch(zk, ZkPaths.CONTROLLER, Integer.toString(brokerId));
    latch.addListener(new LeaderLatchListener() {
      @Override
      public void isLeader() {
        executor.execute(() -> activate(++leadershipTerm, ActivationBackoff.FIRST_RETRY_MS));
      }

      @Override
      public void notLeader() {
        executor.execute(() -> {
          leadershipTerm++;
          deactivate();
        });
      }
    });
    metadata.addListener(image -> {
      if (active) {
        executor.execute(() -> reconcile(image));
      }
    });
    if (autoRebalance) {
      executor.scheduleWithFixedDelay(this::autoLeaderRebalance, rebalanceIntervalMs, rebalanceIntervalMs, TimeUnit.MILLISECONDS);
    }
    latch.start();
  }

  public boolean isActive() {
    return active;
  }

  /**
   * Starts this broker's controller epoch after it won the election. A failure (a ZooKeeper error, a damaged
   * {@code /controller_epoch}) is retried with a bounded backoff for as long as this broker holds the
   * election: giving up would leave the cluster with no active controller and nobody to retry.
   */
  private void activate(int term, long retryInMs) {
    if (term != leadershipTerm || active) {
      return; // the election was lost (or lost and won again) since this attempt was scheduled
    }
    try {
      int[] bumped = store.bumpControllerEpoch(brokerId);
      epoch = bumped[0];
      epochZkVersion = bumped[1];
      active = true;
      log.info("broker {} is the controller (epoch {})", brokerId, epoch);
      reconcile(metadata.image());
    } catch (Exception e) {
      log.error("broker {} won the controller election but could not start its epoch; retrying in {} ms", brokerId,
          retryInMs, e);
      try {
        executor.schedule(() -> activate(term, ActivationBackoff.next(retryInMs)), retryInMs, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closing) {
        // The broker is stopping: the next controller starts its own epoch.
      }
    }
  }

  /** The waits between attempts to start a controller epoch: doubling from 100 ms, at most 5 s. */
  static final class ActivationBackoff {
    static final long FIRST_RETRY_MS = 100;
    static final long MAX_RETRY_MS = 5_000;

    private ActivationBackoff() {}

    static long next(long retryMs) {
      return Math.min(retryMs * 2, MAX_RETRY_MS);
    }
  }

  private void deactivate() {
    if (active) {
      log.info("broker {} is no longer the controller (epoch {})", brokerId, epoch);
    }
    active = false;
  }

  /** Elects leaders where needed and drops dead replicas from ISRs. */
  void reconcile(ClusterImage image) {
    if (!active) {
      return;
    }
    for (Map.Entry<TopicPartition, PartitionState> e : image.partitions().entrySet()) {
      TopicPartition tp = e.getKey();
      PartitionState state = e.getValue();
      List<Integer> replicas = image.topics().get(tp.topic()).replicas().get(tp.partition());
      if (replicas == null) {
        continue;
      }
      PartitionState next = PartitionElection.onMetadataChange(state, replicas, image.brokers().keySet(), epoch);
      if (next != null) {
        write(tp, state, next, "broker change");
      }
    }
    ReassignmentCompletion.run(image, store, epoch, epochZkVersion);
  }

  /** Moves leadership back to preferred replicas on the brokers whose leader imbalance is above the percentage. */
  private void autoLeaderRebalance() {
    if (!active) {
      return;
    }
    ClusterImage image = metadata.image();
    Map<TopicPartition, List<Integer>> assignments = assignments(image);
    Set<Integer> live = image.brokers().keySet();
    for (TopicPartition tp : LeaderImbalance.partitionsToMoveBack(assignments, image.partitions(), live, imbalancePercentage)) {
      PartitionState current = image.partitions().get(tp);
      RequestedElection.Outcome o = RequestedElection.decide(ElectionType.PREFERRED, tp.toString(), current,
          assignments.get(tp), live, epoch);
      if (o.next() != null) {
        write(tp, current, o.next(), "auto leader rebalance");
      }
    }
  }

  /**
   * Runs the elections asked for with ElectLeaders ({@code partitions} null = every partition) on the controller's
   * thread, then completes once this broker's metadata shows every new leader, or after {@code timeoutMs}; a
   * partition whose new leader is not seen by then gets REQUEST_TIMED_OUT. Fails with NOT_CONTROLLER when this
   * broker is not the active controller.
   */
  public CompletableFuture<Map<TopicPartition, RequestedElection.Outcome>> electLeaders(ElectionType type,
      Set<TopicPartition> partitions, long timeoutMs) {
    CompletableFuture<Map<TopicPartition, RequestedElection.Outcome>> decided = new CompletableFuture<>();
    try {
      executor.execute(() -> {
        if (!active) {
          decided.completeExceptionally(new NotControllerException("broker " + brokerId + " is not the controller"));
          return;
        }
        decided.complete(runElections(type, partitions));
      });
    } catch (RejectedExecutionException closing) {
      decided.completeExceptionally(new NotControllerException("broker " + brokerId + " is stopping"));
    }
    return decided.thenCompose(outcomes -> metadata.whenImage(image -> outcomes.entrySet().stream()
            .allMatch(e -> ElectionsSeen.shows(image, e.getKey(), e.getValue())), timeoutMs)
        .thenApply(seen -> ElectionsSeen.timedOutUnlessShown(metadata.image(), outcomes)));
  }

  private Map<TopicPartition, RequestedElection.Outcome> runElections(ElectionType type, Set<TopicPartition> asked) {
    ClusterImage image = metadata.image();
    Map<TopicPartition, List<Integer>> assignments = assignments(image);
    Set<TopicPartition> partitions = asked != null ? asked : new HashSet<>(assignments.keySet());
    Map<TopicPartition, RequestedElection.Outcome> outcomes = new LinkedHashMap<>();
    for (TopicPartition tp : partitions) {
      PartitionState current = image.partitions().get(tp);
      RequestedElection.Outcome o = RequestedElection.decide(type, tp.toString(), current, assignments.get(tp),
          image.brokers().keySet(), epoch);
      if (o.error() == Errors.PREFERRED_LEADER_NOT_AVAILABLE || o.error() == Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE) {
        // A refusal read from the cache may be stale (an ISR expansion that other brokers already show, CI caught
        // it): ZooKeeper decides before the caller is told no.
        try {
          current = store.readPartitionState(tp);
          o = RequestedElection.decide(type, tp.toString(), current, assignments.get(tp), image.brokers().keySet(), epoch);
        } catch (Exception e) {
          log.debug("could not re-read the state of {} after a refused election: {}", tp, e.toString());
        }
      }
      // The cached state may be behind ZooKeeper (an ISR change): read it again and decide again.
      for (int attempt = 0; o.next() != null && attempt < MAX_ELECTION_WRITE_ATTEMPTS; attempt++) {
        if (write(tp, current, o.next(), type + " election requested") != null) {
          break;
        }
        try {
          current = store.readPartitionState(tp);
        } catch (Exception e) {
          o = new RequestedElection.Outcome(null, Errors.forException(e), "could not read the state of " + tp + ": " + e);
          break;
        }
        o = RequestedElection.decide(type, tp.toString(), current, assignments.get(tp), image.brokers().keySet(), epoch);
        if (attempt == MAX_ELECTION_WRITE_ATTEMPTS - 1 && o.next() != null) {
          o = new RequestedElection.Outcome(null, active ? Errors.UNKNOWN_SERVER_ERROR : Errors.NOT_CONTROLLER,
              "the state of " + tp + " kept changing during the election");
        }
      }
      outcomes.put(tp, o);
    }
    return outcomes;
  }

  /** Attempts to write one requested election before giving up on a partition whose state keeps changing. */
  private static final int MAX_ELECTION_WRITE_ATTEMPTS = 3;

  /** Each partition's replicas (first = preferred leader). */
  private static Map<TopicPartition, List<Integer>> assignments(ClusterImage image) {
    Map<TopicPartition, List<Integer>> out = new LinkedHashMap<>();
    for (TopicInfo topic : image.topics().values()) {
      topic.replicas().forEach((p, replicas) -> out.put(new TopicPartition(topic.name(), p), replicas));
    }
    return out;
  }

  /** Writes a partition's new state; returns it as written, or null when refused or failed. */
  private PartitionState write(TopicPartition tp, PartitionState current, PartitionState next, String why) {
    try {
      PartitionState written = store.updatePartitionStateAsController(tp, current, next, epochZkVersion);
      if (written == null) {
        // Either the state changed (the next metadata event brings it) or we are deposed.
        log.debug("controller write for {} refused ({}): state or controller epoch changed", tp, why);
        return null;
      }
      log.info("{}: leader {} -> {}, epoch {} -> {}, ISR {} -> {} ({})", tp, current.leader(), next.leader(),
          current.leaderEpoch(), next.leaderEpoch(), current.isr(), next.isr(), why);
      return written;
    } catch (Exception e) {
      if (!active) {
        // Closing (the broker is stopping): the next controller redoes this write.
        log.debug("controller closing; did not write the state of {}: {}", tp, e.toString());
        return null;
      }
      log.warn("controller could not write the state of {}: {}", tp, e.toString());
      return null;
    }
  }

  /** The controllers' election rules: pure functions of a partition's state and the live brokers. */
  public static final class PartitionElection {
    private PartitionElection() {}

    /** The new state after brokers came or went, or null when nothing changes. */
    public static PartitionState onMetadataChange(PartitionState s, List<Integer> replicas, Set<Integer> live, int controllerEpoch) {
      boolean leaderLive = s.leader() >= 0 && live.contains(s.leader());
      List<Integer> liveIsr = new ArrayList<>();
      for (int r : replicas) {
        if (s.isr().contains(r) && live.contains(r)) {
          liveIsr.add(r);
        }
      }
      if (!leaderLive) {
        if (liveIsr.isEmpty()) {
          if (s.leader() < 0) {
            return null; // already offline
          }
          // Offline, not unclean: keep the ISR so that one of them, back, leads again.
          return new PartitionState(-1, s.leaderEpoch() + 1, s.isr(), controllerEpoch, s.zkVersion());
        }
        return new PartitionState(liveIsr.get(0), s.leaderEpoch() + 1, liveIsr, controllerEpoch, s.zkVersion());
      }
      List<Integer> isr = new ArrayList<>();
      for (int r : s.isr()) {
        if (live.contains(r)) {
          isr.add(r);
        }
      }
      if (isr.size() < s.isr().size()) {
        return new PartitionState(s.leader(), s.leaderEpoch(), isr, controllerEpoch, s.zkVersion());
      }
      return null;
    }

    /** Leadership back to the preferred replica when it is live and in sync, or null. */
    public static PartitionState preferredLeader(PartitionState s, List<Integer> replicas, Set<Integer> live, int controllerEpoch) {
      int preferred = replicas.get(0);
      if (s.leader() == preferred || !live.contains(preferred) || !s.isr().contains(preferred) || s.leader() < 0) {
        return null;
      }
      return new PartitionState(preferred, s.leaderEpoch() + 1, s.isr(), controllerEpoch, s.zkVersion());
    }
  }

  @Override
  public void close() {
    active = false;
    executor.shutdownNow();
    if (latch != null) {
      try {
        latch.close(LeaderLatch.CloseMode.SILENT);
      } catch (Exception e) {
        log.debug("closing the controller latch", e);
      }
    }
  }
}
