package io.tributary.log.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The automatic leader rebalance decision as a table. Ten partitions are preferred on broker 1 (replicas
 * [1, 2]); the rows say how many of them broker 2 leads, the live brokers and the percentage allowed.
 */
class LeaderImbalanceTest {
  static final int PARTITIONS = 10;

  static Stream<Arguments> table() {
    return Stream.of(
        // led by 2, live, percentage -> partitions moved back
        Arguments.of(0, Set.of(1, 2), 10, 0),
        Arguments.of(1, Set.of(1, 2), 10, 0),   // 10% is not above 10%: left alone
        Arguments.of(2, Set.of(1, 2), 10, 2),   // 20% > 10%: both move back
        Arguments.of(10, Set.of(1, 2), 10, 10),
        Arguments.of(2, Set.of(1, 2), 20, 0),
        Arguments.of(1, Set.of(1, 2), 0, 1),    // 0%: any partition led elsewhere moves back
        Arguments.of(10, Set.of(2), 10, 0));    // broker 1 is down: nothing can move back to it
  }

  @ParameterizedTest(name = "{0} of 10 led elsewhere, live {1}, {2}% allowed -> {3} moved")
  @MethodSource("table")
  void movesBackTheBrokersAboveThePercentage(int ledElsewhere, Set<Integer> live, int percentage, int moved) {
    Map<TopicPartition, List<Integer>> replicas = new LinkedHashMap<>();
    Map<TopicPartition, PartitionState> states = new LinkedHashMap<>();
    for (int p = 0; p < PARTITIONS; p++) {
      TopicPartition tp = new TopicPartition("t", p);
      replicas.put(tp, List.of(1, 2));
      states.put(tp, new PartitionState(p < ledElsewhere ? 2 : 1, 3, List.of(1, 2), 1, 0));
    }

    List<TopicPartition> back = LeaderImbalance.partitionsToMoveBack(replicas, states, live, percentage);

    assertEquals(moved, back.size(), back.toString());
    back.forEach(tp -> assertEquals(2, states.get(tp).leader(), "only partitions led elsewhere move: " + tp));
  }

  @ParameterizedTest(name = "offline partitions count as not led")
  @MethodSource("offline")
  void ratioCountsPartitionsWithNoLeader(int leader, double ratio) {
    TopicPartition tp = new TopicPartition("t", 0);
    Map<Integer, LeaderImbalance.BrokerImbalance> imbalance = LeaderImbalance.byBroker(Map.of(tp, List.of(1, 2)),
        Map.of(tp, new PartitionState(leader, 0, List.of(1), 1, 0)), Set.of(1, 2));
    assertEquals(ratio, imbalance.get(1).ratio());
    assertEquals(Set.of(1), imbalance.keySet(), "broker 2 is preferred for nothing");
  }

  static Stream<Arguments> offline() {
    return Stream.of(Arguments.of(1, 0.0), Arguments.of(2, 1.0), Arguments.of(PartitionState.NO_LEADER, 1.0));
  }
}
