package io.tributary.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Plans target replica assignments that balance a cluster (the basic goals of rpk's partition balancer and Cruise
 * Control): every replica off the excluded brokers, replica counts per broker within one of each other, preferred
 * leaders (first replicas) per broker within one of each other, never two replicas of a partition on one rack when
 * another rack is free, and as few replicas moved as possible (each move fixes the worst imbalance; leadership is
 * balanced by reordering replicas, which copies nothing). Pure: no I/O, deterministic for the same input.
 */
final class ReplicaBalancePlanner {
  private ReplicaBalancePlanner() {}

  /** A broker that may hold replicas after the plan, with its rack ({@code broker.rack}) if it has one. */
  record Broker(int id, Optional<String> rack) {}

  /** The target of every partition whose replicas change (set or order); partitions left alone are not in it. */
  record Plan(SortedMap<TopicPartition, List<Integer>> current, SortedMap<TopicPartition, List<Integer>> target) {
    SortedMap<TopicPartition, List<Integer>> moves() {
      SortedMap<TopicPartition, List<Integer>> out = new TreeMap<>(ORDER);
      target.forEach((tp, replicas) -> {
        if (!replicas.equals(current.get(tp))) {
          out.put(tp, replicas);
        }
      });
      return out;
    }

    /** Replicas that must be copied to a broker that does not hold them yet. */
    int replicasMoved() {
      int n = 0;
      for (Map.Entry<TopicPartition, List<Integer>> e : moves().entrySet()) {
        n += (int) e.getValue().stream().filter(b -> !current.get(e.getKey()).contains(b)).count();
      }
      return n;
    }
  }

  static final Comparator<TopicPartition> ORDER = Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

  /** Thrown when the brokers that remain cannot hold a partition's replication factor. */
  static final class Infeasible extends RuntimeException {
    Infeasible(String message) {
      super(message);
    }
  }

  /**
   * @param brokers the brokers that may hold replicas (live brokers minus the excluded ones)
   * @param current every partition's replicas now, preferred leader first
   */
  static Plan plan(List<Broker> brokers, Map<TopicPartition, List<Integer>> current) {
    if (brokers.isEmpty()) {
      throw new Infeasible("no broker is left to hold the replicas");
    }
    Map<Integer, Optional<String>> racks = new TreeMap<>();
    brokers.forEach(b -> racks.put(b.id(), b.rack()));
    SortedMap<TopicPartition, List<Integer>> before = new TreeMap<>(ORDER);
    current.forEach((tp, r) -> before.put(tp, List.copyOf(r)));
    SortedMap<TopicPartition, List<Integer>> target = new TreeMap<>(ORDER);
    before.forEach((tp, r) -> target.put(tp, new ArrayList<>(r)));
    for (Map.Entry<TopicPartition, List<Integer>> e : target.entrySet()) {
      if (e.getValue().size() > racks.size()) {
        throw new Infeasible(e.getKey() + " has replication factor " + e.getValue().size() + " but only " + racks.size()
            + " broker(s) " + racks.keySet() + " would hold replicas");
      }
    }
    Map<Integer, Integer> counts = replicaCounts(racks.keySet(), target);

    // 1. Replicas on brokers that may not hold them move, each to the least-loaded broker that keeps racks apart.
    for (Map.Entry<TopicPartition, List<Integer>> e : target.entrySet()) {
      List<Integer> replicas = e.getValue();
      for (int i = 0; i < replicas.size(); i++) {
        if (!racks.containsKey(replicas.get(i))) {
          int to = bestDestination(replicas, i, racks, counts).orElseThrow(); // feasible: RF <= brokers
          replicas.set(i, to);
          counts.merge(to, 1, Integer::sum);
        }
      }
    }

    // 2. One replica at a time from the most- to the least-loaded broker, until counts are within one.
    while (true) {
      boolean moved = false;
      List<Integer> byLoad = new ArrayList<>(racks.keySet());
      byLoad.sort(Comparator.comparingInt((Integer b) -> counts.get(b)).thenComparingInt(b -> b));
      outer:
      for (int hi = byLoad.size() - 1; hi > 0 && !moved; hi--) {
        for (int lo = 0; lo < hi; lo++) {
          int from = byLoad.get(hi);
          int to = byLoad.get(lo);
          if (counts.get(from) - counts.get(to) <= 1) {
            continue;
          }
          for (List<Integer> replicas : target.values()) {
            int i = replicas.indexOf(from);
            if (i >= 0 && !replicas.contains(to) && !worsensRacks(replicas, i, to, racks)) {
              replicas.set(i, to);
              counts.merge(from, -1, Integer::sum);
              counts.merge(to, 1, Integer::sum);
              moved = true;
              break outer;
            }
          }
        }
      }
      if (!moved) {
        break;
      }
    }

    // 3. Preferred leaders: bring a replica of a less-leading broker to the front, until counts are within one.
    Map<Integer, Integer> leaders = leaderCounts(racks.keySet(), target);
    while (true) {
      boolean swapped = false;
      for (List<Integer> replicas : target.values()) {
        int leader = replicas.get(0);
        for (int i = 1; i < replicas.size() && !swapped; i++) {
          int other = replicas.get(i);
          if (leaders.get(leader) - leaders.get(other) > 1) {
            replicas.set(i, leader);
            replicas.set(0, other);
            leaders.merge(leader, -1, Integer::sum);
            leaders.merge(other, 1, Integer::sum);
            swapped = true;
          }
        }
        if (swapped) {
          break;
        }
      }
      if (!swapped) {
        break;
      }
    }
    SortedMap<TopicPartition, List<Integer>> frozen = new TreeMap<>(ORDER);
    target.forEach((tp, r) -> frozen.put(tp, List.copyOf(r)));
    return new Plan(before, frozen);
  }

