package io.tributary.log.cluster;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * An immutable snapshot of the cluster metadata held in ZooKeeper. {@code deletedTopics} are the deletion
 * marks: topic name to the id of the topic that was deleted under that name.
 */
public record ClusterImage(
    Map<Integer, BrokerInfo> brokers,
    Map<String, TopicInfo> topics,
    Map<TopicPartition, PartitionState> partitions,
    int controllerId,
    Map<String, Uuid> deletedTopics) {

  public static final ClusterImage EMPTY = new ClusterImage(Map.of(), Map.of(), Map.of(), -1, Map.of());

  /**
   * Whether a local log of {@code topic} with {@code localTopicId} belongs to a topic the controller deleted,
   * the one reason a broker deletes a log. A log written before topic ids were stored ({@link Uuid#ZERO_UUID})
   * matches a mark of its name only while no topic of that name exists.
   */
  public boolean isDeleted(String topic, Uuid localTopicId) {
    Uuid deleted = deletedTopics.get(topic);
    if (deleted == null) {
      return false;
    }
    if (Uuid.ZERO_UUID.equals(localTopicId)) {
      return !topics.containsKey(topic);
    }
    return deleted.equals(localTopicId);
  }

  /**
   * Whether a local log of {@code tp} belongs to a partition that a completed reassignment moved off {@code brokerId}:
   * its topic exists with the log's very id and the partition's replicas no longer name the broker (Kafka's
   * StopReplica with deletion). A log without a topic id, or of a topic that reads as missing, is never matched.
   */
  public boolean isReassignedAway(TopicPartition tp, Uuid localTopicId, int brokerId) {
    TopicInfo topic = topics.get(tp.topic());
    if (topic == null || Uuid.ZERO_UUID.equals(localTopicId) || !topic.id().equals(localTopicId)) {
      return false;
    }
    var replicas = topic.replicas().get(tp.partition());
    return replicas != null && !replicas.contains(brokerId);
  }

  /** This image with other partition states. */
  public ClusterImage withPartitions(Map<TopicPartition, PartitionState> states) {
    return new ClusterImage(brokers, topics, Map.copyOf(states), controllerId, deletedTopics);
  }

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
