package io.tributary.log.broker;

import io.tributary.metrics.Readiness;
import io.tributary.metrics.Readiness.Check;
import java.util.List;
import org.apache.kafka.common.TopicPartition;

/**
 * When a broker is ready ({@code /health/ready}): it is registered in ZooKeeper, a controller is known, and it is
 * caught up: in the ISR of every partition it hosts that has a leader (a partition without a leader waits for the
 * controller, not for this broker).
 */
final class BrokerReadiness {
  /** How many lagging partitions the detail names; the rest are counted. */
  static final int NAMED_PARTITIONS_MAX = 5;

  private BrokerReadiness() {}

  static Readiness evaluate(int brokerId, boolean registered, int controllerId, List<TopicPartition> outOfIsr) {
    String lagging = outOfIsr.size() <= NAMED_PARTITIONS_MAX ? outOfIsr.toString()
        : outOfIsr.subList(0, NAMED_PARTITIONS_MAX) + " and " + (outOfIsr.size() - NAMED_PARTITIONS_MAX) + " more";
    return new Readiness(List.of(
        new Check("registered", registered,
            registered ? "broker " + brokerId + " is registered" : "broker " + brokerId + " is not in /brokers/ids"),
        new Check("controller", controllerId >= 0,
            controllerId >= 0 ? "broker " + controllerId + " is the controller" : "no controller is known"),
        new Check("caught up", outOfIsr.isEmpty(),
            outOfIsr.isEmpty() ? "in the ISR of every hosted partition" : "not in the ISR of " + lagging)));
  }
}
