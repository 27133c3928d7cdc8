package io.tributary.log.cluster;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's shell around {@link ReassignmentStep}: on every metadata change, each partition being reassigned
 * whose target is all in sync is switched to it in ZooKeeper. The reassignment lives in the topic znode, so a new
 * controller continues where a failed one stopped.
 */
final class ReassignmentCompletion {
  private static final Logger log = LoggerFactory.getLogger(ReassignmentCompletion.class);

  private ReassignmentCompletion() {}

  static void run(ClusterImage image, ClusterStore store, int controllerEpoch, int controllerEpochZkVersion) {
    for (TopicInfo topic : image.topics().values()) {
      for (Map.Entry<Integer, PartitionReassignment> e : topic.reassignments().entrySet()) {
        TopicPartition tp = new TopicPartition(topic.name(), e.getKey());
        List<Integer> replicas = topic.replicas().get(e.getKey());
        PartitionState state = image.partitions().get(tp);
        if (replicas == null || state == null) {
          continue;
        }
        ReassignmentStep.Completion done = ReassignmentStep.next(replicas, e.getValue(), state, image.brokers().keySet(), controllerEpoch);
        if (done == null) {
          continue;
        }
        try {
          if (store.completeReassignment(tp, replicas, state, done, controllerEpochZkVersion)) {
            log.info("{}: reassignment complete, replicas {} -> {}, leader {} -> {}, ISR {} -> {}", tp, replicas, done.replicas(),
                state.leader(), done.state().leader(), state.isr(), done.state().isr());
          } else {
            log.debug("{}: reassignment completion refused (state, topic or controller epoch changed); the next event retries", tp);
          }
        } catch (Exception ex) {
          log.warn("{}: could not complete the reassignment: {}", tp, ex.toString());
        }
      }
    }
  }
}
