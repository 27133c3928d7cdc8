package io.tributary.log.broker;

import io.tributary.log.cluster.ClusterImage;
import io.tributary.log.group.CoordinatorHost;
import io.tributary.log.group.GroupConfig;
import io.tributary.log.group.GroupCoordinator;
import io.tributary.log.group.GroupCoordinatorConfig;
import io.tributary.log.protocol.KafkaRequest;
import io.tributary.log.storage.PartitionLog;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.utils.Time;

/**
 * Wires the group coordinator (group/) into this broker: its settings from the broker's config, the
 * replica manager and topic admin behind its {@link CoordinatorHost}, and its requests behind
 * {@link GroupApis}. The dependency points down only: group/ knows nothing of broker/.
 */
final class GroupCoordinatorWiring {
  /** The most members (and pending member ids) a group may hold; fixed (Kafka's {@code group.max.size} is a key). */
  static final int GROUP_MAX_SIZE = 1_000;

  private GroupCoordinatorWiring() {}

  /** A started group coordinator for this broker. */
  static GroupApis start(BrokerConfig config, ReplicaManager replicas, TopicAdmin topics, Time time) {
    GroupCoordinator coordinator = new GroupCoordinator(settings(config), new BrokerHost(replicas, topics), time).start();
    return new GroupApis() {
      @Override
      public Set<ApiKeys> apis() {
        return coordinator.apis();
      }

      @Override
      public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        return coordinator.handle(request);
      }

      @Override
      public CompletableFuture<Map<String, Map<TopicPartition, Long>>> committedOffsets() {
        return coordinator.committedOffsets();
      }

      @Override
      public void close() {
        coordinator.close();
      }
    };
  }

  static GroupCoordinatorConfig settings(BrokerConfig config) {
    GroupConfig groups = new GroupConfig(config.groupMinSessionTimeoutMs(), config.groupMaxSessionTimeoutMs(),
        config.groupInitialRebalanceDelayMs(), GROUP_MAX_SIZE);
    return new GroupCoordinatorConfig(config.brokerId(), groups, config.offsetsRetentionMinutes() * 60_000L,
        config.offsetsRetentionCheckIntervalMs(), config.offsetsCommitTimeoutMs(), config.offsetsTopicPartitions(),
        config.offsetsTopicReplicationFactor());
  }

  /** The broker as the coordinator sees it. */
  private record BrokerHost(ReplicaManager replicas, TopicAdmin topics) implements CoordinatorHost {
    @Override
    public ClusterImage image() {
      return replicas.image();
    }

    @Override
    public int leaderEpochHere(TopicPartition tp) {
      Optional<Partition> part = replicas.partition(tp);
      return part.isPresent() && part.get().isLeader() ? Math.max(part.get().leaderEpoch(), 0) : -1;
    }

    @Override
    public PartitionLog log(TopicPartition tp) {
      return replicas.partition(tp).orElseThrow().log();
    }

    @Override
    public CompletableFuture<?> appendAndWait(TopicPartition tp, MemoryRecords records, long timeoutMs) {
      return replicas.appendAndWait(tp, records, timeoutMs);
    }

    @Override
    public void createTopic(String name, int partitions, int replicationFactor, Map<String, String> configs)
        throws Exception {
      topics.create(new TopicAdmin.NewTopic(name, partitions, replicationFactor, new TreeMap<>(), configs), false);
    }

    @Override
    public void addLeadershipListener(Consumer<TopicPartition> changed) {
      replicas.addLeadershipListener(new ReplicaManager.LeadershipListener() {
        @Override
        public void onBecomeLeader(TopicPartition tp, int leaderEpoch) {
          changed.accept(tp);
        }

        @Override
        public void onResign(TopicPartition tp) {
          changed.accept(tp);
        }
      });
    }
  }
}
