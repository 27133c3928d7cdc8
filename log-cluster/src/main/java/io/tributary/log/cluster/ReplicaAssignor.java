package io.tributary.log.cluster;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;

/**
 * Places replicas on brokers, spreading leaders and, when brokers declare {@code broker.rack}, putting
 * each partition's replicas on as many different racks as there are. A pure function.
 */
public final class ReplicaAssignor {
  private ReplicaAssignor() {}

  /**
   * @param brokers live brokers
   * @param startIndex rotates the first leader (callers pass a hash of the topic name) so that topics
   *     do not all lead on the same broker
   */
  public static SortedMap<Integer, List<Integer>> assign(List<BrokerInfo> brokers, int partitions, int replicationFactor, int startIndex) {
    if (replicationFactor <= 0) {
      throw new InvalidReplicationFactorException("replication factor must be at least 1, got " + replicationFactor);
    }
    if (replicationFactor > brokers.size()) {
      throw new InvalidReplicationFactorException("replication factor " + replicationFactor
          + " is larger than the " + brokers.size() + " live broker(s)");
    }
    List<Integer> order = rackAlternatingOrder(brokers);
    Map<Integer, String> rackOf = new LinkedHashMap<>();
    brokers.forEach(b -> rackOf.put(b.id(), b.rack()));
    int racks = (int) brokers.stream().map(BrokerInfo::rack).distinct().count();
    int n = order.size();
    int start = Math.floorMod(startIndex, n);
    SortedMap<Integer, List<Integer>> out = new TreeMap<>();
    for (int p = 0; p < partitions; p++) {
      int first = (start + p) % n;
      // Shift followers by a per-round amount so that a broker's followers are spread too.
      int shift = 1 + ((p / n) % Math.max(1, n - 1));
      List<Integer> replicas = new ArrayList<>(replicationFactor);
      Set<String> racksUsed = new HashSet<>();
      replicas.add(order.get(first));
      racksUsed.add(rackOf.get(order.get(first)));
      while (replicas.size() < replicationFactor) {
        if (racksUsed.size() == racks) {
          racksUsed.clear(); // every rack has a replica: start another round over the racks
        }
        int chosen = -1;
        // Walk the brokers from the shifted position; take the first one on a rack not used yet.
        for (int k = 0; k < n && chosen < 0; k++) {
          int candidate = order.get((first + shift + k) % n);
          if (!replicas.contains(candidate) && !racksUsed.contains(rackOf.get(candidate))) {
            chosen = candidate;
          }
        }
        if (chosen < 0) {
          racksUsed.clear();
          continue;
        }
        replicas.add(chosen);
        racksUsed.add(rackOf.get(chosen));
      }
      out.put(p, List.copyOf(replicas));
    }
    return out;
  }

  /** Broker ids ordered so that consecutive ones are on different racks when racks are declared. */
  static List<Integer> rackAlternatingOrder(List<BrokerInfo> brokers) {
    Map<String, List<Integer>> byRack = new LinkedHashMap<>();
    brokers.stream()
        .sorted(Comparator.comparing(BrokerInfo::rack).thenComparingInt(BrokerInfo::id))
        .forEach(b -> byRack.computeIfAbsent(b.rack(), r -> new ArrayList<>()).add(b.id()));
    List<Integer> order = new ArrayList<>();
    int round = 0;
    while (order.size() < brokers.size()) {
      for (List<Integer> ids : byRack.values()) {
        if (round < ids.size()) {
          order.add(ids.get(round));
        }
      }
      round++;
    }
    return order;
  }
}
