package io.tributary.registry.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.registry.RegistryConfig;
import io.tributary.registry.RegistryServer;
import io.tributary.registry.store.InMemoryLogStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A registry node with {@code metrics.port} counts its requests and errors and answers /health. */
class RegistryMetricsTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void countsRequestsErrorsAndLatencyAndIsReadyAsPrimary() throws Exception {
    RegistryConfig config = new RegistryConfig(Map.of("listeners", "http://127.0.0.1:0", "metrics.port", "0"));
    try (RegistryServer server = new RegistryServer(config, new InMemoryLogStore()).start()) {
      String metrics = "http://127.0.0.1:" + server.metricsPort();
      assertEquals(200, get(server.url() + "/subjects").statusCode());
      assertEquals(404, get(server.url() + "/subjects/absent/versions").statusCode());
      String text = get(metrics + "/metrics").body();
      assertTrue(text.contains("kafka_schema_registry_http_requests_total{method=\"GET\",status=\"200\"} 1.0"), text);
      assertTrue(text.contains("kafka_schema_registry_http_requests_total{method=\"GET\",status=\"404\"} 1.0"), text);
      assertTrue(text.contains("kafka_schema_registry_http_errors_total{method=\"GET\",status=\"404\"} 1.0"), text);
      assertTrue(text.contains("kafka_schema_registry_http_requestlatencyms_count{method=\"GET\"} 2"), text);
      HttpResponse<String> ready = get(metrics + "/health/ready");
      assertEquals(200, ready.statusCode(), ready.body());
      assertTrue(ready.body().contains("this node is the primary"), ready.body());
    }
  }

  @Test
  void noListenerUnlessConfigured() throws Exception {
    try (RegistryServer server = new RegistryServer(new RegistryConfig(Map.of("listeners", "http://127.0.0.1:0")),
        new InMemoryLogStore()).start()) {
      assertEquals(-1, server.metricsPort());
    }
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
