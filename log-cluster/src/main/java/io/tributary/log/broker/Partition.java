package io.tributary.log.broker;

import io.tributary.log.cluster.PartitionState;
import io.tributary.log.replication.LeaderReplicaState;
import io.tributary.log.storage.AppendResult;
import io.tributary.log.storage.PartitionLog;
import io.tributary.log.storage.VerificationGuard;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;
import org.apache.kafka.common.record.MemoryRecords;

/**
 * A partition hosted by this broker: its log and this broker's role for it. As leader it owns a
 * {@link LeaderReplicaState} (the pure replication state machine) and feeds it appends, follower
 * fetches and time; as follower it only tracks the leader's high watermark. Consumers read only below
 * the high watermark.
 */
public final class Partition {
  /** What applying a new partition state did to this broker's role. */
  enum Transition { NONE, BECAME_LEADER, BECAME_FOLLOWER, LEADER_ISR_CHANGED }

  private final TopicPartition tp;
  private final PartitionLog log;
  private final int localBrokerId;
  private final long lagTimeMaxMs;
  private volatile int leaderId = -1;
  private volatile int leaderEpoch = -1;
  private volatile List<Integer> isr = List.of();
  private volatile List<Integer> replicas = List.of();
  private volatile long highWatermark;
  /** The partition-state znode this broker last saw (for compare-and-set ISR updates). */
  private PartitionState zkState;
  private LeaderReplicaState leaderState;
  /** The log start offsets followers sent in their fetches (as leader): DeleteRecords' low watermark. */
  private final Map<Integer, Long> followerLogStartOffsets = new ConcurrentHashMap<>();

  Partition(TopicPartition tp, PartitionLog log, int localBrokerId, long lagTimeMaxMs) {
    this.tp = tp;
    this.log = log;
    this.localBrokerId = localBrokerId;
    this.lagTimeMaxMs = lagTimeMaxMs;
    // Restored from the log dir's checkpoint after a restart (never above the log end), so that the latest
    // offset consumers see does not go backwards; without one it starts at the log start and rises as soon as
    // the leader (or the followers) confirm it.
    this.highWatermark = log.knownHighWatermark().orElse(log.logStartOffset());
  }

  public TopicPartition topicPartition() {
    return tp;
  }

  public PartitionLog log() {
    return log;
  }

  public boolean isLeader() {
    return leaderId == localBrokerId;
  }

  public int leaderId() {
    return leaderId;
  }

  public int leaderEpoch() {
    return leaderEpoch;
  }

  public List<Integer> isr() {
    return isr;
  }

  public List<Integer> replicas() {
    return replicas;
  }

  public long highWatermark() {
    return highWatermark;
  }

  /** The last stable offset: the high watermark, held back by the oldest open transaction (read_committed reads below it). */
  public long lastStableOffset() {
    return log.lastStableOffset(highWatermark);
  }

  /** The ISR change this leader proposed and has not seen settled, empty when none (or not leader). */
  synchronized List<Integer> pendingIsr() {
    return leaderState == null ? List.of() : leaderState.pendingIsr().orElse(List.of());
  }

  synchronized PartitionState zkState() {
    return zkState;
  }

  /** Applies the partition state published in ZooKeeper. */
  synchronized Transition applyState(PartitionState state, List<Integer> assignedReplicas, long nowMs) {
    boolean replicasChanged = replicas == null || !replicas.equals(assignedReplicas);
    this.replicas = List.copyOf(assignedReplicas);
    if (replicasChanged && leaderState != null) {
      // A reassignment changes the replicas without a new leader epoch: the leader must track the new followers.
      apply(leaderState.onReplicasChanged(replicas, nowMs));
    }
    if (zkState != null && state.zkVersion() <= zkState.zkVersion() && leaderId == zkState.leader()) {
      return Transition.NONE; // not newer than what this broker already applied (or wrote itself)
    }
    this.zkState = state;
    boolean wasLeader = isLeader();
    int previousEpoch = leaderEpoch;
    int previousLeader = leaderId;
    leaderId = state.leader();
    leaderEpoch = state.leaderEpoch();
    isr = state.isr();
    if (state.leader() == localBrokerId) {
      if (!wasLeader || previousEpoch != state.leaderEpoch() || leaderState == null) {
        log.assignEpochStartOffset(state.leaderEpoch());
        long leo = log.logEndOffset();
        leaderState = new LeaderReplicaState(localBrokerId, state.leaderEpoch(), replicas, state.isr(), leo,
            Math.min(highWatermark, leo), nowMs, lagTimeMaxMs);
        apply(leaderState.onLeaderAppend(leo));
        return Transition.BECAME_LEADER;
      }
      apply(leaderState.onIsrCommitted(state.isr()));
      isr = leaderState.isr();
      return Transition.LEADER_ISR_CHANGED;
    }
    leaderState = null;
    if (wasLeader || previousLeader != state.leader() || previousEpoch != state.leaderEpoch()) {
      return Transition.BECAME_FOLLOWER;
    }
    return Transition.NONE;
  }

