package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.testkit.AwaitValue;
import io.tributary.testkit.PrometheusText;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short, in-JVM version of issue 17's done-when 1 (the full one, with real processes, the registry, a pipeline
 * and Prometheus, is {@code ClusterMetricsTest} in dist): three brokers with {@code metrics.port=0}; the named
 * metrics move as the cluster works.
 */
@Timeout(180)
class BrokerMetricsTest {
  private static final String TOPIC = "metered";
  private static final int RECORDS = 10;
  private static final long WAIT_MS = 60_000;
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void kafkaNamedMetricsMoveWithTheCluster() throws Exception {
    try (EmbeddedCluster cluster = EmbeddedCluster.start(3, dir, Map.of("metrics.port", "0"));
        Admin admin = cluster.admin()) {
      for (int id = 0; id < 3; id++) {
        int broker = id;
        awaitValue("broker " + id + " ready", () -> readyStatus(cluster, broker), 200);
      }
      assertEquals(1.0, sum(cluster, "kafka_controller_kafkacontroller_activecontrollercount", Map.of()),
          "exactly one active controller");
      cluster.createTopic(TOPIC, 1, 3, Map.of());
      int leader = awaitFullIsr(admin);
      Map<String, String> topic = Map.of("topic", TOPIC);

      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(cluster.producerProps())) {
        for (int i = 0; i < RECORDS; i++) {
          producer.send(new ProducerRecord<>(TOPIC, ("v" + i).getBytes(StandardCharsets.UTF_8))).get();
        }
      }
      assertEquals(RECORDS, sum(cluster, "kafka_server_brokertopicmetrics_messagesin_total", topic),
          "N records add N to messages-in, on the leader only");
      assertEquals(RECORDS, scrape(cluster, leader).sum("kafka_server_brokertopicmetrics_messagesin_total", topic));
      assertTrue(scrape(cluster, leader).sum("kafka_network_requestmetrics_requests_total", Map.of("request", "Produce")) >= RECORDS);
      Object jmxCount = ManagementFactory.getPlatformMBeanServer().getAttribute(
          new ObjectName("kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec,topic=" + TOPIC), "Count");
      assertTrue(jmxCount.equals((long) RECORDS) || jmxCount.equals(0L),
          "the JVM's bean is the first broker's to register the name (the leader's, or another's with 0): " + jmxCount);

      Map<String, String> lag = Map.of("consumergroup", "g", "topic", TOPIC, "partition", "0");
      Properties props = cluster.consumerProps();
      props.put(ConsumerConfig.GROUP_ID_CONFIG, "g");
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        consumer.commitSync(Map.of(tp, new OffsetAndMetadata(RECORDS - 4)));
        awaitValue("lag 4", () -> sum(cluster, "kafka_consumergroup_lag", lag), 4);
        consumer.commitSync(Map.of(tp, new OffsetAndMetadata(RECORDS)));
        awaitValue("lag 0 once the group caught up", () -> sum(cluster, "kafka_consumergroup_lag", lag), 0);
      }

      int follower = (leader + 1) % 3;
      cluster.stopBroker(follower);
      // every partition the leader leads with the stopped broker as a follower (__consumer_offsets' too) counts
      awaitValue("under-replicated while broker " + follower + " is stopped",
          () -> Math.min(1, scrape(cluster, leader).sum("kafka_server_replicamanager_underreplicatedpartitions")), 1);
      cluster.startBroker(follower);
      awaitValue("under-replicated back to 0 after it caught up",
          () -> scrape(cluster, leader).sum("kafka_server_replicamanager_underreplicatedpartitions"), 0);
      assertTrue(scrape(cluster, leader).sum("kafka_server_replicamanager_isrexpands_total") >= 1,
          "the leader took the follower back into the ISR");
    }
  }

  private static void awaitValue(String what, AwaitValue.Reading reading, double expected) throws Exception {
    AwaitValue.await(what, reading, expected, WAIT_MS);
  }

  private static int awaitFullIsr(Admin admin) throws Exception {
    long deadline = System.currentTimeMillis() + WAIT_MS;
    while (System.currentTimeMillis() < deadline) {
      TopicDescription d = admin.describeTopics(List.of(TOPIC)).allTopicNames().get(10, TimeUnit.SECONDS).get(TOPIC);
      if (d.partitions().get(0).leader() != null && d.partitions().get(0).isr().size() == 3) {
        return d.partitions().get(0).leader().id();
      }
      Thread.sleep(200);
    }
    return fail(TOPIC + "-0 has no full ISR");
  }

  private static PrometheusText scrape(EmbeddedCluster cluster, int broker) throws IOException, InterruptedException {
    return PrometheusText.scrape("http://127.0.0.1:" + cluster.broker(broker).metricsPort() + "/metrics");
  }

  private static double sum(EmbeddedCluster cluster, String name, Map<String, String> labels)
      throws IOException, InterruptedException {
    double total = 0;
    for (int id = 0; id < cluster.size(); id++) {
      total += scrape(cluster, id).sum(name, labels);
    }
    return total;
  }

  private double readyStatus(EmbeddedCluster cluster, int broker) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.broker(broker).metricsPort()
        + "/health/ready")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
