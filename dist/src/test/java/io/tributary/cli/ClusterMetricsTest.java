package io.tributary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.testkit.AwaitValue;
import io.tributary.testkit.Ports;
import io.tributary.testkit.PrometheusText;
import io.tributary.testkit.TestClients;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, done-when 1 and 2, on one local cluster of real processes ({@code local start --brokers 3} with the
 * registry) plus a {@code connect run} process: every process serves {@code /metrics} and {@code /health}, the
 * named metrics move as the cluster works, and Debian's Prometheus scrapes them all.
 */
@Tag("full-metrics") // minutes on a busy machine: mvn -Pfull-metrics; the short version is log-cluster's BrokerMetricsTest
@Timeout(420)
class ClusterMetricsTest {
  private static final String TOPIC = "metered";
  private static final String GROUP = "metered-group";
  private static final int RECORDS = 25;
  private static final long WAIT_MS = 90_000;

  @TempDir static Path tmp;
  private static Path dir;
  private static String bootstrap;
  /** The local cluster's processes from {@code local status --json}, by name. */
  private static final Map<String, JsonNode> processes = new LinkedHashMap<>();
  private static final List<Long> pids = new ArrayList<>();
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startCluster() throws Exception {
    dir = tmp.resolve("cluster");
    Cli.Result start = null;
    StringBuilder attempts = new StringBuilder();
    // Free ports come from the ephemeral range: another process may take one meanwhile; try again then.
    for (int attempt = 0; attempt < 3; attempt++) {
      start = Cli.run("local", "start", "--brokers", "3", "--dir", dir.toString(),
          "--zookeeper-port", Integer.toString(Ports.freePort()), "--base-port", Integer.toString(Ports.freePort()),
          "--registry-port", Integer.toString(Ports.freePort()),
          // a stopped follower leaves the ISR after 3 s (Kafka's default is 30 s)
          "--broker-config", "replica.lag.time.max.ms=3000", "--timeout-s", "120");
      attempts.append(start).append('\n');
      if (start.code() == 0 || !start.err().contains("in use")) {
        break;
      }
    }
    assertEquals(0, start.code(), attempts.toString());
    Cli.Result status = Cli.run("local", "status", "--dir", dir.toString(), "--json");
    assertEquals(0, status.code(), status.toString());
    for (JsonNode p : new ObjectMapper().readTree(status.out()).get("processes")) {
      processes.put(p.get("name").asText(), p);
      pids.add(p.get("pid").asLong());
      if (!p.get("kind").asText().equals("zookeeper")) {
        assertTrue(start.out().contains(p.get("metrics").asText()), "local start prints " + p.get("metrics") + ":\n" + start);
      }
    }
    assertEquals(List.of("zookeeper", "broker-0", "broker-1", "broker-2", "registry"), List.copyOf(processes.keySet()));
    bootstrap = String.join(",", processes.values().stream().filter(p -> p.get("kind").asText().equals("broker"))
        .map(p -> "127.0.0.1:" + p.get("port").asInt()).toList());
  }

  @AfterAll
  static void stopCluster() {
    if (dir != null) {
      Cli.run("local", "stop", "--dir", dir.toString(), "--timeout-s", "5");
    }
    pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }

