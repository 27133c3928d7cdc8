package io.tributary.log.cluster;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * Whether a broker's metadata shows the elections the controller wrote: ElectLeaders is answered when it does
 * (as Kafka's DelayedElectLeader waits), and an election not seen by the request's timeout is reported as
 * REQUEST_TIMED_OUT.
 */
final class ElectionsSeen {
  private ElectionsSeen() {}

  /** True for a refused election (nothing to wait for) and for one whose leader and epoch the image shows. */
  static boolean shows(ClusterImage image, TopicPartition tp, RequestedElection.Outcome outcome) {
    if (outcome.next() == null) {
      return true;
    }
    PartitionState seen = image.partitions().get(tp);
    return seen != null && seen.leader() == outcome.next().leader() && seen.leaderEpoch() >= outcome.next().leaderEpoch();
  }

  /** The outcomes, with REQUEST_TIMED_OUT for every election the image does not show. */
  static Map<TopicPartition, RequestedElection.Outcome> timedOutUnlessShown(ClusterImage image,
      Map<TopicPartition, RequestedElection.Outcome> outcomes) {
    Map<TopicPartition, RequestedElection.Outcome> out = new LinkedHashMap<>();
    outcomes.forEach((tp, o) -> out.put(tp, shows(image, tp, o) ? o : new RequestedElection.Outcome(null,
        Errors.REQUEST_TIMED_OUT, "the election of " + tp + " was written but not seen in the metadata in time")));
    return out;
  }
}
