package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.log.cluster.BrokerInfo;
import io.tributary.log.cluster.ClusterImage;
import io.tributary.log.cluster.PartitionState;
import io.tributary.metrics.Readiness;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BrokerReadinessTest {
  @ParameterizedTest(name = "registered {0}, controller {1}, {2} partitions out of the ISR -> ready {3}")
  @CsvSource({
      "true,  2, 0, true,  ''",
      "false, 2, 0, false, registered",
      "true, -1, 0, false, controller",
      "true,  0, 1, false, caught up",
      "false, -1, 7, false, registered controller caught up",
  })
  void readyWhenRegisteredWithAControllerAndInEveryIsr(boolean registered, int controllerId, int outOfIsr,
      boolean ready, String failing) {
    List<TopicPartition> lagging = IntStream.range(0, outOfIsr).mapToObj(i -> new TopicPartition("t", i)).toList();
    Readiness r = BrokerReadiness.evaluate(1, registered, controllerId, lagging);
    assertEquals(ready, r.ready());
    assertEquals(failing, String.join(" ", r.checks().stream().filter(c -> !c.ok()).map(Readiness.Check::name).toList()));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"5 | [t-0, t-1, t-2, t-3, t-4]", "7 | [t-0, t-1, t-2, t-3, t-4] and 2 more"})
  void namesTheFirstLaggingPartitions(int outOfIsr, String named) {
    List<TopicPartition> lagging = IntStream.range(0, outOfIsr).mapToObj(i -> new TopicPartition("t", i)).toList();
    assertEquals("not in the ISR of " + named, BrokerReadiness.evaluate(1, true, 1, lagging).checks().get(2).detail());
  }

  @ParameterizedTest(name = "leaders {0} with brokers 1 and 2 live -> {1} offline")
  @CsvSource({"'1,2', 0", "'1,-1', 1", "'3,2', 1", "'-1,3', 2"})
  void offlinePartitionsHaveNoLiveLeader(String leaders, int offline) {
    Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    String[] ids = leaders.split(",");
    for (int i = 0; i < ids.length; i++) {
      partitions.put(new TopicPartition("t", i), new PartitionState(Integer.parseInt(ids[i]), 0, List.of(1, 2), 0, 0));
    }
    ClusterImage image = new ClusterImage(Map.of(1, new BrokerInfo(1, "h", 1, ""), 2, new BrokerInfo(2, "h", 2, "")),
        Map.of(), partitions, 1, Map.of());
    assertEquals(offline, BrokerObservability.offlinePartitions(image));
  }
}
