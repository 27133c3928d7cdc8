package io.tributary.log.cluster;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the cluster metadata in ZooKeeper with a Curator cache and publishes an immutable
 * {@link ClusterImage} after every change (bursts of changes are coalesced into one rebuild).
 */
public final class MetadataCache implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetadataCache.class);

  private final CuratorCache cache;
  private final ExecutorService rebuilder;
  private final AtomicBoolean rebuildPending = new AtomicBoolean();
  private final List<Consumer<ClusterImage>> listeners = new CopyOnWriteArrayList<>();
  private volatile ClusterImage image = ClusterImage.EMPTY;
  /** Callers waiting for an image that satisfies their condition (see {@link #whenImage}). */
  private final Queue<ImageWaiter> imageWaiters = new ConcurrentLinkedQueue<>();

  public MetadataCache(CuratorFramework zk) {
    this.cache = CuratorCache.build(zk, "/");
    this.rebuilder = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "metadata-cache");
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts following; returns once the initial contents are loaded. */
  public void start() throws InterruptedException {
    CountDownLatch initialized = new CountDownLatch(1);
    cache.listenable().addListener(CuratorCacheListener.builder()
        .forAll((type, oldData, data) -> scheduleRebuild())
        .forInitialized(() -> {
          rebuild();
          initialized.countDown();
        })
        .build());
    cache.start();
    if (!initialized.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("ZooKeeper metadata did not load within 60 s");
    }
  }

  public void addListener(Consumer<ClusterImage> listener) {
    listeners.add(listener);
  }

  public ClusterImage image() {
    return image;
  }

  /**
   * Completes with true once the image satisfies {@code condition} (read-your-writes after a ZooKeeper
   * write), or with false after {@code timeoutMs}. Nothing waits on a thread meanwhile: request handlers
   * answer when it completes, on the thread that published the image.
   */
  public CompletableFuture<Boolean> whenImage(Predicate<ClusterImage> condition, long timeoutMs) {
    ImageWaiter waiter = new ImageWaiter(condition, new CompletableFuture<>());
    waiter.seen().completeOnTimeout(false, timeoutMs, TimeUnit.MILLISECONDS);
    imageWaiters.add(waiter);
    // Checked after registering, so that an image published in between is not missed.
    waiter.check(image);
    waiter.seen().whenComplete((seen, error) -> imageWaiters.remove(waiter));
    return waiter.seen();
  }

  private record ImageWaiter(Predicate<ClusterImage> condition, CompletableFuture<Boolean> seen) {
    void check(ClusterImage current) {
      if (!seen.isDone() && condition.test(current)) {
        seen.complete(true);
      }
    }
  }

  private void scheduleRebuild() {
    if (rebuildPending.compareAndSet(false, true)) {
      try {
        rebuilder.execute(() -> {
          rebuildPending.set(false);
          rebuild();
        });
      } catch (RejectedExecutionException closing) {
        // ZooKeeper events still arrive while the cache is closing; there is nobody left to rebuild for.
      }
    }
  }

  private void rebuild() {
    try {
      ClusterImage next = build(image);
      image = next;
      for (ImageWaiter waiter : imageWaiters) {
        try {
          waiter.check(next);
        } catch (RuntimeException e) {
          log.error("metadata waiter failed", e);
        }
      }
      for (Consumer<ClusterImage> l : listeners) {
        try {
          l.accept(next);
        } catch (RuntimeException e) {
          log.error("metadata listener failed", e);
        }
      }
    } catch (RuntimeException e) {
      log.error("cannot rebuild cluster metadata from ZooKeeper; keeping the previous image", e);
    }
  }

  /**
   * The image of the znodes in the cache. A znode that does not decode keeps its value of {@code previous}
   * (see {@link LastGoodZnode}); one never decoded is left out.
   */
  private ClusterImage build(ClusterImage previous) {
    Map<Integer, BrokerInfo> brokers = new HashMap<>();
    Map<String, byte[]> topicData = new HashMap<>();
    Map<String, Map<String, String>> configs = new HashMap<>();
    Set<String> undecodableConfigs = new HashSet<>();
    Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    Map<String, Uuid> deletedTopics = new HashMap<>();
    int controller = -1;
    for (ChildData d : (Iterable<ChildData>) cache.stream()::iterator) {
      String path = d.getPath();
      byte[] data = d.getData();
      String[] parts = path.split("/");
      // parts[0] is "" because paths start with '/'
      if (path.startsWith(ZkPaths.BROKER_IDS + "/") && parts.length == 4 && data != null) {
        OptionalInt id = number(path, parts[3]);
        if (id.isPresent()) {
          BrokerInfo b = LastGoodZnode.decodeOrKeep(path, data, bytes -> ZkJson.broker(id.getAsInt(), bytes),
              previous.brokers().get(id.getAsInt()));
          if (b != null) {
            brokers.put(id.getAsInt(), b);
          }
        }
      } else if (path.startsWith(ZkPaths.TOPICS + "/") && parts.length == 3 && data != null && data.length > 0) {
        topicData.put(parts[2], data);
      } else if (path.startsWith(ZkPaths.TOPICS + "/") && parts.length == 6 && parts[5].equals("state") && data != null) {
        OptionalInt partition = number(path, parts[4]);
        if (partition.isPresent()) {
          TopicPartition tp = new TopicPartition(parts[2], partition.getAsInt());
          int version = d.getStat().getVersion();
          PartitionState state = LastGoodZnode.decodeOrKeep(path, data, bytes -> ZkJson.partitionState(bytes, version),
              previous.partitions().get(tp));
          if (state != null) {
            partitions.put(tp, state);
          }
        }
      } else if (path.startsWith(ZkPaths.TOPIC_CONFIGS + "/") && parts.length == 4) {
        Map<String, String> c = LastGoodZnode.decodeOrKeep(path, data, ZkJson::configs,
            previous.topic(parts[3]).map(TopicInfo::configs).orElse(null));
        if (c != null) {
          configs.put(parts[3], c);
        } else {
          undecodableConfigs.add(parts[3]);
        }
      } else if (path.equals(ZkPaths.CONTROLLER_EPOCH) && data != null) {
        controller = LastGoodZnode.decodeOrKeep(path, data, bytes -> ZkJson.controllerEpoch(bytes)[1], previous.controllerId());
      } else if (path.startsWith(ZkPaths.DELETED_TOPICS + "/") && parts.length == 4 && data != null) {
        Uuid id = LastGoodZnode.decodeOrKeep(path, data, ZkJson::deletedTopic, previous.deletedTopics().get(parts[3]));
        if (id != null) {
          deletedTopics.put(parts[3], id);
        }
      }
    }
    Map<String, TopicInfo> topics = new HashMap<>();
    topicData.forEach((name, data) -> {
      if (undecodableConfigs.contains(name)) {
        // Its retention and cleanup policy are unknown: serving it with the defaults could delete data.
        log.error("skipping topic '{}' until its config znode {} is valid", name, ZkPaths.topicConfig(name));
        return;
      }
      Map<String, String> topicConfigs = configs.getOrDefault(name, Map.of());
      TopicInfo lastGood = previous.topic(name)
          .map(t -> t.withConfigs(topicConfigs))
          .orElse(null);
      TopicInfo topic = LastGoodZnode.decodeOrKeep(ZkPaths.topic(name), data, bytes -> ZkJson.topic(name, bytes, topicConfigs), lastGood);
      if (topic != null) {
        topics.put(name, topic);
      }
    });
    partitions.keySet().removeIf(tp -> !topics.containsKey(tp.topic()));
    return new ClusterImage(Map.copyOf(brokers), Map.copyOf(topics), Map.copyOf(partitions), controller, Map.copyOf(deletedTopics));
  }

  /** The number in a znode's name (a broker id, a partition), or empty — logged — when it is not one. */
  private static OptionalInt number(String path, String name) {
    try {
      return OptionalInt.of(Integer.parseInt(name));
    } catch (NumberFormatException e) {
      log.error("ignoring znode {}: '{}' is not a number", path, name);
      return OptionalInt.empty();
    }
  }

  @Override
  public void close() {
    cache.close();
    rebuilder.shutdownNow();
  }
}
