package io.tributary.log.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tributary.log.cluster.Controller.PartitionElection;
import io.tributary.log.cluster.PartitionState;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The controller's election rules, as pure functions. */
class PartitionElectionTest {
  static final List<Integer> REPLICAS = List.of(1, 2, 3);

  private static PartitionState state(int leader, int epoch, List<Integer> isr) {
    return new PartitionState(leader, epoch, isr, 1, 7);
  }

  @Test
  void deadLeaderIsReplacedByTheFirstLiveInSyncReplicaWithTheEpochBumped() {
    PartitionState next = PartitionElection.onMetadataChange(state(1, 4, List.of(1, 2, 3)), REPLICAS, Set.of(2, 3), 9);
    assertEquals(2, next.leader());
    assertEquals(5, next.leaderEpoch());
    assertEquals(List.of(2, 3), next.isr());
    assertEquals(9, next.controllerEpoch());
    assertEquals(7, next.zkVersion(), "written against the version that was read");
  }

  @Test
  void outOfSyncReplicasAreNeverElected() {
    PartitionState next = PartitionElection.onMetadataChange(state(1, 4, List.of(1, 3)), REPLICAS, Set.of(2, 3), 9);
    assertEquals(3, next.leader(), "2 is live but not in sync");
  }

  @Test
  void noLiveInSyncReplicaMeansOfflineNotUnclean() {
    PartitionState next = PartitionElection.onMetadataChange(state(1, 4, List.of(1)), REPLICAS, Set.of(2, 3), 9);
    assertEquals(-1, next.leader());
    assertEquals(List.of(1), next.isr(), "the ISR is kept so that 1, back, leads again");
    assertNull(PartitionElection.onMetadataChange(next, REPLICAS, Set.of(2, 3), 9), "already offline: nothing to write");
    PartitionState back = PartitionElection.onMetadataChange(next, REPLICAS, Set.of(1, 2, 3), 9);
    assertEquals(1, back.leader());
    assertEquals(6, back.leaderEpoch());
  }

  @Test
  void deadFollowersLeaveTheIsrWithoutALeaderChange() {
    PartitionState next = PartitionElection.onMetadataChange(state(1, 4, List.of(1, 2, 3)), REPLICAS, Set.of(1, 2), 9);
    assertEquals(1, next.leader());
    assertEquals(4, next.leaderEpoch());
    assertEquals(List.of(1, 2), next.isr());
  }

  @Test
  void healthyPartitionNeedsNoWrite() {
    assertNull(PartitionElection.onMetadataChange(state(1, 4, List.of(1, 2, 3)), REPLICAS, Set.of(1, 2, 3), 9));
  }

  @Test
  void preferredReplicaGetsLeadershipBackOnlyWhenInSync() {
    assertNull(PartitionElection.preferredLeader(state(2, 5, List.of(2, 3)), REPLICAS, Set.of(1, 2, 3), 9), "1 not in sync yet");
    PartitionState next = PartitionElection.preferredLeader(state(2, 5, List.of(2, 3, 1)), REPLICAS, Set.of(1, 2, 3), 9);
    assertEquals(1, next.leader());
    assertEquals(6, next.leaderEpoch());
    assertNull(PartitionElection.preferredLeader(state(1, 6, List.of(1, 2, 3)), REPLICAS, Set.of(1, 2, 3), 9));
  }
}
