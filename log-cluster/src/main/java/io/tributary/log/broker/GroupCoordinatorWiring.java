package io.tributary.log.broker;

import io.tributary.log.group.CoordinatorHost;
import io.tributary.log.group.GroupConfig;
import io.tributary.log.group.GroupCoordinator;
import io.tributary.log.group.GroupCoordinatorConfig;
import io.tributary.log.protocol.KafkaRequest;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.utils.Time;

/**
 * Wires the group coordinator (group/) into this broker: its settings from the broker's config, the
 * broker behind its {@link CoordinatorHost} ({@link BrokerCoordinatorHost}), and its requests behind
 * {@link GroupApis}. The dependency points down only: group/ knows nothing of broker/.
 */
final class GroupCoordinatorWiring {
  /** The most members (and pending member ids) a group may hold; fixed (Kafka's {@code group.max.size} is a key). */
  static final int GROUP_MAX_SIZE = 1_000;

  private GroupCoordinatorWiring() {}

  /** A started group coordinator for this broker. */
  static GroupApis start(BrokerConfig config, BrokerCoordinatorHost host, Time time) {
    GroupCoordinator coordinator = new GroupCoordinator(settings(config), host, time).start();
    // Transaction markers on __consumer_offsets make pending TxnOffsetCommit offsets committed (or drop them).
    host.replicas().addTxnMarkerListener((offsetsPartition, producerId, producerEpoch, committed) ->
        coordinator.onTxnMarker(offsetsPartition, producerId, committed));
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
}
