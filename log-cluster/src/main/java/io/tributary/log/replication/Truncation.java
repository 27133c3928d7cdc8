package io.tributary.log.replication;

import java.util.OptionalInt;
import java.util.function.IntToLongFunction;

/**
 * Where a follower must cut its log before fetching from a new leader, so that a divergent tail (records
 * the old leader wrote but never committed) never survives. A pure function of the follower's epoch
 * history and the leader's answer to OffsetForLeaderEpoch.
 */
public final class Truncation {
  private Truncation() {}

  /**
   * @param followerLatestEpoch the follower's newest leader epoch (empty for an empty log)
   * @param followerLogEnd the follower's log end offset
   * @param leaderEpoch the epoch the leader answered with (the largest it has that is <= the asked one), -1 if none
   * @param leaderEndOffset the leader's end offset for that epoch, -1 if unknown
   * @param followerEndOffsetFor the follower's own end offset of a given epoch
   * @return the offset to truncate to (equal to {@code followerLogEnd} when nothing is cut)
   */
  public static long truncationOffset(OptionalInt followerLatestEpoch, long followerLogEnd, int leaderEpoch,
      long leaderEndOffset, IntToLongFunction followerEndOffsetFor) {
    if (followerLatestEpoch.isEmpty()) {
      return followerLogEnd;
    }
    if (leaderEpoch < 0 || leaderEndOffset < 0) {
      // The leader knows no epoch this old: nothing of ours can be trusted.
      return 0;
    }
    if (leaderEpoch == followerLatestEpoch.getAsInt()) {
      return Math.min(leaderEndOffset, followerLogEnd);
    }
    // The leader's history diverges earlier: cut at the end of the last epoch both have.
    long ours = followerEndOffsetFor.applyAsLong(leaderEpoch);
    long cut = ours < 0 ? leaderEndOffset : Math.min(leaderEndOffset, ours);
    return Math.min(cut, followerLogEnd);
  }
}
