package io.tributary.log.cluster;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;

/**
 * A topic: its stable id, the replicas of each partition (first = preferred leader), its configs, and the
 * partitions being reassigned (their replicas are then the target followed by the replicas being removed).
 */
public record TopicInfo(String name, Uuid id, SortedMap<Integer, List<Integer>> replicas, Map<String, String> configs,
                        SortedMap<Integer, PartitionReassignment> reassignments) {
  public TopicInfo {
    reassignments = reassignments == null ? new TreeMap<>() : reassignments;
  }

  public TopicInfo(String name, Uuid id, SortedMap<Integer, List<Integer>> replicas, Map<String, String> configs) {
    this(name, id, replicas, configs, new TreeMap<>());
  }

  public int partitionCount() {
    return replicas.size();
  }

  public boolean isInternal() {
    return name.startsWith("__");
  }

  /** The reassignment of {@code partition} in flight, or null. */
  public PartitionReassignment reassignment(int partition) {
    return reassignments.get(partition);
  }

  /** This topic with one partition's replicas and reassignment (null: none) replaced. */
  public TopicInfo withAssignment(int partition, PartitionReassignment.Assignment assignment) {
    SortedMap<Integer, List<Integer>> r = new TreeMap<>(replicas);
    r.put(partition, assignment.replicas());
    SortedMap<Integer, PartitionReassignment> re = new TreeMap<>(reassignments);
    if (assignment.reassignment() == null) {
      re.remove(partition);
    } else {
      re.put(partition, assignment.reassignment());
    }
    return new TopicInfo(name, id, r, configs, re);
  }

  /** This topic with other configs. */
  public TopicInfo withConfigs(Map<String, String> newConfigs) {
    return new TopicInfo(name, id, replicas, newConfigs, reassignments);
  }
}