  /** Stops acting as leader at once (the ZooKeeper session was lost); ZooKeeper decides what comes next. */
  synchronized void fence() {
    leaderId = -1;
    leaderState = null;
  }

  /** Leader append; refuses when fewer than {@code minInsyncReplicas} are in sync and acks=all is asked. */
  synchronized AppendResult appendAsLeader(MemoryRecords records, int minInsyncReplicas, boolean acksAll) throws IOException {
    return appendAsLeader(records, minInsyncReplicas, acksAll, null);
  }

  /** Leader append of a client's produce; {@code guard} non-null when transaction verification applies (KIP-890). */
  synchronized AppendResult appendAsLeader(MemoryRecords records, int minInsyncReplicas, boolean acksAll,
      VerificationGuard guard) throws IOException {
    ensureLeaderWithInsync(minInsyncReplicas, acksAll);
    AppendResult result = guard == null ? log.appendAsLeader(records, leaderEpoch) : log.appendAsLeader(records, leaderEpoch, guard);
    apply(leaderState.onLeaderAppend(log.logEndOffset()));
    return result;
  }

  /** Leader append of a transaction marker, always with acks=all's min.insync.replicas check (as Kafka's coordinator asks). */
  synchronized AppendResult appendMarkerAsLeader(MemoryRecords marker, int minInsyncReplicas) throws IOException {
    ensureLeaderWithInsync(minInsyncReplicas, true);
    AppendResult result = log.appendMarkerAsLeader(marker, leaderEpoch);
    apply(leaderState.onLeaderAppend(log.logEndOffset()));
    return result;
  }

  private void ensureLeaderWithInsync(int minInsyncReplicas, boolean acksAll) {
    ensureLeader(-1);
    if (acksAll && isr.size() < minInsyncReplicas) {
      throw new NotEnoughReplicasException(tp + " has " + isr.size() + " in-sync replica(s) " + isr
          + ", fewer than min.insync.replicas=" + minInsyncReplicas);
    }
  }

  /** A follower fetched: feeds the state machine; returns its outcome (null when not leader). */
  /** A follower's log start offset, as its latest fetch reported it. */
  void onFollowerLogStartOffset(int replicaId, long logStartOffset) {
    followerLogStartOffsets.put(replicaId, logStartOffset);
  }

  /** {@link #lowWatermark(long, Map, Collection, int)} of this leader. */
  long lowWatermark(Collection<Integer> liveReplicas) {
    return lowWatermark(log.logStartOffset(), followerLogStartOffsets, liveReplicas, localBrokerId);
  }

  /**
   * The lowest log start offset across the leader and its live followers (Kafka's low watermark): the
   * records below it are gone from every live replica. A live follower that has not reported one yet
   * counts as -1 (unknown), so the low watermark is not claimed before it has.
   */
  static long lowWatermark(long leaderLogStartOffset, Map<Integer, Long> followerLogStartOffsets,
      Collection<Integer> liveReplicas, int leaderId) {
    long low = leaderLogStartOffset;
    for (int id : liveReplicas) {
      if (id != leaderId) {
        low = Math.min(low, followerLogStartOffsets.getOrDefault(id, -1L));
      }
    }
    return low;
  }

  synchronized LeaderReplicaState.Outcome onFollowerFetch(int replicaId, long fetchOffset, long nowMs) {
    return onFollowerFetch(replicaId, fetchOffset, -1, nowMs);
  }

