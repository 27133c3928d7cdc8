package io.tributary.log.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The broker's counted meters, named after Kafka's MBeans so that the Prometheus JMX exporter's rendering (and
 * the Kafka dashboards built on it) applies: {@code kafka.server.BrokerTopicMetrics.MessagesIn} is the bean
 * {@code kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec,topic=T} and the series
 * {@code kafka_server_brokertopicmetrics_messagesin_total{topic="T"}}. Gauges (partition counts, the active
 * controller) are read from the broker's state where it is wired; this class only counts.
 */
public final class BrokerMetrics {
  /** Kafka's histogram percentiles ({@code 50thPercentile} ... {@code 999thPercentile}). */
  private static final double[] KAFKA_PERCENTILES = {0.5, 0.75, 0.95, 0.98, 0.99, 0.999};

  private final MeterRegistry registry;
  private final Map<String, TopicMeters> topics = new ConcurrentHashMap<>();
  private final Map<String, RequestMeters> requests = new ConcurrentHashMap<>();
  private final Counter isrShrinks;
  private final Counter isrExpands;

  private record TopicMeters(Counter messagesIn, Counter bytesIn, Counter bytesOut) {}

  private record RequestMeters(Counter requests, DistributionSummary totalTimeMs) {}

  public BrokerMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.isrShrinks = Counter.builder("kafka.server.ReplicaManager.IsrShrinks")
        .description("ISR shrinks written by this broker as leader").register(registry);
    this.isrExpands = Counter.builder("kafka.server.ReplicaManager.IsrExpands")
        .description("ISR expands written by this broker as leader").register(registry);
  }

  /** Meters kept in memory only (for a broker built without a metrics listener, and for tests). */
  public static BrokerMetrics detached() {
    return new BrokerMetrics(new SimpleMeterRegistry());
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Records appended as leader (Kafka counts them on the leader only, not on followers). */
  public void appendedAsLeader(String topic, int records, int bytes) {
    TopicMeters m = topic(topic);
    m.messagesIn.increment(records);
    m.bytesIn.increment(bytes);
  }

  /** Bytes sent to consumers (replication fetches excluded, as in Kafka's BytesOutPerSec). */
  public void sentToConsumers(String topic, long bytes) {
    topic(topic).bytesOut.increment(bytes);
  }

  public void isrShrunk() {
    isrShrinks.increment();
  }

  public void isrExpanded() {
    isrExpands.increment();
  }

  /** One request answered: {@code api} is Kafka's request name ({@code Produce}, {@code Fetch}, ...). */
  public void requestCompleted(String api, long totalTimeMs) {
    RequestMeters m = requests.computeIfAbsent(api, a -> new RequestMeters(
        Counter.builder("kafka.network.RequestMetrics.Requests").tag("request", a)
            .description("requests answered, by API").register(registry),
        DistributionSummary.builder("kafka.network.RequestMetrics.TotalTimeMs").tag("request", a).baseUnit(null)
            .description("time from receiving a request to its response being ready, in ms")
            .publishPercentiles(KAFKA_PERCENTILES).register(registry)));
    m.requests.increment();
    m.totalTimeMs.record(totalTimeMs);
  }

  private TopicMeters topic(String topic) {
    return topics.computeIfAbsent(topic, t -> new TopicMeters(
        Counter.builder("kafka.server.BrokerTopicMetrics.MessagesIn").tag("topic", t)
            .description("records appended as leader").register(registry),
        Counter.builder("kafka.server.BrokerTopicMetrics.BytesIn").tag("topic", t)
            .description("bytes appended as leader").register(registry),
        Counter.builder("kafka.server.BrokerTopicMetrics.BytesOut").tag("topic", t)
            .description("bytes sent to consumers").register(registry)));
  }
}