  /** Replicas per broker; brokers outside {@code brokers} (excluded or gone) count too, so that reports show them. */
  static Map<Integer, Integer> replicaCounts(Set<Integer> brokers, Map<TopicPartition, List<Integer>> assignment) {
    Map<Integer, Integer> counts = new TreeMap<>();
    brokers.forEach(b -> counts.put(b, 0));
    assignment.values().forEach(r -> r.forEach(b -> counts.merge(b, 1, Integer::sum)));
    return counts;
  }

  /** Preferred leaders (first replicas) per broker. */
  static Map<Integer, Integer> leaderCounts(Set<Integer> brokers, Map<TopicPartition, List<Integer>> assignment) {
    Map<Integer, Integer> counts = new TreeMap<>();
    brokers.forEach(b -> counts.put(b, 0));
    assignment.values().stream().filter(r -> !r.isEmpty()).forEach(r -> counts.merge(r.get(0), 1, Integer::sum));
    return counts;
  }

  /** The least-loaded allowed broker for slot {@code i}, preferring one on a rack the other replicas do not use. */
  private static Optional<Integer> bestDestination(List<Integer> replicas, int i, Map<Integer, Optional<String>> racks,
      Map<Integer, Integer> counts) {
    Set<Optional<String>> used = otherRacks(replicas, i, racks);
    return racks.keySet().stream()
        .filter(b -> !replicas.contains(b))
        .min(Comparator.comparingInt((Integer b) -> rackClash(racks.get(b), used) ? 1 : 0)
            .thenComparingInt(counts::get).thenComparingInt(b -> b));
  }

  /** Whether putting {@code to} in slot {@code i} leaves fewer distinct racks than the partition has now. */
  private static boolean worsensRacks(List<Integer> replicas, int i, int to, Map<Integer, Optional<String>> racks) {
    Set<Optional<String>> used = otherRacks(replicas, i, racks);
    return rackClash(racks.get(to), used) && !rackClash(racks.get(replicas.get(i)), used);
  }

  private static Set<Optional<String>> otherRacks(List<Integer> replicas, int i, Map<Integer, Optional<String>> racks) {
    Set<Optional<String>> used = new HashSet<>();
    for (int j = 0; j < replicas.size(); j++) {
      if (j != i && racks.containsKey(replicas.get(j))) {
        used.add(racks.get(replicas.get(j)));
      }
    }
    return used;
  }

  /** Brokers without a rack never clash: Kafka treats rack-less clusters as one rack per broker. */
  private static boolean rackClash(Optional<String> rack, Set<Optional<String>> used) {
    return rack != null && rack.isPresent() && used.contains(rack);
  }

  /** For reports: counts before and after, per broker, in broker order. */
  static Map<Integer, int[]> countsBeforeAfter(Plan plan, Set<Integer> brokers) {
    Map<Integer, int[]> out = new LinkedHashMap<>();
    Set<Integer> all = new java.util.TreeSet<>(brokers);
    plan.current().values().forEach(all::addAll);
    Map<Integer, Integer> rb = replicaCounts(all, plan.current());
    Map<Integer, Integer> ra = replicaCounts(all, plan.target());
    Map<Integer, Integer> lb = leaderCounts(all, plan.current());
    Map<Integer, Integer> la = leaderCounts(all, plan.target());
    all.forEach(b -> out.put(b, new int[] {rb.get(b), ra.get(b), lb.get(b), la.get(b)}));
    return out;
  }
}
