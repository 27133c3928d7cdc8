package io.tributary.log.broker;

import io.tributary.log.cluster.BrokerInfo;
import io.tributary.log.cluster.ClusterStore;
import io.tributary.log.cluster.MetadataCache;
import io.tributary.log.cluster.PartitionState;
import io.tributary.log.cluster.ReplicaAssignor;
import io.tributary.log.cluster.TopicInfo;
import io.tributary.log.storage.LogConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.Topic;

/**
 * Topic creation, deletion and configuration, written to ZooKeeper. Every broker then follows the
 * change through its metadata cache; this broker waits until its own cache shows it before answering,
 * so that a client's next request to it sees the change.
 */
public final class TopicAdmin {
  static final long PROPAGATION_TIMEOUT_MS = 30_000;
  /**
   * The most partitions a request may give one topic. Without a bound, one CreateTopics or CreatePartitions with a
   * count of 2^31-1 (a typo, or a fuzzed frame) makes a request handler build a topic of millions of partitions in
   * memory and in its znode; Kafka's controller bounds one operation at 10,000 records the same way.
   */
  static final int MAX_PARTITIONS_PER_TOPIC = 10_000;

  private final ClusterStore store;
  private final MetadataCache metadata;
  private final Map<String, String> topicDefaults;

  public TopicAdmin(ClusterStore store, MetadataCache metadata, Map<String, String> topicDefaults) {
    this.store = store;
    this.metadata = metadata;
    this.topicDefaults = topicDefaults;
  }

  /** A request to create one topic; {@code assignment} may be empty (then replicas are placed). */
  public record NewTopic(String name, int partitions, int replicationFactor, SortedMap<Integer, List<Integer>> assignment,
                         Map<String, String> configs) {}

