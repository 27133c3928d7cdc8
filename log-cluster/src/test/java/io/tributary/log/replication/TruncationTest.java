package io.tributary.log.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Where a follower cuts its log before fetching from a new leader; table of cases. */
class TruncationTest {

  /** The follower's history: epoch -> end offset. */
  private static long cut(Integer followerLatest, long followerEnd, int leaderEpoch, long leaderEnd, Map<Integer, Long> ends) {
    return Truncation.truncationOffset(followerLatest == null ? OptionalInt.empty() : OptionalInt.of(followerLatest),
        followerEnd, leaderEpoch, leaderEnd, e -> ends.getOrDefault(e, -1L));
  }

  @Test
  void emptyLogNeedsNoTruncation() {
    assertEquals(0, cut(null, 0, -1, -1, Map.of()));
  }

  @Test
  void sameEpochCutsAtTheLeadersEndForIt() {
    // The old leader (now follower) wrote 120..149 in epoch 3 that never reached the new leader.
    assertEquals(120, cut(3, 150, 3, 120, Map.of(3, 150L)));
  }

  @Test
  void followerBehindTheLeaderKeepsEverything() {
    assertEquals(90, cut(3, 90, 3, 120, Map.of(3, 90L)));
  }

  @Test
  void epochTheLeaderNeverHadCutsAtTheLastCommonEpoch() {
    // Follower led epoch 4 alone (writes 100..129 lost); the leader knows epochs up to 3, ending at 110.
    assertEquals(100, cut(4, 130, 3, 110, Map.of(3, 100L, 4, 130L)));
    assertEquals(105, cut(4, 130, 3, 105, Map.of(3, 110L, 4, 130L)));
  }

  @Test
  void leaderWithNoCommonEpochMeansStartingOver() {
    assertEquals(0, cut(2, 50, -1, -1, Map.of(2, 50L)));
  }
}
