package io.tributary.log.cluster;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.apache.kafka.common.Uuid;

/** A topic: its stable id, the replicas of each partition (first = preferred leader), and its configs. */
public record TopicInfo(String name, Uuid id, SortedMap<Integer, List<Integer>> replicas, Map<String, String> configs) {
  public int partitionCount() {
    return replicas.size();
  }

  public boolean isInternal() {
    return name.startsWith("__");
  }
}
