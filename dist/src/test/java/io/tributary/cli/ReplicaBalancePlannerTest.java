package io.tributary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.cli.ReplicaBalancePlanner.Broker;
import io.tributary.cli.ReplicaBalancePlanner.Plan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The planner's goals on a table of clusters: balanced replicas and leaders, racks apart, few moves. */
class ReplicaBalancePlannerTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        // name, brokers (id:rack or id), assignment "t-p=a,b,c;...", expected replicas moved (-1: don't check)
        Arguments.of("already balanced: nothing moves", "0 1 2", "t-0=0,1;t-1=1,2;t-2=2,0", 0),
        Arguments.of("a fourth broker joins 3 brokers, 6 partitions RF 2", "0 1 2 3",
            "t-0=0,1;t-1=1,2;t-2=2,0;t-3=0,1;t-4=1,2;t-5=2,0", 3),
        Arguments.of("a fourth broker joins, 4 partitions RF 3", "0 1 2 3",
            "t-0=0,1,2;t-1=1,2,0;t-2=2,0,1;t-3=0,1,2", 3),
        Arguments.of("decommission broker 0: only its replicas move", "1 2 3",
            "t-0=0,1;t-1=1,2;t-2=2,3;t-3=3,0", 2),
        Arguments.of("racks: a fourth rack joins three", "0:a 1:b 2:c 3:d",
            "t-0=0,1,2;t-1=1,2,0;t-2=2,0,1;t-3=0,1,2", 3),
        Arguments.of("two topics, RF 1", "0 1 2", "a-0=0;a-1=0;a-2=0;b-0=0;b-1=0;b-2=1", 3),
        Arguments.of("leaders only: replicas are balanced but broker 0 leads all", "0 1 2",
            "t-0=0,1;t-1=0,2;t-2=0,1;t-3=0,2;t-4=1,2;t-5=2,1", -1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void balances(String name, String brokerSpec, String assignmentSpec, int expectedMoved) {
    List<Broker> brokers = brokers(brokerSpec);
    Map<TopicPartition, List<Integer>> current = assignment(assignmentSpec);
    Plan plan = ReplicaBalancePlanner.plan(brokers, current);
    Set<Integer> ids = new HashSet<>();
    brokers.forEach(b -> ids.add(b.id()));
    Map<TopicPartition, List<Integer>> target = plan.target();

    assertEquals(current.keySet(), target.keySet(), name);
    target.forEach((tp, r) -> {
      assertEquals(current.get(tp).size(), r.size(), tp + ": replication factor kept");
      assertEquals(r.size(), new HashSet<>(r).size(), tp + ": no broker twice " + r);
      assertTrue(ids.containsAll(r), tp + ": only allowed brokers " + r);
      long racks = r.stream().map(b -> rackOf(brokers, b)).distinct().count();
      long available = brokers.stream().map(Broker::rack).distinct().count();
      if (brokers.stream().allMatch(b -> b.rack().isPresent())) {
        assertEquals(Math.min(r.size(), available), racks, tp + ": replicas on distinct racks " + r);
      }
    });
    assertWithinOne(ReplicaBalancePlanner.replicaCounts(ids, target), "replicas", name);
    assertWithinOne(ReplicaBalancePlanner.leaderCounts(ids, target), "leaders", name);
    if (expectedMoved >= 0) {
      assertEquals(expectedMoved, plan.replicasMoved(), name + ": " + plan.moves());
    }
  }

  /** Racks come first: rack a (brokers 0 and 3) holds one replica per partition, so b and c hold more. */
  @Test
  void racksBoundTheBalance() {
    Plan plan = ReplicaBalancePlanner.plan(brokers("0:a 1:b 2:c 3:a"), assignment("t-0=0,1,2;t-1=1,2,0;t-2=2,0,1;t-3=0,1,2"));
    plan.target().forEach((tp, r) -> assertEquals(1, r.stream().filter(b -> b == 0 || b == 3).count(), tp + " " + r));
    assertEquals(Map.of(0, 2, 1, 4, 2, 4, 3, 2), ReplicaBalancePlanner.replicaCounts(Set.of(0, 1, 2, 3), plan.target()));
    assertEquals(2, plan.replicasMoved(), plan.moves().toString());
  }

  @Test
  void refusesWhenTheRemainingBrokersCannotHoldTheReplicationFactor() {
    ReplicaBalancePlanner.Infeasible e = assertThrows(ReplicaBalancePlanner.Infeasible.class,
        () -> ReplicaBalancePlanner.plan(brokers("1 2"), assignment("t-0=0,1,2")));
    assertTrue(e.getMessage().contains("t-0 has replication factor 3 but only 2 broker(s) [1, 2]"), e.getMessage());
  }

  @Test
  void samePlanForTheSameInput() {
    Map<TopicPartition, List<Integer>> current = assignment("t-0=0,1;t-1=1,2;t-2=2,0;t-3=0,1;t-4=1,2;t-5=2,0");
    Map<TopicPartition, List<Integer>> shuffled = new LinkedHashMap<>();
    List<TopicPartition> keys = new ArrayList<>(current.keySet());
    Collections.reverse(keys);
    keys.forEach(k -> shuffled.put(k, current.get(k)));
    assertEquals(ReplicaBalancePlanner.plan(brokers("0 1 2 3"), current).target(),
        ReplicaBalancePlanner.plan(brokers("0 1 2 3"), shuffled).target());
    assertFalse(ReplicaBalancePlanner.plan(brokers("0 1 2 3"), current).moves().isEmpty());
  }

  private static void assertWithinOne(Map<Integer, Integer> counts, String what, String name) {
    int max = Collections.max(counts.values());
    int min = Collections.min(counts.values());
    assertTrue(max - min <= 1, name + ": " + what + " per broker within one: " + counts);
  }

  private static Optional<String> rackOf(List<Broker> brokers, int id) {
    return brokers.stream().filter(b -> b.id() == id).findFirst().orElseThrow().rack();
  }

  static List<Broker> brokers(String spec) {
    List<Broker> out = new ArrayList<>();
    for (String s : spec.split(" ")) {
      String[] parts = s.split(":");
      out.add(new Broker(Integer.parseInt(parts[0]), parts.length > 1 ? Optional.of(parts[1]) : Optional.empty()));
    }
    return out;
  }

  static Map<TopicPartition, List<Integer>> assignment(String spec) {
    Map<TopicPartition, List<Integer>> out = new LinkedHashMap<>();
    for (String entry : spec.split(";")) {
      String[] kv = entry.split("=");
      int dash = kv[0].lastIndexOf('-');
      List<Integer> replicas = new ArrayList<>();
      for (String b : kv[1].split(",")) {
        replicas.add(Integer.parseInt(b));
      }
      out.put(new TopicPartition(kv[0].substring(0, dash), Integer.parseInt(kv[0].substring(dash + 1))), replicas);
    }
    return out;
  }
}
