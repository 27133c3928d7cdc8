package io.tributary.log.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.junit.jupiter.api.Test;

/** Replica placement: distinct brokers, spread leaders, and racks used when declared. */
class ReplicaAssignorTest {

  private static List<BrokerInfo> brokers(String... racks) {
    return java.util.stream.IntStream.range(0, racks.length)
        .mapToObj(i -> new BrokerInfo(i, "h" + i, 9092, racks[i])).toList();
  }

  @Test
  void replicasAreDistinctAndLeadersSpreadEvenly() {
    SortedMap<Integer, List<Integer>> a = ReplicaAssignor.assign(brokers("", "", ""), 6, 3, 0);
    Map<Integer, Integer> leaders = new HashMap<>();
    for (List<Integer> replicas : a.values()) {
      assertEquals(3, new HashSet<>(replicas).size(), "distinct replicas: " + replicas);
      leaders.merge(replicas.get(0), 1, Integer::sum);
    }
    assertEquals(Map.of(0, 2, 1, 2, 2, 2), leaders);
  }

  @Test
  void everyPartitionSpansAllRacksWhenThereAreEnough() {
    List<BrokerInfo> b = brokers("a", "a", "b", "b", "c", "c");
    Map<Integer, String> rackOf = new HashMap<>();
    b.forEach(x -> rackOf.put(x.id(), x.rack()));
    SortedMap<Integer, List<Integer>> a = ReplicaAssignor.assign(b, 12, 3, 5);
    for (Map.Entry<Integer, List<Integer>> e : a.entrySet()) {
      Set<String> racks = new HashSet<>();
      e.getValue().forEach(id -> racks.add(rackOf.get(id)));
      assertEquals(3, racks.size(), "partition " + e.getKey() + " " + e.getValue() + " should use 3 racks");
    }
  }

  @Test
  void twoRacksGetBothUsedByEveryPartition() {
    List<BrokerInfo> b = brokers("a", "a", "b", "b");
    SortedMap<Integer, List<Integer>> a = ReplicaAssignor.assign(b, 8, 2, 0);
    for (List<Integer> replicas : a.values()) {
      assertTrue(!b.get(replicas.get(0)).rack().equals(b.get(replicas.get(1)).rack()), "different racks: " + replicas);
    }
  }

  @Test
  void replicationFactorAboveLiveBrokersIsRefused() {
    assertThrows(InvalidReplicationFactorException.class, () -> ReplicaAssignor.assign(brokers("", ""), 1, 3, 0));
    assertThrows(InvalidReplicationFactorException.class, () -> ReplicaAssignor.assign(brokers("", ""), 1, 0, 0));
  }
}
