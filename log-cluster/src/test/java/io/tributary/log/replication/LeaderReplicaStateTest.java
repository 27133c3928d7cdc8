package io.tributary.log.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The leader's replication state machine, driven step by step: no threads, clocks or sockets. */
class LeaderReplicaStateTest {
  static final long LAG_MS = 10_000;

  /** Leader 1 of replicas [1,2,3], all in sync, log end 100, high watermark 100, at time 0. */
  private static LeaderReplicaState threeInSync() {
    return new LeaderReplicaState(1, 5, List.of(1, 2, 3), List.of(1, 2, 3), 100, 100, 0, LAG_MS);
  }

  @Test
  void highWatermarkIsTheSmallestLogEndOverTheIsr() {
    LeaderReplicaState s = threeInSync();
    assertEquals(100, s.onLeaderAppend(150).highWatermark(), "followers have not fetched: unchanged");
    assertEquals(100, s.onFollowerFetch(2, 150, 10).highWatermark(), "replica 3 still at nothing known");
    LeaderReplicaState.Outcome o = s.onFollowerFetch(3, 120, 20);
    assertTrue(o.highWatermarkAdvanced());
    assertEquals(120, o.highWatermark());
    assertEquals(150, s.onFollowerFetch(3, 150, 30).highWatermark());
  }

  @Test
  void highWatermarkNeverGoesBackAndNeverPassesTheLogEnd() {
    LeaderReplicaState s = threeInSync();
    s.onLeaderAppend(200);
    s.onFollowerFetch(2, 200, 1);
    s.onFollowerFetch(3, 200, 1);
    assertEquals(200, s.highWatermark());
    // A stale fetch position (an old request arriving late) does not lower it.
    assertEquals(200, s.onFollowerFetch(2, 150, 2).highWatermark());
    // A follower claiming more than the leader has is capped at the leader's log end.
    assertEquals(200, s.onFollowerFetch(3, 999, 3).highWatermark());
    assertThrows(IllegalStateException.class, () -> s.onLeaderAppend(150), "the leader's log end only grows");
  }

  @Test
  void laggingFollowerIsProposedForRemovalAfterTheLagTime() {
    LeaderReplicaState s = threeInSync();
    s.onLeaderAppend(200);
    s.onFollowerFetch(2, 200, 1_000);
    s.onFollowerFetch(3, 120, 1_000);
    assertEquals(Optional.empty(), s.onTick(5_000).proposedIsr(), "within the lag time");
    LeaderReplicaState.Outcome o = s.onTick(10_001);
    assertEquals(Optional.of(List.of(1, 2)), o.proposedIsr(), "replica 3 not caught up for more than 10 s");
    // While the shrink is pending, 3 still holds the high watermark back.
    assertEquals(120, s.highWatermark());
    assertEquals(Optional.empty(), s.onTick(20_000).proposedIsr(), "one change pending at a time");
    LeaderReplicaState.Outcome committed = s.onIsrCommitted(List.of(1, 2));
    assertEquals(200, committed.highWatermark(), "once ZooKeeper has the smaller ISR, the high watermark moves");
    assertEquals(List.of(1, 2), s.isr());
  }

  @Test
  void followerAtTheLogEndIsNeverRemovedEvenWithoutNewData() {
    LeaderReplicaState s = threeInSync();
    s.onFollowerFetch(2, 100, 0);
    s.onFollowerFetch(3, 100, 0);
    assertEquals(Optional.empty(), s.onTick(60_000).proposedIsr(), "nothing to catch up on: in sync");
  }

  @Test
  void followerThatCaughtUpToThePreviousLogEndCountsAsCaughtUpThen() {
    LeaderReplicaState s = threeInSync();
    s.onFollowerFetch(2, 100, 0);
    s.onFollowerFetch(3, 100, 0);
    // The leader keeps appending; follower 2 always fetches up to where the leader was at its last fetch.
    long leo = 100;
    for (long t = 1_000; t <= 30_000; t += 1_000) {
      long previous = leo;
      leo += 10;
      s.onLeaderAppend(leo);
      s.onFollowerFetch(2, previous, t);
      s.onFollowerFetch(3, leo, t);
    }
    assertEquals(Optional.empty(), s.onTick(30_500).proposedIsr(), "a busy but keeping-up follower stays in the ISR");
  }