  @Test
  void everyProcessServesMetricsThatMoveWithTheCluster() throws Exception {
    awaitAllReady();
    for (String broker : List.of("broker-0", "broker-1", "broker-2")) {
      PrometheusText m = scrape(broker);
      assertTrue(m.has("jvm_memory_used_bytes") && m.has("kafka_server_replicamanager_partitioncount"), broker);
    }
    assertEquals(1, brokers().stream().filter(m -> m.sum("kafka_controller_kafkacontroller_activecontrollercount") == 1)
        .count(), "exactly one broker is the active controller");
    assertEquals(0, brokers().stream().mapToDouble(m -> m.sum("kafka_controller_kafkacontroller_activecontrollercount"))
        .sum() - 1, "and the others report 0");

    try (Admin admin = Kafka.admin(bootstrap, 15_000)) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3))).all().get(30, TimeUnit.SECONDS);
      int leader = awaitFullIsr(admin);
      Map<String, String> topic = Map.of("topic", TOPIC);
      double before = sumOverBrokers("kafka_server_brokertopicmetrics_messagesin_total", topic);
      produce(RECORDS, "all");
      assertEquals(before + RECORDS, sumOverBrokers("kafka_server_brokertopicmetrics_messagesin_total", topic),
          "producing N records adds exactly N to messages-in, counted on the leader only");
      assertEquals(RECORDS, scrape("broker-" + leader).sum("kafka_server_brokertopicmetrics_messagesin_total", topic));
      assertTrue(scrape("broker-" + leader).sum("kafka_server_brokertopicmetrics_bytesin_total", topic) > 0);
      assertTrue(scrape("broker-" + leader).sum("kafka_network_requestmetrics_requests_total", Map.of("request", "Produce")) > 0);
      assertTrue(scrape("broker-" + leader).has("kafka_network_requestmetrics_totaltimems_count"));

      groupLagReturnsToZero();
      underReplicatedWhileAFollowerIsStopped(admin, leader);
    }
    registryCountsRequests();
    deadLetteredRecordAddsOne();
  }

  /** Debian's Prometheus scrapes every process of the local cluster; its query API returns the series. */
  @Test
  void prometheusScrapesEveryProcess() throws Exception {
    Path prometheus = Path.of("/usr/bin/prometheus");
    assertTrue(Files.isExecutable(prometheus), "Debian's prometheus package is installed (.ci/run installs it)");
    awaitAllReady();
    List<String> targets = processes.values().stream().filter(p -> !p.get("metrics").isNull())
        .map(p -> URI.create(p.get("metrics").asText())).map(u -> "'" + u.getHost() + ":" + u.getPort() + "'").toList();
    Path config = tmp.resolve("prometheus.yml");
    Files.writeString(config, """
        global:
          scrape_interval: 1s
        scrape_configs:
          - job_name: tributary
            static_configs:
              - targets: [%s]
        """.formatted(String.join(", ", targets)));
    int port = Ports.freePort();
    Process p = new ProcessBuilder(prometheus.toString(), "--config.file=" + config,
        "--storage.tsdb.path=" + tmp.resolve("prometheus-data"), "--web.listen-address=127.0.0.1:" + port)
        .redirectErrorStream(true).redirectOutput(tmp.resolve("prometheus.log").toFile()).start();
    try {
      String api = "http://127.0.0.1:" + port + "/api/v1/query?query=";
      JsonNode up = awaitQuery(api, "up", targets.size());
      for (JsonNode r : up) {
        assertEquals("1", r.get("value").get(1).asText(), "target up: " + r);
      }
      JsonNode controllers = awaitQuery(api, "kafka_controller_kafkacontroller_activecontrollercount", 3);
      double active = 0;
      for (JsonNode r : controllers) {
        active += r.get("value").get(1).asDouble();
      }
      assertEquals(1.0, active, controllers.toString());
      awaitQuery(api, "kafka_server_replicamanager_underreplicatedpartitions", 3);
      awaitQuery(api, "kafka_schema_registry_http_requests_total", 1);
      awaitQuery(api, "jvm_memory_used_bytes{area=\"heap\"}", 1);
    } finally {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  /** Waits until the query returns at least {@code series} results; returns them. */
  private static JsonNode awaitQuery(String api, String query, int series) throws Exception {
    long deadline = System.currentTimeMillis() + WAIT_MS;
    String last = "";
    while (System.currentTimeMillis() < deadline) {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
            URI.create(api + URLEncoder.encode(query, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        last = r.body();
        if (r.statusCode() == 200) {
          JsonNode result = new ObjectMapper().readTree(r.body()).get("data").get("result");
          if (result.size() >= series) {
            return result;
          }
        }
      } catch (IOException notYet) {
        last = notYet.toString();
      }
      Thread.sleep(500);
    }
    return fail("Prometheus returned no " + series + " series for " + query + " in time; last answer: " + last
        + "; log: " + Files.readString(tmp.resolve("prometheus.log")));
  }

  private void groupLagReturnsToZero() throws Exception {
    TopicPartition tp = new TopicPartition(TOPIC, 0);
    Map<String, String> lagLabels = Map.of("consumergroup", GROUP, "topic", TOPIC, "partition", "0");
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(List.of(tp));
      int read = 0;
      long deadline = System.currentTimeMillis() + WAIT_MS;
      while (read < RECORDS && System.currentTimeMillis() < deadline) {
        read += consumer.poll(Duration.ofMillis(500)).count();
      }
      assertEquals(RECORDS, read);
      consumer.commitSync(Map.of(tp, new OffsetAndMetadata(RECORDS - 5)));
      awaitValue("lag of the group behind by 5", () -> sumOverBrokers("kafka_consumergroup_lag", lagLabels), 5);
      consumer.commitSync(Map.of(tp, new OffsetAndMetadata(RECORDS)));
      awaitValue("lag 0 once the group caught up", () -> sumOverBrokers("kafka_consumergroup_lag", lagLabels), 0);
      assertTrue(sumOverBrokers("kafka_consumergroup_lag", lagLabels) == 0
          && brokers().stream().anyMatch(m -> m.series().stream().anyMatch(s -> s.name().equals("kafka_consumergroup_lag")
          && s.labels().get("consumergroup").equals(GROUP))), "the coordinator reports the group's lag");
    }
    assertTrue(sumOverBrokers("kafka_server_brokertopicmetrics_bytesout_total", Map.of("topic", TOPIC)) > 0,
        "the consumer's fetches count as bytes out");
  }

  private void underReplicatedWhileAFollowerIsStopped(Admin admin, int leader) throws Exception {
    String leaderName = "broker-" + leader;
    assertEquals(0, scrape(leaderName).sum("kafka_server_replicamanager_underreplicatedpartitions"));
    double shrinks = scrape(leaderName).sum("kafka_server_replicamanager_isrshrinks_total");
    double expands = scrape(leaderName).sum("kafka_server_replicamanager_isrexpands_total");
    int controller = -1;
    for (int i = 0; i < 3; i++) {
      if (scrape("broker-" + i).sum("kafka_controller_kafkacontroller_activecontrollercount") == 1) {
        controller = i;
      }
    }
    int follower = -1;
    for (int i = 0; i < 3; i++) {
      if (i != leader && (follower < 0 || i != controller)) {
        follower = i;
      }
    }
    long pid = processes.get("broker-" + follower).get("pid").asLong();
    signal("STOP", pid); // stopped, not killed: SIGCONT resumes it where it was
    try {
      // The leader drops a follower that stays behind its log end for replica.lag.time.max.ms (3 s here), well
      // before the stopped broker's ZooKeeper session (18 s) expires and the controller would drop it instead.
      produce(5, "1", "127.0.0.1:" + processes.get(leaderName).get("port").asInt());
      awaitValue("under-replicated on the leader while broker " + follower + " is stopped",
          () -> Math.min(1, scrape(leaderName).sum("kafka_server_replicamanager_underreplicatedpartitions")), 1);
    } finally {
      signal("CONT", pid);
    }
    try {
      awaitValue("under-replicated back to 0 after the follower caught up",
          () -> scrape(leaderName).sum("kafka_server_replicamanager_underreplicatedpartitions"), 0);
      assertEquals(leader, awaitFullIsr(admin), "the leader stayed");
      assertTrue(scrape(leaderName).sum("kafka_server_replicamanager_isrshrinks_total") > shrinks, "an ISR shrink counted");
      assertTrue(scrape(leaderName).sum("kafka_server_replicamanager_isrexpands_total") > expands, "an ISR expand counted");
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\nleader's log:\n" + String.join("\n",
          ChildJvm.tail(dir.resolve(leaderName + ".log"), 40)), e);
    }
  }

  private void registryCountsRequests() throws Exception {
    String registry = "http://127.0.0.1:" + processes.get("registry").get("port").asInt();
    double before = scrape("registry").sum("kafka_schema_registry_http_requests_total", Map.of("method", "GET", "status", "200"));
    double errorsBefore = scrape("registry").sum("kafka_schema_registry_http_errors_total", Map.of("status", "404"));
    assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(registry + "/subjects")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());
    assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(registry + "/subjects/none/versions")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());
    PrometheusText m = scrape("registry");
    assertEquals(before + 1, m.sum("kafka_schema_registry_http_requests_total", Map.of("method", "GET", "status", "200")));
    assertEquals(errorsBefore + 1, m.sum("kafka_schema_registry_http_errors_total", Map.of("status", "404")));
    assertTrue(m.sum("kafka_schema_registry_http_requestlatencyms_count") >= 2);
  }

  /** A files -> topic pipeline under {@code connect run}: a bad line is dead-lettered and counted once. */
  private void deadLetteredRecordAddsOne() throws Exception {
    Path in = tmp.resolve("in");
    Files.createDirectories(in);
    Path pipeline = tmp.resolve("csv-orders.yaml");
    Files.writeString(pipeline, """
        name: csv-orders
        source:
          type: files
          path: %s
          format: csv
          poll.interval.ms: 100
        sink:
          type: topic
          topic: csv-orders
          bootstrap.servers: %s
        errors:
          tolerance: all
          dead.letter.topic: csv-orders-dlq
        """.formatted(in, bootstrap));
    int port = Ports.freePort();
    Path log = tmp.resolve("connect-run.log");
    Process run = ChildJvm.builder(ChildJvm.MAIN_CLASS).detached().jvmArgs("-Xmx384m")
        .systemProperty("tributary.log.level", "INFO").systemProperty(ChildJvm.LOG_FORMAT_PROPERTY, "json")
        // the launcher's configuration, not a log4j2-test.xml that a test jar on this classpath brings
        .systemProperty("log4j2.configurationFile", "log4j2.xml")
        .args("connect", "run", pipeline.toString(), "--metrics-port", Integer.toString(port)).logFile(log)
        .start().process();
    pids.add(run.pid());
    String metrics = "http://127.0.0.1:" + port + "/metrics";
    Map<String, String> labels = Map.of("pipeline", "csv-orders");
    try {
      awaitValue("connect run ready", () -> status("http://127.0.0.1:" + port + "/health/ready"), 200);
      assertEquals(0, PrometheusText.scrape(metrics).sum("tributary_connect_pipeline_deadletters_total", labels));
      Path part = tmp.resolve("orders.csv.part");
      Files.writeString(part, "id,amount\n1,10\n2,20,extra\n3,30\n");
      Files.move(part, in.resolve("orders.csv"));
      awaitValue("2 records out", () -> PrometheusText.scrape(metrics).sum("tributary_connect_pipeline_recordsout_total",
          labels), 2);
      awaitValue("1 dead letter", () -> PrometheusText.scrape(metrics).sum("tributary_connect_pipeline_deadletters_total",
          labels), 1);
      // the files source counts the lines it parsed as records in; the malformed one is a dead letter instead
      assertEquals(2, PrometheusText.scrape(metrics).sum("tributary_connect_pipeline_recordsin_total", labels));
    } catch (AssertionError | Exception e) {
      throw new AssertionError(e.getMessage() + "\nconnect run log:\n" + String.join("\n",
          ChildJvm.tail(tmp.resolve("connect-run.log"), 40)), e);
    } finally {
      run.destroy();
      run.waitFor(20, TimeUnit.SECONDS);
      run.destroyForcibly();
    }
    // -Dtributary.log.format=json: every log line is a JSON object; the pipeline's own carry its name.
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      if (line.startsWith("{")) {
        lines.add(json.readTree(line));
      }
    }
    assertTrue(lines.stream().anyMatch(l -> "csv-orders".equals(l.path("pipeline").asText(null))
        && l.path("message").asText().contains("csv-orders")), "a JSON log line with the pipeline in its context: " + lines);
  }

  // ---- helpers ----

  private static void awaitValue(String what, AwaitValue.Reading reading, double expected) throws Exception {
    AwaitValue.await(what, reading, expected, WAIT_MS);
  }

  private static void awaitAllReady() throws Exception {
    long deadline = System.currentTimeMillis() + WAIT_MS;
    JsonNode last = null;
    while (System.currentTimeMillis() < deadline) {
      Cli.Result status = Cli.run("local", "status", "--dir", dir.toString(), "--json");
      last = new ObjectMapper().readTree(status.out());
      boolean ready = true;
      for (JsonNode p : last.get("processes")) {
        ready &= p.get("health").asText().equals("ready");
      }
      if (ready) {
        return;
      }
      Thread.sleep(500);
    }
    fail("not every process of the local cluster is ready: " + last);
  }

  private static int awaitFullIsr(Admin admin) throws Exception {
    long deadline = System.currentTimeMillis() + WAIT_MS;
    while (System.currentTimeMillis() < deadline) {
      TopicDescription d = admin.describeTopics(List.of(TOPIC)).allTopicNames().get(15, TimeUnit.SECONDS).get(TOPIC);
      var p = d.partitions().get(0);
      if (p.leader() != null && !p.leader().isEmpty() && p.isr().size() == 3) {
        return p.leader().id();
      }
      Thread.sleep(250);
    }
    return fail(TOPIC + "-0 did not get a leader and a full ISR in time");
  }

  private static void produce(int records, String acks) throws Exception {
    produce(records, acks, bootstrap);
  }

  private static void produce(int records, String acks, String servers) throws Exception {
    Properties props = TestClients.producerProps(servers);
    props.put("acks", acks);
    props.put("enable.idempotence", Boolean.toString(acks.equals("all")));
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (int i = 0; i < records; i++) {
        producer.send(new ProducerRecord<>(TOPIC, ("value-" + i).getBytes(StandardCharsets.UTF_8)));
      }
      producer.flush();
    }
  }

  private static PrometheusText scrape(String process) throws IOException, InterruptedException {
    JsonNode url = processes.get(process).get("metrics");
    assertNotNull(url, process);
    return PrometheusText.scrape(url.asText());
  }

  private static List<PrometheusText> brokers() throws IOException, InterruptedException {
    List<PrometheusText> out = new ArrayList<>();
    for (String b : List.of("broker-0", "broker-1", "broker-2")) {
      out.add(scrape(b));
    }
    return out;
  }

  private static double sumOverBrokers(String name, Map<String, String> labels) throws IOException, InterruptedException {
    return brokers().stream().mapToDouble(m -> m.sum(name, labels)).sum();
  }

  private static double status(String url) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException | InterruptedException e) {
      return -1;
    }
  }

  private static void signal(String signal, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
    assertEquals(0, kill.waitFor(), "kill -" + signal + " " + pid);
  }
}
