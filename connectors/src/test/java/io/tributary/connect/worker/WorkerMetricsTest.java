package io.tributary.connect.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.connect.Pipeline;
import io.tributary.testkit.PrometheusText;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker with a metrics port ({@code connect worker --metrics-port}) serves its pipelines' meters while they run, and /health/ready. */
class WorkerMetricsTest {
  @TempDir Path dir;

  @Test
  void servesThePipelinesMetersWhileTheyRun() throws Exception {
    try (TestingServer zk = TestZooKeeper.start(dir.resolve("zk").toFile())) {
      Path pipeline = dir.resolve("counted.yaml");
      Files.writeString(pipeline, """
          name: counted
          source:
            type: generator
          sink:
            type: topic
            topic: counted
          """);
      WorkerConfig config = WorkerConfig.parse(dir.resolve("w1.properties"), """
          worker.id=w1
          zookeeper.connect=%s
          pipelines=%s
          work.dir=%s
          """.formatted(zk.getConnectString(), pipeline, dir.resolve("work")));
      try (Worker worker = new Worker(config, (Pipeline p) -> new WorkerTest.TestTask("w1", p.name(), false),
          () -> { }).metricsPort(0).start()) {
        String base = "http://127.0.0.1:" + worker.metricsPort();
        Map<String, String> counted = Map.of("pipeline", "counted");
        WorkerTest.await("the pipeline's records counted on /metrics", () -> {
          try {
            return PrometheusText.scrape(base + "/metrics").sum("tributary_connect_pipeline_recordsin_total", counted) > 0;
          } catch (Exception e) {
            return false;
          }
        });
        HttpResponse<String> ready = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("worker w1 is a member of cluster 'default'"), ready.body());
        assertTrue(PrometheusText.scrape(base + "/metrics").has("jvm_memory_used_bytes"));
      }
    }
  }
}
