package io.tributary.log.replication.sim;

import io.tributary.log.cluster.PartitionState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The safety rules of replication, checked by the simulation after every step and at the end:
 * <ul>
 *   <li>every acknowledged record is on the leader and on every live ISR member, at its offset, unchanged;
 *   <li>replicas are byte-identical below their high watermarks (each replica's prefix below its high
 *       watermark agrees with the committed log);
 *   <li>a leader's high watermark never moves backwards within its epoch;
 *   <li>no two leaders in one epoch (in ZooKeeper, nor a broker acting as leader of an epoch it was not given);
 *   <li>a follower's truncation never removes an acknowledged record.
 * </ul>
 * A crash that loses unflushed data is not a truncation: the controller takes the replica out of the ISR.
 */
final class ReplicationInvariants {
  /** Thrown with the rule that broke. */
  static final class Violation extends RuntimeException {
    Violation(String message) {
      super(message);
    }
  }

  /** Acknowledged records by offset; plain arrays, as they are scanned after every step. */
  private final Map<Long, SimRecord> acknowledged = new HashMap<>();
  private long[] ackedOffsets = new long[64];
  private SimRecord[] ackedRecords = new SimRecord[64];
  private int ackedCount;
  /** The committed log: what some replica had below its high watermark. */
  private final List<SimRecord> committed = new ArrayList<>();
  private final Map<Integer, Integer> leaderOfEpoch = new HashMap<>();
  /** Per replica: the prefix already compared with the committed log (reset when its log shrinks). */
  private final long[] verifiedPrefix;
  private final int[] leaderHwEpoch;
  private final long[] leaderHw;

  ReplicationInvariants(int replicas) {
    verifiedPrefix = new long[replicas];
    leaderHwEpoch = new int[replicas];
    leaderHw = new long[replicas];
    java.util.Arrays.fill(leaderHwEpoch, -1);
  }

  int acknowledgedCount() {
    return acknowledged.size();
  }

  long committedLength() {
    return committed.size();
  }

  void onAcknowledged(long offset, SimRecord record, SimReplica leader) {
    SimRecord before = acknowledged.putIfAbsent(offset, record);
    if (before != null) {
      if (!before.equals(record)) {
        throw new Violation("two records acknowledged at offset " + offset + ": " + before + " and now " + record
            + " by r" + leader.id);
      }
      return;
    }
    if (ackedCount == ackedOffsets.length) {
      ackedOffsets = java.util.Arrays.copyOf(ackedOffsets, ackedCount * 2);
      ackedRecords = java.util.Arrays.copyOf(ackedRecords, ackedCount * 2);
    }
    ackedOffsets[ackedCount] = offset;
    ackedRecords[ackedCount++] = record;
  }

  void onZkWrite(PartitionState state) {
    if (state.leader() < 0) {
      return;
    }
    Integer before = leaderOfEpoch.putIfAbsent(state.leaderEpoch(), state.leader());
    if (before != null && before != state.leader()) {
      throw new Violation("two leaders in epoch " + state.leaderEpoch() + ": r" + before + " and r" + state.leader());
    }
  }

  void onLeaderHighWatermark(SimReplica r) {
    if (r.leaderState == null) {
      return;
    }
    if (leaderHwEpoch[r.id] == r.leaderEpoch && r.highWatermark < leaderHw[r.id]) {
      throw new Violation("r" + r.id + "'s high watermark went back from " + leaderHw[r.id] + " to " + r.highWatermark
          + " in epoch " + r.leaderEpoch);
    }
    leaderHwEpoch[r.id] = r.leaderEpoch;
    leaderHw[r.id] = r.highWatermark;
  }

  void onTruncate(SimReplica r, long offset) {
    for (int i = 0; i < ackedCount; i++) {
      long o = ackedOffsets[i];
      if (o >= offset && o < r.log.logEndOffset() && r.log.get(o).equals(ackedRecords[i])) {
        throw new Violation("r" + r.id + " truncates to " + offset + ", removing acknowledged " + ackedRecords[i] + " at " + o);
      }
    }
    verifiedPrefix[r.id] = Math.min(verifiedPrefix[r.id], offset);
  }

  void onCrash(SimReplica r) {
    verifiedPrefix[r.id] = Math.min(verifiedPrefix[r.id], r.log.logEndOffset());
  }

  /** All rules over the current state. */
  void check(PartitionState zk, SimReplica[] replicas) {
    for (SimReplica r : replicas) {
      if (!r.alive) {
        continue;
      }
      if (r.leaderState != null) {
        Integer given = leaderOfEpoch.get(r.leaderEpoch);
        if (given == null || given != r.id) {
          throw new Violation("r" + r.id + " acts as leader of epoch " + r.leaderEpoch + ", which ZooKeeper gave to " + given);
        }
      }
      checkCommittedPrefix(r);
    }
    if (zk.leader() >= 0 && replicas[zk.leader()].alive) {
      checkHasAcknowledged(replicas[zk.leader()], "leader");
    }
    for (int id : zk.isr()) {
      if (replicas[id].alive) {
        checkHasAcknowledged(replicas[id], "ISR member");
      }
    }
  }

  private void checkCommittedPrefix(SimReplica r) {
    long hw = Math.min(r.highWatermark, r.log.logEndOffset());
    for (long o = verifiedPrefix[r.id]; o < hw; o++) {
      SimRecord mine = r.log.get(o);
      if (o < committed.size()) {
        if (!committed.get((int) o).equals(mine)) {
          throw new Violation("r" + r.id + " has " + mine + " at offset " + o + " below its high watermark " + hw
              + ", but the committed log has " + committed.get((int) o));
        }
      } else {
        committed.add(mine);
      }
    }
    verifiedPrefix[r.id] = Math.max(verifiedPrefix[r.id], hw);
  }

  private void checkHasAcknowledged(SimReplica r, String role) {
    long end = r.log.logEndOffset();
    for (int i = 0; i < ackedCount; i++) {
      long o = ackedOffsets[i];
      if (o >= end) {
        throw new Violation(role + " r" + r.id + " lacks acknowledged " + ackedRecords[i] + " at offset " + o + " (log end " + end + ")");
      }
      SimRecord mine = r.log.get(o);
      if (!mine.equals(ackedRecords[i])) {
        throw new Violation(role + " r" + r.id + " has " + mine + " at offset " + o + " where " + ackedRecords[i]
            + " was acknowledged");
      }
    }
  }
}
