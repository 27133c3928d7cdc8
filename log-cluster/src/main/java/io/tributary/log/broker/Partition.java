package io.tributary.log.broker;

import io.tributary.log.storage.AppendResult;
import io.tributary.log.storage.PartitionLog;
import java.io.IOException;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;
import org.apache.kafka.common.record.MemoryRecords;

/**
 * A partition hosted by this broker: its log plus this broker's role for it (leader with an epoch, or
 * follower). Consumers read only below the high watermark.
 */
public final class Partition {
  private final TopicPartition tp;
  private final PartitionLog log;
  private final int localBrokerId;
  private volatile int leaderId = -1;
  private volatile int leaderEpoch = -1;
  private volatile List<Integer> isr = List.of();
  private volatile long highWatermark;

  Partition(TopicPartition tp, PartitionLog log, int localBrokerId) {
    this.tp = tp;
    this.log = log;
    this.localBrokerId = localBrokerId;
    this.highWatermark = log.logEndOffset();
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

  public long highWatermark() {
    return highWatermark;
  }

  /** Applies the partition state published in ZooKeeper. */
  synchronized void applyState(int leader, int epoch, List<Integer> isr) {
    this.leaderId = leader;
    this.leaderEpoch = epoch;
    this.isr = List.copyOf(isr);
    maybeAdvanceHighWatermark();
  }

  /** Leader append; the caller has checked leadership. */
  synchronized AppendResult appendAsLeader(MemoryRecords records) throws IOException {
    ensureLeader(-1);
    AppendResult result = log.appendAsLeader(records, leaderEpoch);
    maybeAdvanceHighWatermark();
    return result;
  }

  /** With this broker as the only in-sync replica, everything appended is committed at once. */
  private void maybeAdvanceHighWatermark() {
    if (isLeader() && isr.size() <= 1) {
      long leo = log.logEndOffset();
      if (leo > highWatermark) {
        highWatermark = leo;
      }
    }
    if (highWatermark > log.logEndOffset()) {
      highWatermark = log.logEndOffset();
    }
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
