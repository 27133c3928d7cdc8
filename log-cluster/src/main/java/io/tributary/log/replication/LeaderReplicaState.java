package io.tributary.log.replication;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The leader's view of one partition's replication, as a pure state machine (Kafka's ISR model): no
 * threads, clocks, files or sockets. Inputs come in as calls (time included); each returns an
 * {@link Outcome} saying whether the high watermark moved and whether an ISR change should be
 * written to ZooKeeper. The caller does the I/O and reports back with {@link #onIsrCommitted}.
 *
 * <p>Rules:
 * <ul>
 *   <li>The high watermark is the smallest log end offset over the <em>maximal</em> ISR: the
 *       committed ISR plus a pending expansion. A pending shrink keeps counting the leaving
 *       replica until ZooKeeper has it, so the high watermark never gets ahead of what a
 *       later-elected leader is guaranteed to have.
 *   <li>A follower is caught up when it fetches at or beyond the leader's log end, or at or beyond
 *       the log end the leader had at its previous fetch (then it was caught up at that fetch).
 *   <li>An ISR follower not caught up for {@code lagTimeMaxMs} is proposed for removal; a replica
 *       whose log end reaches the high watermark (and the current epoch's start) is proposed for
 *       addition. One ISR change is pending at a time.
 *   <li>Invariants, checked: the high watermark never decreases and never passes the leader's log end.
 * </ul>
 */
public final class LeaderReplicaState {

  /** What a step changed. {@code proposedIsr} is present when an ISR change should be written. */
  public record Outcome(boolean highWatermarkAdvanced, long highWatermark, Optional<List<Integer>> proposedIsr) {}

  private static final class Follower {
    long logEndOffset = -1;
    long lastCaughtUpTimeMs;
    long lastFetchTimeMs;
    long leaderEndOffsetAtLastFetch = -1;
  }

  private final int leaderId;
  private final int leaderEpoch;
  private final long epochStartOffset;
  private final long lagTimeMaxMs;
  private final Map<Integer, Follower> followers = new TreeMap<>();
  private List<Integer> isr;
  private List<Integer> pendingIsr;
  private long leaderEndOffset;
  private long highWatermark;

  /**
   * @param replicas every replica of the partition, the leader included
   * @param isr the committed ISR as read from ZooKeeper
   * @param leaderEndOffset the leader's log end when it became leader (the epoch's start offset)
   * @param highWatermark the high watermark known when becoming leader (never more than the log end)
   */
  public LeaderReplicaState(int leaderId, int leaderEpoch, List<Integer> replicas, List<Integer> isr,
      long leaderEndOffset, long highWatermark, long nowMs, long lagTimeMaxMs) {
    if (highWatermark > leaderEndOffset) {
      throw new IllegalArgumentException("high watermark " + highWatermark + " beyond log end " + leaderEndOffset);
    }
    this.leaderId = leaderId;
    this.leaderEpoch = leaderEpoch;
    this.epochStartOffset = leaderEndOffset;
    this.lagTimeMaxMs = lagTimeMaxMs;
    this.leaderEndOffset = leaderEndOffset;
    this.highWatermark = highWatermark;
    this.isr = withLeader(isr);
    for (int r : replicas) {
      if (r != leaderId) {
        Follower f = new Follower();
        // Followers get a full lag period to show up after a leadership change.
        f.lastCaughtUpTimeMs = nowMs;
        followers.put(r, f);
      }
    }
  }

  private List<Integer> withLeader(List<Integer> ids) {
    Set<Integer> set = new LinkedHashSet<>();
    set.add(leaderId);
    set.addAll(ids);
    return List.copyOf(set);
  }

  public int leaderEpoch() {
    return leaderEpoch;
  }

  public long highWatermark() {
    return highWatermark;
  }

  public long leaderEndOffset() {
    return leaderEndOffset;
  }

  /** The committed ISR (what ZooKeeper holds). */
  public List<Integer> isr() {
    return isr;
  }

  public Optional<List<Integer>> pendingIsr() {
    return Optional.ofNullable(pendingIsr);
  }

  /** The replicas the high watermark waits for: the committed ISR plus a pending addition. */
  public List<Integer> maximalIsr() {
    if (pendingIsr == null) {
      return isr;
    }
    Set<Integer> union = new LinkedHashSet<>(isr);
    union.addAll(pendingIsr);
    return List.copyOf(union);
  }

  public long followerEndOffset(int replicaId) {
    Follower f = followers.get(replicaId);
    return f == null ? -1 : f.logEndOffset;
  }

  /** The leader appended; its log now ends at {@code logEndOffset}. */
  public Outcome onLeaderAppend(long logEndOffset) {
    if (logEndOffset < leaderEndOffset) {
      throw new IllegalStateException("leader log end went back from " + leaderEndOffset + " to " + logEndOffset);
    }
    leaderEndOffset = logEndOffset;
    return advance(Optional.empty());
  }

  /** A follower fetched from {@code fetchOffset}: it has everything before it. */
  public Outcome onFollowerFetch(int replicaId, long fetchOffset, long nowMs) {
    Follower f = followers.get(replicaId);
    if (f == null) {
      return new Outcome(false, highWatermark, Optional.empty());
    }
    if (fetchOffset >= leaderEndOffset) {
      f.lastCaughtUpTimeMs = nowMs;
    } else if (fetchOffset >= f.leaderEndOffsetAtLastFetch && f.leaderEndOffsetAtLastFetch >= 0) {
      f.lastCaughtUpTimeMs = Math.max(f.lastCaughtUpTimeMs, f.lastFetchTimeMs);
    }
    f.leaderEndOffsetAtLastFetch = leaderEndOffset;
    f.lastFetchTimeMs = nowMs;
    f.logEndOffset = Math.min(fetchOffset, leaderEndOffset);
    Optional<List<Integer>> proposal = Optional.empty();
    if (pendingIsr == null && !isr.contains(replicaId) && f.logEndOffset >= highWatermark && f.logEndOffset >= epochStartOffset) {
      List<Integer> expanded = new ArrayList<>(isr);
      expanded.add(replicaId);
      pendingIsr = List.copyOf(expanded);
      proposal = Optional.of(pendingIsr);
    }
    return advance(proposal);
  }

  /** Time passes: followers lagging longer than the limit are proposed for removal from the ISR. */
  public Outcome onTick(long nowMs) {
    Optional<List<Integer>> proposal = Optional.empty();
    if (pendingIsr == null) {
      List<Integer> shrunk = new ArrayList<>();
      for (int r : isr) {
        Follower f = followers.get(r);
        // Out of sync: behind the leader's log end and not caught up for longer than the limit.
        boolean lagging = f != null && f.logEndOffset < leaderEndOffset && nowMs - f.lastCaughtUpTimeMs > lagTimeMaxMs;
        if (r == leaderId || !lagging) {
          shrunk.add(r);
        }
      }
      if (shrunk.size() < isr.size()) {
        pendingIsr = List.copyOf(shrunk);
        proposal = Optional.of(pendingIsr);
      }
    }
    return advance(proposal);
  }

  /**
   * The partition's replicas changed at the same leader epoch (a reassignment started or was cancelled): a new
   * replica is tracked from now on, with a full lag period to show up; one no longer assigned is forgotten unless it
   * is still in the ISR (the controller drops it from the ISR when it removes it).
   */
  public Outcome onReplicasChanged(List<Integer> replicas, long nowMs) {
    for (int r : replicas) {
      if (r != leaderId && !followers.containsKey(r)) {
        Follower f = new Follower();
        f.lastCaughtUpTimeMs = nowMs;
        followers.put(r, f);
      }
    }
    followers.keySet().removeIf(r -> !replicas.contains(r) && !maximalIsr().contains(r));
    return advance(Optional.empty());
  }

  /** ZooKeeper now holds {@code committed} as the ISR (our proposal, or a controller's change). */
  public Outcome onIsrCommitted(List<Integer> committed) {
    isr = withLeader(committed);
    pendingIsr = null;
    return advance(Optional.empty());
  }

  /** Our proposal was refused (the znode changed under us): forget it; a later step may propose again. */
  public void onIsrUpdateFailed() {
    pendingIsr = null;
  }

  private Outcome advance(Optional<List<Integer>> proposal) {
    long candidate = leaderEndOffset;
    for (int r : maximalIsr()) {
      if (r == leaderId) {
        continue;
      }
      Follower f = followers.get(r);
      long leo = f == null ? -1 : f.logEndOffset;
      candidate = Math.min(candidate, leo);
    }
    boolean advanced = false;
    if (candidate > highWatermark) {
      highWatermark = candidate;
      advanced = true;
    }
    if (highWatermark > leaderEndOffset) {
      throw new IllegalStateException("high watermark " + highWatermark + " passed the leader's log end " + leaderEndOffset);
    }
    return new Outcome(advanced, highWatermark, proposal);
  }
}