  @Test
  void returningReplicaJoinsOnceItReachesTheHighWatermark() {
    LeaderReplicaState s = new LeaderReplicaState(1, 7, List.of(1, 2, 3), List.of(1, 2), 100, 100, 0, LAG_MS);
    s.onFollowerFetch(2, 100, 1);
    assertEquals(Optional.empty(), s.onFollowerFetch(3, 50, 2).proposedIsr(), "behind the high watermark");
    LeaderReplicaState.Outcome o = s.onFollowerFetch(3, 100, 3);
    assertEquals(Optional.of(List.of(1, 2, 3)), o.proposedIsr());
    assertEquals(List.of(1, 2, 3), s.maximalIsr(), "a pending expansion counts at once");
    s.onLeaderAppend(130);
    s.onFollowerFetch(2, 130, 4);
    assertEquals(100, s.highWatermark(), "the joining replica holds the high watermark until it has the data");
    s.onFollowerFetch(3, 130, 5);
    assertEquals(130, s.highWatermark());
    s.onIsrCommitted(List.of(1, 2, 3));
    assertEquals(List.of(1, 2, 3), s.isr());
  }

  @Test
  void refusedProposalIsForgottenAndProposedAgainLater() {
    LeaderReplicaState s = threeInSync();
    s.onLeaderAppend(200);
    s.onFollowerFetch(2, 200, 0);
    s.onFollowerFetch(3, 100, 0);
    assertTrue(s.onTick(LAG_MS + 1).proposedIsr().isPresent());
    s.onIsrUpdateFailed();
    assertFalse(s.pendingIsr().isPresent());
    assertEquals(Optional.of(List.of(1, 2)), s.onTick(LAG_MS + 2).proposedIsr());
  }

  @Test
  void singleReplicaCommitsEveryAppendAtOnce() {
    LeaderReplicaState s = new LeaderReplicaState(0, 0, List.of(0), List.of(0), 0, 0, 0, LAG_MS);
    LeaderReplicaState.Outcome o = s.onLeaderAppend(10);
    assertTrue(o.highWatermarkAdvanced());
    assertEquals(10, o.highWatermark());
  }

  @Test
  void highWatermarkBeyondTheLogEndIsRefusedAtConstruction() {
    assertThrows(IllegalArgumentException.class, () -> new LeaderReplicaState(1, 0, List.of(1), List.of(1), 10, 11, 0, LAG_MS));
  }

  @Test
  void replicaAddedByAReassignmentJoinsTheIsrOnceCaughtUpAndARemovedOneIsForgotten() {
    LeaderReplicaState s = threeInSync();
    s.onLeaderAppend(200);
    assertEquals(Optional.empty(), s.onFollowerFetch(4, 200, 1).proposedIsr(), "not a replica yet: ignored");

    s.onReplicasChanged(List.of(4, 1, 2, 3), 1); // a reassignment 1,2,3 -> 4,1,2 started
    assertEquals(Optional.empty(), s.onFollowerFetch(4, 50, 2).proposedIsr(), "behind the high watermark: not in sync yet");
    assertEquals(Optional.of(List.of(1, 2, 3, 4)), s.onFollowerFetch(4, 100, 3).proposedIsr(),
        "caught up to the high watermark: proposed for the ISR");
    s.onIsrCommitted(List.of(1, 2, 3, 4));

    // The controller completed it: 3 left the ISR and the replicas; the leader stops tracking it.
    s.onIsrCommitted(List.of(1, 2, 4));
    s.onReplicasChanged(List.of(4, 1, 2), 4);
    assertEquals(-1, s.followerEndOffset(3));
    assertEquals(100, s.followerEndOffset(4));
  }
}
