package io.tributary.log.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ClusterStore#addPartitions} against a real ZooKeeper: the assignment grows with the new partitions'
 * states, and a write decided from a partition count that changed since is refused, not merged.
 */
class AddPartitionsStoreTest {
  private ZooKeeperStore zookeeper;
  private CuratorFramework zk;
  private ClusterStore store;

  @BeforeEach
  void start() throws Exception {
    zookeeper = ZooKeeperStore.start();
    zk = zookeeper.zk;
    store = zookeeper.store;
    store.createTopic("orders", Uuid.randomUuid(), new TreeMap<>(Map.of(0, List.of(0, 1))), Map.of(),
        Map.of(0, new PartitionState(0, 0, List.of(0, 1), 0, 0)));
  }

  @AfterEach
  void stop() throws Exception {
    zookeeper.close();
  }

  @Test
  void addsTheAssignmentAndTheStates() throws Exception {
    store.addPartitions("orders", 1, added(1, List.of(1, 0)), Map.of(1, new PartitionState(1, 0, List.of(1, 0), 0, 0)));

    TopicInfo topic = ZkJson.topic("orders", zk.getData().forPath(ZkPaths.topic("orders")), Map.of());
    assertEquals(Map.of(0, List.of(0, 1), 1, List.of(1, 0)), topic.replicas());
    assertEquals(1, store.readPartitionState(new TopicPartition("orders", 1)).leader());
  }

  @Test
  void refusesAWriteDecidedFromAnOlderPartitionCount() throws Exception {
    store.addPartitions("orders", 1, added(1, List.of(1, 0)), Map.of(1, new PartitionState(1, 0, List.of(1, 0), 0, 0)));

    // A second admin request checked against one partition, written after the first one grew the topic.
    assertThrows(InvalidPartitionsException.class, () ->
        store.addPartitions("orders", 1, added(1, List.of(0, 1)), Map.of(1, new PartitionState(0, 0, List.of(0, 1), 0, 0))));
    assertThrows(UnknownTopicOrPartitionException.class, () ->
        store.addPartitions("missing", 1, added(1, List.of(0)), Map.of(1, new PartitionState(0, 0, List.of(0), 0, 0))));
    TopicInfo topic = ZkJson.topic("orders", zk.getData().forPath(ZkPaths.topic("orders")), Map.of());
    assertEquals(List.of(1, 0), topic.replicas().get(1), "the first write stands");
  }

  private static SortedMap<Integer, List<Integer>> added(int partition, List<Integer> replicas) {
    return new TreeMap<>(Map.of(partition, replicas));
  }
}
