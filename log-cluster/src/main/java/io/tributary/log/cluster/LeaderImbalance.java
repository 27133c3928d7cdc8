package io.tributary.log.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Kafka's automatic leader rebalance check ({@code auto.leader.rebalance.enable}): for each live broker, the
 * partitions it is the preferred replica of (first assigned) and the share of them led by another broker or
 * by none. When that share exceeds {@code leader.imbalance.per.broker.percentage}, those partitions are
 * candidates for a preferred election; the election itself still requires the preferred replica to be in the
 * ISR ({@link RequestedElection}). A broker at or under the percentage is left alone, so that a few
 * partitions led elsewhere do not cause leadership churn.
 */
public final class LeaderImbalance {
  private LeaderImbalance() {}

  /** One broker's imbalance: partitions it is preferred for, and how many of them it does not lead. */
  public record BrokerImbalance(int broker, int preferredPartitions, List<TopicPartition> notLed) {
    public double ratio() {
      return preferredPartitions == 0 ? 0 : (double) notLed.size() / preferredPartitions;
    }
  }

  /** The imbalance of every live broker that is the preferred replica of at least one partition, by broker id. */
  public static Map<Integer, BrokerImbalance> byBroker(Map<TopicPartition, List<Integer>> replicas,
      Map<TopicPartition, PartitionState> states, Set<Integer> live) {
    Map<Integer, Integer> preferredCounts = new TreeMap<>();
    Map<Integer, List<TopicPartition>> notLed = new TreeMap<>();
    for (Map.Entry<TopicPartition, List<Integer>> e : replicas.entrySet()) {
      PartitionState state = states.get(e.getKey());
      if (e.getValue().isEmpty() || state == null) {
        continue;
      }
      int preferred = e.getValue().get(0);
      if (!live.contains(preferred)) {
        continue; // nothing can move back to a broker that is down
      }
      preferredCounts.merge(preferred, 1, Integer::sum);
      List<TopicPartition> elsewhere = notLed.computeIfAbsent(preferred, b -> new ArrayList<>());
      if (state.leader() != preferred) {
        elsewhere.add(e.getKey());
      }
    }
    Map<Integer, BrokerImbalance> out = new TreeMap<>();
    preferredCounts.forEach((broker, count) -> out.put(broker, new BrokerImbalance(broker, count, List.copyOf(notLed.get(broker)))));
    return out;
  }

  /**
   * The partitions whose leadership should move back to their preferred replica: those of every broker whose
   * imbalance ratio is above {@code imbalancePercentage} percent (strictly, as Kafka compares).
   */
  public static List<TopicPartition> partitionsToMoveBack(Map<TopicPartition, List<Integer>> replicas,
      Map<TopicPartition, PartitionState> states, Set<Integer> live, int imbalancePercentage) {
    List<TopicPartition> out = new ArrayList<>();
    for (BrokerImbalance b : byBroker(replicas, states, live).values()) {
      if (b.ratio() > imbalancePercentage / 100.0) {
        out.addAll(b.notLed());
      }
    }
    return out;
  }
}
