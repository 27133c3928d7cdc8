package io.tributary.log.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ClusterStore#alterTopicConfigs} against a real ZooKeeper when several admins alter different keys of one
 * topic at once (an operator's retention change while {@code kafka-reassign-partitions --verify} removes the throttled
 * replicas): every alter survives, because each is a compare-and-set on the config znode and is re-applied when
 * another got in between. A read-modify-write of the whole map lost some of them.
 */
class ConcurrentTopicConfigStoreTest {
  static final int WRITERS = 4;
  static final int KEYS_PER_WRITER = 40;
  private ZooKeeperStore zookeeper;
  private CuratorFramework zk;
  private ClusterStore store;

  @BeforeEach
  void start() throws Exception {
    zookeeper = ZooKeeperStore.start();
    zk = zookeeper.zk;
    store = zookeeper.store;
    store.createTopic("orders", Uuid.randomUuid(), new TreeMap<>(Map.of(0, List.of(0))), Map.of("cleanup.policy", "compact"),
        Map.of(0, new PartitionState(0, 0, List.of(0), 0, 0)));
  }

  @AfterEach
  void stop() throws Exception {
    zookeeper.close();
  }

  @Test
  void concurrentAltersOfDifferentKeysAllSurvive() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    try {
      CyclicBarrier together = new CyclicBarrier(WRITERS);
      List<Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        writers.add(pool.submit(() -> {
          together.await(30, TimeUnit.SECONDS);
          for (int k = 0; k < KEYS_PER_WRITER; k++) {
            String key = "key." + writer + "." + k;
            store.alterTopicConfigs("orders", current -> {
              Map<String, String> next = new LinkedHashMap<>(current);
              next.put(key, "v");
              return next;
            });
          }
          return null;
        }));
      }
      for (Future<?> f : writers) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    Map<String, String> configs = store.readTopicConfigs("orders");
    assertEquals(WRITERS * KEYS_PER_WRITER + 1, configs.size(), "alters lost: " + configs.keySet());
    assertEquals("compact", configs.get("cleanup.policy"));
  }

  @Test
  void aConfigZnodeThatIsNotJsonIsNamedAndNotOverwritten() throws Exception {
    zk.setData().forPath(ZkPaths.topicConfig("orders"), "{".getBytes(StandardCharsets.UTF_8));
    IllegalArgumentException read = assertThrows(IllegalArgumentException.class, () -> store.readTopicConfigs("orders"));
    assertTrue(read.getMessage().contains(ZkPaths.topicConfig("orders")), read.getMessage());
    assertThrows(IllegalArgumentException.class, () -> store.alterTopicConfigs("orders", current -> Map.of("retention.ms", "1")));
    assertEquals("{", new String(zk.getData().forPath(ZkPaths.topicConfig("orders")), StandardCharsets.UTF_8),
        "an alter must not replace overrides it could not read");
  }

  @Test
  void anUnknownTopicIsRefused() {
    assertThrows(UnknownTopicOrPartitionException.class, () -> store.readTopicConfigs("missing"));
    assertThrows(UnknownTopicOrPartitionException.class, () -> store.alterTopicConfigs("missing", current -> current));
  }
}
