package io.tributary.log.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** When the controller switches a reassigned partition to its target, and to what, as a table. */
class ReassignmentStepTest {
  static final int CONTROLLER_EPOCH = 7;

  record Row(String what, List<Integer> replicas, PartitionReassignment re, int leader, List<Integer> isr, Set<Integer> live,
             List<Integer> expectedReplicas, int expectedLeader, List<Integer> expectedIsr) {}

  @Test
  void table() {
    PartitionReassignment move0to2 = new PartitionReassignment(List.of(2), List.of(0)); // 0,1 -> 1,2 (replicas 1,2,0)
    List<Row> rows = List.of(
        new Row("adding replica not in sync yet: wait", List.of(1, 2, 0), move0to2, 0, List.of(0, 1), Set.of(0, 1, 2),
            null, 0, null),
        new Row("target in sync, leader removed: first live in-sync target leads", List.of(1, 2, 0), move0to2, 0, List.of(0, 1, 2),
            Set.of(0, 1, 2), List.of(1, 2), 1, List.of(1, 2)),
        new Row("target in sync, leader kept", List.of(1, 2, 0), move0to2, 1, List.of(1, 0, 2), Set.of(0, 1, 2),
            List.of(1, 2), 1, List.of(1, 2)),
        new Row("leader removed, first target replica dead: the next one leads", List.of(1, 2, 0), move0to2, 0, List.of(0, 1, 2),
            Set.of(0, 2), List.of(1, 2), 2, List.of(1, 2)),
        new Row("no leader: wait", List.of(1, 2, 0), move0to2, -1, List.of(0, 1, 2), Set.of(0, 1, 2), null, 0, null),
        new Row("no live target replica: wait", List.of(1, 2, 0), move0to2, 0, List.of(0, 1, 2), Set.of(0), null, 0, null),
        new Row("cancelled: the original replicas are in sync at once", List.of(1, 0, 3), new PartitionReassignment(List.of(), List.of(3)),
            0, List.of(0, 1), Set.of(0, 1, 3), List.of(1, 0), 0, List.of(0, 1)),
        new Row("replication factor shrinks", List.of(0, 1, 2), new PartitionReassignment(List.of(), List.of(2)), 2, List.of(2, 0, 1),
            Set.of(0, 1, 2), List.of(0, 1), 0, List.of(0, 1)));
    for (Row r : rows) {
      PartitionState state = new PartitionState(r.leader(), 4, r.isr(), 1, 9);
      ReassignmentStep.Completion c = ReassignmentStep.next(r.replicas(), r.re(), state, r.live(), CONTROLLER_EPOCH);
      if (r.expectedReplicas() == null) {
        assertEquals(null, c, r.what());
        continue;
      }
      assertEquals(r.expectedReplicas(), c.replicas(), r.what());
      assertEquals(new PartitionState(r.expectedLeader(), 5, r.expectedIsr(), CONTROLLER_EPOCH, 9), c.state(),
          r.what() + ": the leader epoch is bumped, fencing the removed replicas");
    }
  }
}
