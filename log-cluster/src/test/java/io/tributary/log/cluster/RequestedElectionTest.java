package io.tributary.log.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** ElectLeaders' rules (KIP-460) as a table: state, live brokers, type -> the new leader and ISR, or Kafka's error. */
class RequestedElectionTest {
  static final List<Integer> REPLICAS = List.of(1, 2, 3);
  static final int NONE = PartitionState.NO_LEADER;

  static Stream<Arguments> table() {
    return Stream.of(
        // type, leader, isr, live, expected error, expected leader, expected isr
        Arguments.of(ElectionType.PREFERRED, 2, List.of(1, 2, 3), Set.of(1, 2, 3), Errors.NONE, 1, List.of(1, 2, 3)),
        Arguments.of(ElectionType.PREFERRED, 1, List.of(1, 2, 3), Set.of(1, 2, 3), Errors.ELECTION_NOT_NEEDED, 0, null),
        Arguments.of(ElectionType.PREFERRED, 2, List.of(2, 3), Set.of(1, 2, 3), Errors.PREFERRED_LEADER_NOT_AVAILABLE, 0, null),
        Arguments.of(ElectionType.PREFERRED, 2, List.of(1, 2, 3), Set.of(2, 3), Errors.PREFERRED_LEADER_NOT_AVAILABLE, 0, null),
        // an offline partition whose preferred replica is back and in sync
        Arguments.of(ElectionType.PREFERRED, NONE, List.of(1), Set.of(1, 2), Errors.NONE, 1, List.of(1)),
        Arguments.of(ElectionType.UNCLEAN, 2, List.of(2), Set.of(1, 2, 3), Errors.ELECTION_NOT_NEEDED, 0, null),
        // the leader is dead: a live in-sync replica comes first (a clean election), dead ones leave the ISR
        Arguments.of(ElectionType.UNCLEAN, 1, List.of(1, 3), Set.of(2, 3), Errors.NONE, 3, List.of(3)),
        // only out-of-sync replicas are live: the first of them leads alone
        Arguments.of(ElectionType.UNCLEAN, NONE, List.of(1), Set.of(2, 3), Errors.NONE, 2, List.of(2)),
        Arguments.of(ElectionType.UNCLEAN, NONE, List.of(1), Set.of(3), Errors.NONE, 3, List.of(3)),
        Arguments.of(ElectionType.UNCLEAN, NONE, List.of(1), Set.of(4), Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE, 0, null));
  }

  @ParameterizedTest(name = "{0} leader {1} isr {2} live {3} -> {4} {5} {6}")
  @MethodSource("table")
  void decides(ElectionType type, int leader, List<Integer> isr, Set<Integer> live, Errors error, int newLeader,
      List<Integer> newIsr) {
    PartitionState state = new PartitionState(leader, 4, isr, 1, 7);

    RequestedElection.Outcome o = RequestedElection.decide(type, "t-0", state, REPLICAS, live, 9);

    assertEquals(error, o.error(), o.message());
    if (error == Errors.NONE) {
      assertEquals(newLeader, o.next().leader());
      assertEquals(newIsr, o.next().isr());
      assertEquals(5, o.next().leaderEpoch(), "every election bumps the leader epoch");
      assertEquals(9, o.next().controllerEpoch());
      assertEquals(7, o.next().zkVersion(), "written against the version that was read");
    } else {
      assertEquals(null, o.next());
    }
  }

  @ParameterizedTest
  @MethodSource("types")
  void aPartitionThatDoesNotExistIsUnknown(ElectionType type) {
    RequestedElection.Outcome o = RequestedElection.decide(type, "t-9", null, null, Set.of(1), 9);
    assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, o.error());
    assertEquals("partition t-9 does not exist", o.message());
  }

  static Stream<ElectionType> types() {
    return Stream.of(ElectionType.values());
  }
}
