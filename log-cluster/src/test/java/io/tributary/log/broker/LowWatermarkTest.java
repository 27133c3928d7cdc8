package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** DeleteRecords' low watermark: the lowest log start offset across the leader and its live followers. */
class LowWatermarkTest {
  static final int LEADER = 0;

  record Case(String name, long leaderLogStart, Map<Integer, Long> followers, List<Integer> live, long expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Case> cases() {
    return List.of(
        new Case("leader alone", 40, Map.of(), List.of(LEADER), 40),
        new Case("followers caught up", 40, Map.of(1, 40L, 2, 40L), List.of(LEADER, 1, 2), 40),
        new Case("one follower behind", 40, Map.of(1, 40L, 2, 10L), List.of(LEADER, 1, 2), 10),
        new Case("a follower ahead does not raise it", 40, Map.of(1, 50L), List.of(LEADER, 1), 40),
        new Case("a live follower not heard from is unknown", 40, Map.of(1, 40L), List.of(LEADER, 1, 2), -1),
        new Case("a dead follower does not hold it back", 40, Map.of(1, 40L, 2, 0L), List.of(LEADER, 1), 40),
        new Case("the leader's own report is not used", 40, Map.of(LEADER, 0L, 1, 40L), List.of(LEADER, 1), 40));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void lowestLogStartOffsetOfTheLiveReplicas(Case c) {
    assertEquals(c.expected(), Partition.lowWatermark(c.leaderLogStart(), c.followers(), c.live(), LEADER));
  }
}
