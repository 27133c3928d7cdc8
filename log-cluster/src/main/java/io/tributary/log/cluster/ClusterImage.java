package io.tributary.log.cluster;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/** An immutable snapshot of the cluster metadata held in ZooKeeper. */
public record ClusterImage(
    Map<Integer, BrokerInfo> brokers,
    Map<String, TopicInfo> topics,
    Map<TopicPartition, PartitionState> partitions,
    int controllerId) {

  public static final ClusterImage EMPTY = new ClusterImage(Map.of(), Map.of(), Map.of(), -1);

  public Optional<TopicInfo> topic(String name) {
    return Optional.ofNullable(topics.get(name));
  }

  public Optional<TopicInfo> topicById(Uuid id) {
    return topics.values().stream().filter(t -> t.id().equals(id)).findFirst();
  }

  public Optional<PartitionState> partition(TopicPartition tp) {
    return Optional.ofNullable(partitions.get(tp));
  }

  public Collection<BrokerInfo> liveBrokers() {
    return brokers.values();
  }

  public boolean isLive(int brokerId) {
    return brokers.containsKey(brokerId);
  }
}
