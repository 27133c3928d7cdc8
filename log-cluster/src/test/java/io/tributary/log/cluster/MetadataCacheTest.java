package io.tributary.log.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link MetadataCache#whenImage} against a real ZooKeeper: completes on the write it waits for, or false at its timeout. */
class MetadataCacheTest {
  static final long WAIT_MS = 10_000;

  private ZooKeeperStore zookeeper;
  private CuratorFramework zk;
  private MetadataCache cache;
  private ClusterStore store;

  @BeforeEach
  void start() throws Exception {
    zookeeper = ZooKeeperStore.start();
    zk = zookeeper.zk;
    store = zookeeper.store;
    cache = new MetadataCache(zk);
    cache.start();
  }

  @AfterEach
  void stop() throws Exception {
    cache.close();
    zookeeper.close();
  }

  @Test
  void completesWhenTheImageShowsTheWrite() throws Exception {
    CompletableFuture<Boolean> seen = cache.whenImage(img -> img.topic("orders").isPresent(), WAIT_MS);
    assertFalse(seen.isDone(), "the topic does not exist yet");
    SortedMap<Integer, List<Integer>> replicas = new TreeMap<>(Map.of(0, List.of(0)));
    store.createTopic("orders", Uuid.randomUuid(), replicas, Map.of(), Map.of(0, new PartitionState(0, 0, List.of(0), 0, 0)));
    assertEquals(true, seen.get(WAIT_MS, TimeUnit.MILLISECONDS));
    assertTrue(cache.image().topic("orders").isPresent());
  }

  @Test
  void completesAtOnceWhenTheImageAlreadyMatches() {
    CompletableFuture<Boolean> seen = cache.whenImage(img -> img.topic("absent").isEmpty(), WAIT_MS);
    assertEquals(true, seen.getNow(null));
  }

  @Test
  void completesWithFalseAtItsTimeout() throws Exception {
    long start = System.nanoTime();
    CompletableFuture<Boolean> seen = cache.whenImage(img -> img.topic("never").isPresent(), 200);
    assertEquals(false, seen.get(WAIT_MS, TimeUnit.MILLISECONDS));
    assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) >= 200, "not before its timeout");
  }
}