  /**
   * A follower fetched from {@code fetchOffset} naming {@code clientLeaderEpoch} (-1: not sent). A fetch of
   * another epoch is answered FENCED_LEADER_EPOCH or UNKNOWN_LEADER_EPOCH and, as in Kafka, does not move the
   * follower's position: a follower still on an older epoch has not truncated against this one, and its log
   * end may cover records this leader does not have.
   */
  synchronized LeaderReplicaState.Outcome onFollowerFetch(int replicaId, long fetchOffset, int clientLeaderEpoch, long nowMs) {
    if (leaderState == null || (clientLeaderEpoch >= 0 && clientLeaderEpoch != leaderEpoch)) {
      return null;
    }
    return apply(leaderState.onFollowerFetch(replicaId, fetchOffset, nowMs));
  }

  synchronized LeaderReplicaState.Outcome tick(long nowMs) {
    if (leaderState == null) {
      return null;
    }
    return apply(leaderState.onTick(nowMs));
  }

  /** Our ISR proposal was written: {@code written} is the new znode content with its version. */
  synchronized LeaderReplicaState.Outcome isrWritten(PartitionState written) {
    if (leaderState == null || written.leaderEpoch() != leaderEpoch) {
      return null;
    }
    if (zkState != null && written.zkVersion() <= zkState.zkVersion()) {
      // Its watch got here first and a newer ISR proposal may already be pending: committing this again would
      // drop that proposal while its write is under way, and the high watermark would stop waiting for the
      // replica it adds (found by ReplicationSimulation, seed 752).
      return null;
    }
    zkState = written;
    isr = written.isr();
    return apply(leaderState.onIsrCommitted(written.isr()));
  }

  /**
   * Our ISR write based on {@code expected} (null: never sent) was refused or failed. When a newer state has been
   * applied since, that already settled the proposal, and what is pending now is a later proposal whose write is
   * still to come: it stays (found by ReplicationSimulation, seed 2169).
   */
  synchronized void isrWriteFailed(PartitionState expected) {
    if (leaderState == null) {
      return;
    }
    if (expected != null && zkState != null && zkState.zkVersion() > expected.zkVersion()) {
      return;
    }
    leaderState.onIsrUpdateFailed();
  }

  private LeaderReplicaState.Outcome apply(LeaderReplicaState.Outcome outcome) {
    setHighWatermark(outcome.highWatermark());
    return outcome;
  }

  /** The log learns it too: compaction never cleans above the high watermark. */
  private void setHighWatermark(long hw) {
    highWatermark = hw;
    log.updateHighWatermark(hw);
  }

  // ---- follower side ---------------------------------------------------------------------------

  synchronized void appendAsFollower(MemoryRecords records) throws IOException {
    if (isLeader()) {
      throw new NotLeaderOrFollowerException(tp + ": broker " + localBrokerId + " leads it now; not appending as follower");
    }
    log.appendAsFollower(records);
  }

  /** The leader's high watermark, as told in a fetch response (capped by what this replica has). */
  synchronized void updateFollowerHighWatermark(long leaderHighWatermark) {
    if (!isLeader()) {
      setHighWatermark(Math.max(log.logStartOffset(), Math.min(leaderHighWatermark, log.logEndOffset())));
    }
  }

  synchronized void truncateTo(long offset) throws IOException {
    if (offset < log.logEndOffset()) {
      log.truncateTo(offset);
    }
    setHighWatermark(Math.min(highWatermark, log.logEndOffset()));
  }

  /**
   * Checks that this broker leads the partition and, when the client sent one, that its leader epoch
   * is current (-1 = not sent).
   */
  void ensureLeader(int clientLeaderEpoch) {
    if (!isLeader()) {
      throw new NotLeaderOrFollowerException("broker " + localBrokerId + " is not the leader of " + tp
          + " (leader is " + leaderId + ")");
    }
    if (clientLeaderEpoch >= 0) {
      if (clientLeaderEpoch < leaderEpoch) {
        throw new FencedLeaderEpochException(tp + ": leader epoch " + clientLeaderEpoch + " is older than " + leaderEpoch);
      }
      if (clientLeaderEpoch > leaderEpoch) {
        throw new UnknownLeaderEpochException(tp + ": leader epoch " + clientLeaderEpoch + " is newer than " + leaderEpoch);
      }
    }
  }
}
