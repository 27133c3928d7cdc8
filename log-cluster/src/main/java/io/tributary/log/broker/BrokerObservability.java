package io.tributary.log.broker;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.tributary.log.cluster.ClusterImage;
import io.tributary.log.cluster.Controller;
import io.tributary.log.cluster.PartitionState;
import io.tributary.log.metrics.BrokerMetrics;
import io.tributary.metrics.MetricsHttpServer;
import io.tributary.metrics.ProcessMetrics;
import io.tributary.metrics.Readiness;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker's metrics and health: its {@link ProcessMetrics}, the counted {@link BrokerMetrics}, the gauges read
 * from its state (Kafka's names), consumer-group lag, and, with {@code metrics.port} set, the HTTP listener with
 * {@code /metrics}, {@code /health/live} and {@code /health/ready}.
 */
final class BrokerObservability implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BrokerObservability.class);
  /** How long a scrape waits for the group coordinator's committed offsets before showing the previous lag. */
  private static final long LAG_READ_TIMEOUT_MS = 2_000;

  private final BrokerConfig config;
  private final ProcessMetrics process = new ProcessMetrics();
  private final BrokerMetrics metrics = new BrokerMetrics(process.registry());
  private MetricsHttpServer http;

  BrokerObservability(BrokerConfig config) {
    this.config = config;
  }

  BrokerMetrics metrics() {
    return metrics;
  }

  /** Registers the gauges over the running broker, then starts the HTTP listener unless {@code metrics.port} is -1. */
  void start(ReplicaManager replicas, Controller controller, GroupApis groups) throws IOException {
    int brokerId = config.brokerId();
    gauge("kafka.server.ReplicaManager.PartitionCount", replicas, p -> true);
    gauge("kafka.server.ReplicaManager.LeaderCount", replicas, Partition::isLeader);
    gauge("kafka.server.ReplicaManager.UnderReplicatedPartitions", replicas,
        p -> p.isLeader() && p.isr().size() < p.replicas().size());
    Gauge.builder("kafka.controller.KafkaController.ActiveControllerCount", () -> controller.isActive() ? 1 : 0)
        .description("1 on the broker that is the controller, 0 on the others").register(process.registry());
    Gauge.builder("kafka.controller.KafkaController.OfflinePartitionsCount",
            () -> controller.isActive() ? offlinePartitions(replicas.image()) : 0)
        .description("partitions without a live leader (reported by the controller)").register(process.registry());
    MultiGauge lag = MultiGauge.builder("kafka.consumergroup.lag")
        .description("high watermark minus the group's committed offset, per group and partition")
        .register(process.registry());
    process.beforeScrape(() -> refreshLag(lag, replicas, groups));
    if (config.metricsPort() >= 0) {
      http = MetricsHttpServer.start(config.listenerHost(), config.metricsPort(), process,
          () -> readiness(brokerId, replicas), "broker-" + brokerId);
    }
  }

  /** The port of the metrics listener, -1 when it is off. */
  int boundPort() {
    return http == null ? -1 : http.boundPort();
  }

  private void gauge(String name, ReplicaManager replicas, Predicate<Partition> counted) {
    Gauge.builder(name, () -> replicas.partitions().stream().filter(counted).count()).register(process.registry());
  }

  static long offlinePartitions(ClusterImage image) {
    return image.partitions().values().stream()
        .filter(s -> s.leader() == PartitionState.NO_LEADER || !image.isLive(s.leader()))
        .count();
  }

  private static Readiness readiness(int brokerId, ReplicaManager replicas) {
    ClusterImage image = replicas.image();
    List<TopicPartition> outOfIsr = replicas.partitions().stream()
        .filter(p -> p.leaderId() >= 0 && !p.isr().contains(brokerId))
        .map(Partition::topicPartition).sorted((a, b) -> a.toString().compareTo(b.toString())).toList();
    return BrokerReadiness.evaluate(brokerId, image.brokers().containsKey(brokerId), image.controllerId(), outOfIsr);
  }

  /**
   * Lag of each group coordinated here on each partition this broker hosts (the high watermark it knows: exact on
   * the leader, as of the last fetch on a follower). A partition with no replica here has no lag series on this
   * broker.
   */
  private static void refreshLag(MultiGauge lag, ReplicaManager replicas, GroupApis groups) {
    Map<String, Map<TopicPartition, Long>> committed;
    try {
      committed = groups.committedOffsets().get(LAG_READ_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.debug("group offsets not read for the lag metric: {}", e.toString());
      return;
    }
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    committed.forEach((group, offsets) -> offsets.forEach((tp, offset) -> {
      Optional<Partition> p = replicas.partition(tp);
      if (p.isPresent()) {
        long groupLag = Math.max(0, p.get().highWatermark() - offset);
        rows.add(MultiGauge.Row.of(Tags.of("consumergroup", group, "topic", tp.topic(),
            "partition", Integer.toString(tp.partition())), groupLag));
      }
    }));
    lag.register(rows, true);
  }

  @Override
  public void close() {
    if (http != null) {
      http.close();
    }
    process.close();
  }
}