  /**
   * Validates and creates a topic; returns it as stored. With {@code validateOnly} nothing is written.
   * Blocks until this broker's metadata shows the topic: for callers on threads of their own.
   */
  public TopicInfo create(NewTopic req, boolean validateOnly) throws Exception {
    try {
      return createAsync(req, validateOnly).get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  /**
   * {@link #create} for request handlers: validation and the ZooKeeper write happen before it returns,
   * the wait for this broker's metadata does not hold the calling thread.
   */
  public CompletableFuture<TopicInfo> createAsync(NewTopic req, boolean validateOnly) {
    try {
      Topic.validate(req.name());
      // Validate the overrides on top of the broker defaults: unknown key or bad value names the key.
      LogConfig.fromMap(topicDefaults, req.configs());
      SortedMap<Integer, List<Integer>> replicas = placeReplicas(req);
      Uuid id = Uuid.randomUuid();
      TopicInfo created = new TopicInfo(req.name(), id, replicas, new LinkedHashMap<>(req.configs()));
      if (validateOnly) {
        return CompletableFuture.completedFuture(created);
      }
      Map<Integer, PartitionState> states = new LinkedHashMap<>();
      replicas.forEach((p, ids) -> states.put(p, new PartitionState(ids.get(0), 0, ids, 0, 0)));
      store.createTopic(req.name(), id, replicas, created.configs(), states);
      // The topic znode and its partition states arrive in the cache as separate events: wait for all.
      return metadata.whenImage(img -> img.topic(req.name()).map(t -> t.id().equals(id)).orElse(false)
              && states.keySet().stream().allMatch(p -> img.partitions().containsKey(new TopicPartition(req.name(), p))),
          PROPAGATION_TIMEOUT_MS).thenApply(seen -> {
            if (!seen) {
              throw new TimeoutException("topic '" + req.name() + "' was created but did not reach this broker's metadata within "
                  + PROPAGATION_TIMEOUT_MS + " ms");
            }
            return created;
          });
    } catch (Exception e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static void checkPartitionBound(int partitions) {
    if (partitions > MAX_PARTITIONS_PER_TOPIC) {
      throw new InvalidPartitionsException("number of partitions must be at most " + MAX_PARTITIONS_PER_TOPIC
          + " per topic, got " + partitions);
    }
  }

  private SortedMap<Integer, List<Integer>> placeReplicas(NewTopic req) {
    if (req.assignment().isEmpty()) {
      if (req.partitions() <= 0) {
        throw new InvalidPartitionsException("number of partitions must be at least 1, got " + req.partitions());
      }
      checkPartitionBound(req.partitions());
      return assignAcrossLiveBrokers(req.name(), req.partitions(), req.replicationFactor());
    }
    checkPartitionBound(req.assignment().size());
    SortedMap<Integer, List<Integer>> replicas = new TreeMap<>(req.assignment());
    for (int p = 0; p < replicas.size(); p++) {
      List<Integer> ids = replicas.get(p);
      if (ids == null) {
        throw new InvalidReplicaAssignmentException("assignments of '" + req.name() + "' must cover partitions 0.." + (replicas.size() - 1));
      }
      checkReplicaList(req.name(), p, ids);
    }
    return replicas;
  }

  /** The assignor's placement of partitions 0..partitions-1; the start depends on the name, as at creation. */
  private SortedMap<Integer, List<Integer>> assignAcrossLiveBrokers(String topic, int partitions, int replicationFactor) {
    List<BrokerInfo> live = new ArrayList<>(metadata.image().liveBrokers());
    live.sort(Comparator.comparingInt(BrokerInfo::id));
    return ReplicaAssignor.assign(live, partitions, replicationFactor, Math.abs(topic.hashCode()));
  }

  /** A replica list given by a client: non-empty, distinct, every broker live. */
  private void checkReplicaList(String topic, int partition, List<Integer> ids) {
    if (ids.isEmpty() || ids.stream().distinct().count() != ids.size()) {
      throw new InvalidReplicaAssignmentException("partition " + partition + " of '" + topic
          + "' needs a non-empty list of distinct brokers, got " + ids);
    }
    for (int id : ids) {
      if (metadata.image().brokers().get(id) == null) {
        throw new InvalidReplicaAssignmentException("broker " + id + " in the assignment of partition " + partition
            + " of '" + topic + "' is not live");
      }
    }
  }

  /**
   * CreatePartitions for one topic: grows it to {@code newCount} partitions, the new ones placed by the
   * assignor or at {@code assignments} (one replica list per new partition, in order). Returns the new
   * partitions' replicas; with {@code validateOnly} nothing is written. Keys hashed by the default
   * partitioner move to other partitions once producers see the new count.
   */
  public CompletableFuture<SortedMap<Integer, List<Integer>>> addPartitionsAsync(String name, int newCount,
      List<List<Integer>> assignments, boolean validateOnly) {
    try {
      TopicInfo topic = metadata.image().topic(name)
          .orElseThrow(() -> new UnknownTopicOrPartitionException("topic '" + name + "' does not exist"));
      int current = topic.partitionCount();
      if (newCount < current) {
        throw new InvalidPartitionsException("Topic currently has " + current + " partitions, which is higher than the requested "
            + newCount + ".");
      }
      if (newCount == current) {
        throw new InvalidPartitionsException("Topic already has " + current + " partitions.");
      }
      checkPartitionBound(newCount);
      int replicationFactor = topic.replicas().get(0).size();
      SortedMap<Integer, List<Integer>> added = new TreeMap<>();
      if (assignments == null) {
        added.putAll(assignAcrossLiveBrokers(name, newCount, replicationFactor).tailMap(current));
      } else {
        if (assignments.size() != newCount - current) {
          throw new InvalidReplicaAssignmentException("Increasing the number of partitions by " + (newCount - current)
              + " but " + assignments.size() + " assignments provided.");
        }
        for (int i = 0; i < assignments.size(); i++) {
          List<Integer> ids = List.copyOf(assignments.get(i));
          checkReplicaList(name, current + i, ids);
          if (ids.size() != replicationFactor) {
            throw new InvalidReplicaAssignmentException("Inconsistent replication factor between partitions, partition 0 has "
                + replicationFactor + " while partition " + (current + i) + " has replication factor " + ids.size() + ".");
          }
          added.put(current + i, ids);
        }
      }
      if (validateOnly) {
        return CompletableFuture.completedFuture(added);
      }
      Map<Integer, PartitionState> states = new LinkedHashMap<>();
      added.forEach((p, ids) -> states.put(p, new PartitionState(ids.get(0), 0, ids, 0, 0)));
      store.addPartitions(name, current, added, states);
      return metadata.whenImage(img -> img.topic(name).map(t -> t.partitionCount() >= newCount).orElse(false)
              && added.keySet().stream().allMatch(p -> img.partitions().containsKey(new TopicPartition(name, p))),
          PROPAGATION_TIMEOUT_MS).thenApply(seen -> {
            if (!seen) {
              throw new TimeoutException("partitions of '" + name + "' were added but did not reach this broker's metadata within "
                  + PROPAGATION_TIMEOUT_MS + " ms");
            }
            return added;
          });
    } catch (Exception e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Deletes a topic; completes once this broker's metadata no longer shows it (or after the propagation timeout). */
  public CompletableFuture<Void> delete(String name) {
    try {
      if (Topic.isInternal(name)) {
        throw new InvalidRequestException("internal topic '" + name + "' cannot be deleted");
      }
      store.deleteTopic(name);
      return metadata.whenImage(img -> img.topic(name).isEmpty(), PROPAGATION_TIMEOUT_MS).thenApply(seen -> null);
    } catch (Exception e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Changes a topic's config overrides: {@code change} maps the overrides ZooKeeper holds to the new ones and is
   * applied by compare-and-set (re-applied if another alter got in between). The answer waits until this broker's
   * metadata shows the change.
   */
  public CompletableFuture<Void> alterConfigs(String name, UnaryOperator<Map<String, String>> change, boolean validateOnly) {
    try {
      UnaryOperator<Map<String, String>> validated = current -> {
        Map<String, String> next = change.apply(current);
        LogConfig.fromMap(topicDefaults, next);
        return next;
      };
      if (validateOnly) {
        validated.apply(store.readTopicConfigs(name));
        return CompletableFuture.completedFuture(null);
      }
      Map<String, String> next = store.alterTopicConfigs(name, validated);
      return metadata.whenImage(img -> img.topic(name).map(t -> t.configs().equals(next)).orElse(true), PROPAGATION_TIMEOUT_MS)
          .thenApply(seen -> null);
    } catch (Exception e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** A topic's config overrides as ZooKeeper holds them now: what a describe must show right after an alter. */
  public Map<String, String> currentConfigs(String name) throws Exception {
    return store.readTopicConfigs(name);
  }

  /** The effective config of a topic: broker defaults overlaid by the topic's overrides. */
  public LogConfig effectiveConfig(TopicInfo topic) {
    return LogConfig.fromMap(topicDefaults, topic.configs());
  }

  public Map<String, String> topicDefaults() {
    return topicDefaults;
  }

  ClusterStore store() {
    return store;
  }

  MetadataCache metadata() {
    return metadata;
  }
}
