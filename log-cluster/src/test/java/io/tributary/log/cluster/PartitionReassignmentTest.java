package io.tributary.log.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.NoReassignmentInProgressException;
import org.junit.jupiter.api.Test;

/** Starting, replacing and cancelling reassignments (Kafka's ReplicaAssignment.reassignTo), as a table. */
class PartitionReassignmentTest {
  record Row(String what, List<Integer> replicas, PartitionReassignment current, List<Integer> target,
             List<Integer> expectedReplicas, PartitionReassignment expected) {}

  static PartitionReassignment re(List<Integer> adding, List<Integer> removing) {
    return new PartitionReassignment(adding, removing);
  }

  @Test
  void reassignTable() {
    List<Row> rows = List.of(
        new Row("move one replica", List.of(0, 1), null, List.of(1, 2), List.of(1, 2, 0), re(List.of(2), List.of(0))),
        new Row("move both", List.of(0, 1), null, List.of(2, 3), List.of(2, 3, 0, 1), re(List.of(2, 3), List.of(0, 1))),
        new Row("grow the replication factor", List.of(0, 1), null, List.of(0, 1, 2), List.of(0, 1, 2), re(List.of(2), List.of())),
        new Row("shrink the replication factor", List.of(0, 1, 2), null, List.of(0, 1), List.of(0, 1, 2), re(List.of(), List.of(2))),
        new Row("reorder only: no reassignment", List.of(0, 1), null, List.of(1, 0), List.of(1, 0), null),
        new Row("same: no reassignment", List.of(0, 1), null, List.of(0, 1), List.of(0, 1), null),
        // An in-flight move 0,1 -> 1,2 (replicas 1,2,0) redirected to 1,3: 2 was being added, now it is removed.
        new Row("replace an in-flight one", List.of(1, 2, 0), re(List.of(2), List.of(0)), List.of(1, 3),
            List.of(1, 3, 2, 0), re(List.of(3), List.of(2, 0))),
        new Row("back to the original while in flight", List.of(1, 2, 0), re(List.of(2), List.of(0)), List.of(0, 1),
            List.of(0, 1, 2), re(List.of(), List.of(2))));
    for (Row r : rows) {
      PartitionReassignment.Assignment a = PartitionReassignment.reassign(r.replicas(), r.current(), r.target());
      assertEquals(r.expectedReplicas(), a.replicas(), r.what());
      assertEquals(r.expected(), a.reassignment(), r.what());
      List<Integer> target = a.reassignment() == null ? a.replicas() : a.reassignment().target(a.replicas());
      assertEquals(r.target(), target, r.what() + ": the target is what was asked");
    }
  }

  @Test
  void cancelRemovesTheAddingReplicasAndKeepsTheOriginalOnes() {
    PartitionReassignment.Assignment a = PartitionReassignment.cancel(List.of(1, 3, 0), re(List.of(3), List.of(0)));
    assertEquals(List.of(1, 0, 3), a.replicas());
    assertEquals(re(List.of(), List.of(3)), a.reassignment());
    assertEquals(List.of(1, 0), a.reassignment().target(a.replicas()));
  }

  @Test
  void badRequestsAreKafkasErrors() {
    assertThrows(NoReassignmentInProgressException.class, () -> PartitionReassignment.cancel(List.of(0, 1), null));
    assertThrows(InvalidReplicaAssignmentException.class, () -> PartitionReassignment.reassign(List.of(0, 1), null, List.of()));
    assertThrows(InvalidReplicaAssignmentException.class, () -> PartitionReassignment.reassign(List.of(0, 1), null, List.of(2, 2)));
    assertThrows(InvalidReplicaAssignmentException.class, () -> PartitionReassignment.reassign(List.of(0, 1), null, List.of(-1)));
  }
}
