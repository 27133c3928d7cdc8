package io.tributary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.testkit.BrokerProcess;
import io.tributary.testkit.JvmProcessBuilder;
import io.tributary.spark.submit.LocalSparkHome;
import io.tributary.spark.submit.SparkJars;
import io.tributary.spark.testing.Events;
import io.tributary.spark.testing.Lake;
import io.tributary.spark.testing.TestCluster;
import io.tributary.spark.testing.TestSpark;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Spark standalone cluster from the launcher's Spark jars (a Master and a Worker, each a child JVM on
 * 127.0.0.1; the worker's SPARK_HOME only links those jars), and {@code tributary spark submit batch-report
 * --master spark://...} in a third JVM, exactly as the launcher runs it. The report covers a time range of
 * the topic; its summary table must hold the exact counts of that range.
 */
class SparkStandaloneTest {
  static final String TOPIC = "orders-report";
  static final long WAIT_SECONDS = 600;

  @TempDir Path dir;
  final List<Process> processes = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  @Test
  void batchReportOnAStandaloneCluster() throws Exception {
    TestCluster c = TestCluster.get();
    c.createTopic(TOPIC, 2);
    // before the range: 300 events; in it: 500 (the report must see only these)
    produce(c, 0, 300);
    Thread.sleep(50);
    long rangeStart = System.currentTimeMillis();
    Thread.sleep(50);
    Map<String, long[]> expected = produce(c, 300, 800);

    Path home = LocalSparkHome.prepare(dir.resolve("spark-home"), SparkJars.sparkDistribution(SparkJars.classPath()));
    int port = BrokerProcess.freePort();
    int masterUi = BrokerProcess.freePort();
    start(List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", Integer.toString(port),
        "--webui-port", Integer.toString(masterUi)), home, dir.resolve("master.log"));
    String master = "spark://127.0.0.1:" + port;
    start(List.of("org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "2", "--memory", "1g",
        "--webui-port", Integer.toString(BrokerProcess.freePort()), master), home, dir.resolve("worker.log"));
    awaitAliveWorker(masterUi);

    Path config = dir.resolve("report.yaml");
    Files.writeString(config, """
        name: orders-by-region
        source:
          topic: %s
          bootstrap.servers: %s
          starting.timestamp: %d
        schema:
          registry.url: %s
        table:
          path: lake/orders_by_region
          options:
            hoodie.metadata.enable: false
            hoodie.embed.timeline.server: false
        report:
          group.by: [region]
          measures: [amount]
          count.distinct: [key]
        """.formatted(TOPIC, c.bootstrap(), rangeStart, c.registryUrl()));
    Path submitLog = dir.resolve("submit.log");
    Process submit = launcher(List.of("spark", "submit", "batch-report", "--config", config.toString(),
        "--master", master, "--total-executor-cores", "2", "--executor-memory", "512m",
        "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
        "--conf", "spark.sql.shuffle.partitions=2"), submitLog);
    assertTrue(submit.waitFor(WAIT_SECONDS, TimeUnit.SECONDS), "submit did not finish; log:\n" + tail(submitLog));
    assertEquals(0, submit.exitValue(), "submit failed; log:\n" + tail(submitLog));

    Map<String, long[]> actual = new TreeMap<>();
    for (Row r : Lake.read(TestSpark.session(), dir.resolve("lake/orders_by_region"))
        .selectExpr("region", "events", "distinct_key", "CAST(sum_amount AS BIGINT)", "report_id").collectAsList()) {
      actual.put(r.getString(0), new long[] {r.getLong(1), r.getLong(2), r.getLong(3)});
      assertEquals("orders-by-region", r.getString(4));
    }
    assertEquals(render(expected), render(actual), "events, distinct keys and sum per region in the time range");
    String out = Files.readString(submitLog);
    out.lines().filter(l -> l.contains("orders-by-region")).forEach(l -> System.out.println("submit | " + l));
    assertTrue(out.contains("orders-by-region: done: 1 batch, 500 records read, 500 written, 0 quarantined"), out);
    // the tasks ran in executors the worker launched (their stderr is in its work directory)
    try (Stream<Path> files = Files.walk(home.resolve("work"))) {
      assertTrue(files.anyMatch(f -> f.getFileName().toString().equals("stderr")), "no executor ran on the worker");
    }
    System.out.printf("FIGURE standalone: batch-report over %d events of a time range on %s; %s%n", 500, master,
        render(actual).replace('\n', ' '));
  }

  Map<String, long[]> produce(TestCluster c, int from, int to) throws Exception {
    Map<String, long[]> perRegion = new TreeMap<>();
    Map<String, java.util.Set<String>> keys = new TreeMap<>();
    try (KafkaProducer<byte[], Object> p = Events.avroProducer(c)) {
      for (int i = from; i < to; i++) {
        String key = "key-" + (i % 120);
        String region = Events.REGIONS[(i % 120) % 4];
        p.send(Events.record(TOPIC, null, Events.event(key, i, System.currentTimeMillis(), region, i % 50)));
        long[] v = perRegion.computeIfAbsent(region, r -> new long[3]);
        v[0]++;
        v[2] += i % 50;
        keys.computeIfAbsent(region, r -> new java.util.HashSet<>()).add(key);
      }
      p.flush();
    }
    keys.forEach((r, k) -> perRegion.get(r)[1] = k.size());
    return perRegion;
  }

  /** A JVM running {@code mainAndArgs} from the linked Spark home's jars, SPARK_HOME set. */
  void start(List<String> mainAndArgs, Path home, Path log) throws IOException {
    processes.add(JvmProcessBuilder.main(mainAndArgs.get(0)).jvmArgs("-Xmx512m")
        .classpath(home.resolve("jars") + File.separator + "*").args(mainAndArgs.subList(1, mainAndArgs.size()))
        .environment(LocalSparkHome.environment(home)).environment("SPARK_LOCAL_IP", "127.0.0.1")
        .logFile(log).start().process());
  }

  /** The command line in a JVM of its own, as ./tributary runs it (same classpath and flags). */
  Process launcher(List<String> args, Path log) throws IOException {
    Process p = JvmProcessBuilder.main(Main.class.getName()).jvmArgs("-Xmx1g").args(args)
        .environment("SPARK_LOCAL_IP", "127.0.0.1").logFile(log).start().process();
    processes.add(p);
    return p;
  }

  static void awaitAliveWorker(int masterUi) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (System.nanoTime() < deadline) {
      try {
        String json = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + masterUi + "/json/")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        if (json.contains("\"aliveworkers\" : 1") || json.contains("\"aliveworkers\":1")) {
          return;
        }
      } catch (IOException e) {
        // not up yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError("no worker registered with the master in " + WAIT_SECONDS + " s");
  }

  static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }

  static String render(Map<String, long[]> m) {
    StringBuilder sb = new StringBuilder();
    m.forEach((k, v) -> sb.append(k).append(": events=").append(v[0]).append(" keys=").append(v[1])
        .append(" sum=").append(v[2]).append('\n'));
    return sb.toString();
  }
}
