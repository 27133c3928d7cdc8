package io.tributary.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.tributary.metrics.Readiness.Check;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class MetricsHttpServerTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void servesPrometheusTextInKafkasNamesHealthAndJmxBeans() throws Exception {
    AtomicBoolean caughtUp = new AtomicBoolean(false);
    AtomicInteger underReplicated = new AtomicInteger(2);
    try (ProcessMetrics metrics = new ProcessMetrics();
        MetricsHttpServer server = MetricsHttpServer.start("127.0.0.1", 0, metrics,
            () -> new Readiness(List.of(new Check("caught up", caughtUp.get(), "test"))), "test")) {
      Counter messagesIn = Counter.builder("kafka.server.BrokerTopicMetrics.MessagesIn").tag("topic", "orders")
          .register(metrics.registry());
      Gauge.builder("kafka.server.ReplicaManager.UnderReplicatedPartitions", underReplicated::get)
          .register(metrics.registry());
      DistributionSummary totalTime = DistributionSummary.builder("kafka.network.RequestMetrics.TotalTimeMs")
          .tag("request", "Produce").publishPercentiles(0.5, 0.99).register(metrics.registry());
      messagesIn.increment(3);
      totalTime.record(12);
      String base = "http://127.0.0.1:" + server.boundPort();

      HttpResponse<String> scrape = get(base + "/metrics");
      assertEquals(200, scrape.statusCode());
      assertTrue(scrape.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), scrape.headers().toString());
      String text = scrape.body();
      assertTrue(text.contains("kafka_server_brokertopicmetrics_messagesin_total{topic=\"orders\"} 3.0"), text);
      assertTrue(text.contains("kafka_server_replicamanager_underreplicatedpartitions 2.0"), text);
      assertTrue(text.contains("kafka_network_requestmetrics_totaltimems{request=\"Produce\",quantile=\"0.99\"}"), text);
      assertTrue(text.contains("kafka_network_requestmetrics_totaltimems_count{request=\"Produce\"} 1"), text);
      assertTrue(text.contains("jvm_memory_used_bytes"), text);
      assertTrue(text.contains("jvm_gc_"), text);

      MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
      assertEquals(3L, jmx.getAttribute(
          new ObjectName("kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec,topic=orders"), "Count"));
      assertEquals(2.0, jmx.getAttribute(
          new ObjectName("kafka.server:type=ReplicaManager,name=UnderReplicatedPartitions"), "Value"));
      assertEquals(1L, jmx.getAttribute(
          new ObjectName("kafka.network:type=RequestMetrics,name=TotalTimeMs,request=Produce"), "Count"));

      assertEquals(200, get(base + "/health/live").statusCode());
      HttpResponse<String> notReady = get(base + "/health/ready");
      assertEquals(503, notReady.statusCode());
      assertTrue(notReady.body().contains("\"caught up\":{\"ok\":false"), notReady.body());
      caughtUp.set(true);
      assertEquals(200, get(base + "/health/ready").statusCode());
    }
    assertTrue(ManagementFactory.getPlatformMBeanServer()
        .queryNames(new ObjectName("kafka.server:type=BrokerTopicMetrics,*"), null).isEmpty(), "beans unregistered on close");
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }
}
