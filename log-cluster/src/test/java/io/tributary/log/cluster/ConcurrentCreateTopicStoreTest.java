package io.tributary.log.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ClusterStore#createTopic} against a real ZooKeeper when several admins create one topic at once (two Kafka
 * Connect workers creating {@code connect-offsets} with {@code cleanup.policy=compact}): one wins, the others get
 * TopicExistsException, and the winner's config survives. The loser used to delete the config znode as a leftover.
 */
class ConcurrentCreateTopicStoreTest {
  static final int CREATORS = 4;
  static final int ROUNDS = 15;
  private ZooKeeperStore zookeeper;
  private CuratorFramework zk;
  private ClusterStore store;

  @BeforeEach
  void start() throws Exception {
    zookeeper = ZooKeeperStore.start();
    zk = zookeeper.zk;
    store = zookeeper.store;
  }

  @AfterEach
  void stop() throws Exception {
    zookeeper.close();
  }

  @Test
  void oneCreationWinsAndKeepsItsConfig() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CREATORS);
    try {
      for (int round = 0; round < ROUNDS; round++) {
        String name = "connect-offsets-" + round;
        CyclicBarrier together = new CyclicBarrier(CREATORS);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < CREATORS; i++) {
          results.add(pool.submit(() -> {
            together.await(30, TimeUnit.SECONDS);
            try {
              create(name);
              return true;
            } catch (TopicExistsException e) {
              return false;
            }
          }));
        }
        int won = 0;
        for (Future<Boolean> r : results) {
          won += r.get(60, TimeUnit.SECONDS) ? 1 : 0;
        }
        assertEquals(1, won, "creations of " + name + " that succeeded");
        assertTrue(config(name).contains("compact"), name + " lost its config: " + config(name));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aConfigLeftByAHalfDoneDeletionIsReplaced() throws Exception {
    zk.create().creatingParentsIfNeeded().forPath(ZkPaths.topicConfig("orders"),
        ZkJson.configs(Map.of("cleanup.policy", "delete", "retention.ms", "1")));
    create("orders");
    assertTrue(config("orders").contains("compact") && !config("orders").contains("retention.ms"), config("orders"));
  }

  private void create(String name) throws Exception {
    store.createTopic(name, Uuid.randomUuid(), new TreeMap<>(Map.of(0, List.of(0))), Map.of("cleanup.policy", "compact"),
        Map.of(0, new PartitionState(0, 0, List.of(0), 0, 0)));
  }

  private String config(String name) throws Exception {
    return new String(zk.getData().forPath(ZkPaths.topicConfig(name)), StandardCharsets.UTF_8);
  }
}
