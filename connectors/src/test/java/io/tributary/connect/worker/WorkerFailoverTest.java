package io.tributary.connect.worker;

import static io.tributary.connect.worker.ProcessTests.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.connect.PipelineLoader;
import io.tributary.connect.runtime.GeneratorSource;
import io.tributary.connect.runtime.PipelineRunner;
import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.registry.RegistryConfig;
import io.tributary.registry.RegistryServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6, done-when 5: two workers (separate JVMs) share two topic -> hudi pipelines (one COPY_ON_WRITE, one
 * MERGE_ON_READ table on file://) while events with repeated updates keep arriving; the worker running the
 * first pipeline is {@code kill -9}ed after that pipeline's first commit; the pipeline resumes on the other
 * worker. Stock Spark with the Hudi bundle then reads each table: exactly one row per key, with the latest
 * value, for every event produced (no loss, no duplicate rows). {@code connect status} shows both pipelines
 * on the survivor with their counters.
 */
class WorkerFailoverTest {
  static final long KEYS = 4000;
  static final long RATE = 1000;
  static final long EVENTS = 60_000;
  /** Hudi commits starve a loaded machine: a session short enough to expire on a busy worker would fence it. */
  static final long SESSION_TIMEOUT_MS = 10_000;
  @TempDir Path dir;

  @Test
  void aKilledWorkersPipelineResumesOnTheOtherWithNoLossAndNoDuplicateRows() throws Exception {
    try (EmbeddedCluster cluster = EmbeddedCluster.start(1, dir.resolve("cluster"));
         RegistryServer registry = new RegistryServer(new RegistryConfig(Map.of(RegistryConfig.LISTENERS,
             "http://127.0.0.1:0", RegistryConfig.BOOTSTRAP, cluster.bootstrapServers(), RegistryConfig.TOPIC_RF, "1")))
             .start();
         TestingServer zk = TestZooKeeper.start(dir.resolve("zk").toFile());
         Admin admin = cluster.admin()) {
      cluster.createTopic("orders-a", 2, 1, Map.of());
      cluster.createTopic("orders-b", 2, 1, Map.of());
      PipelineRunner producerA = producer("a", 11, cluster.bootstrapServers(), registry.url());
      PipelineRunner producerB = producer("b", 12, cluster.bootstrapServers(), registry.url());
      CompletableFuture<PipelineRunner.Metrics> producingA = CompletableFuture.supplyAsync(producerA::run);
      CompletableFuture<PipelineRunner.Metrics> producingB = CompletableFuture.supplyAsync(producerB::run);

      Path pipelines = Files.createDirectories(dir.resolve("pipelines"));
      hudiPipeline(pipelines, "hudi-a", "orders-a", "COPY_ON_WRITE", cluster.bootstrapServers(), registry.url());
      hudiPipeline(pipelines, "hudi-b", "orders-b", "MERGE_ON_READ", cluster.bootstrapServers(), registry.url());
      Map<String, WorkerProcess> workers = new HashMap<>();
      for (String id : List.of("w1", "w2")) {
        Path config = ProcessTests.workerConfig(dir, id, zk.getConnectString(), "pipelines", SESSION_TIMEOUT_MS);
        workers.put(id, new WorkerProcess(id, config, ProcessTests.logFile("WorkerFailoverTest-" + id + ".log"),
            "-Xmx768m").start());
      }
      String logs = "";
      try (CuratorFramework c = ClusterLayout.connect(zk.getConnectString(), "default", 10_000, 30_000)) {
        java.util.function.Supplier<String> context = () -> workers.values().stream()
            .map(w -> "--- " + w.id + (w.isAlive() ? "" : " (dead)") + " ---\n" + w.logTail(25))
            .reduce("", String::concat);
        await("both pipelines running on different workers", 120_000, () -> {
          ClusterStatus s = status(c);
          return s.pipelines().size() == 2 && s.pipelines().stream().allMatch(r -> r.state().equals("RUNNING"))
              && !s.pipelines().get(0).owner().equals(s.pipelines().get(1).owner());
        }, context);
        await("a first commit of hudi-a", 240_000, () -> committed(admin, "hudi-a", "orders-a") > 0, context);
        String victim = status(c).pipelines().get(0).owner().orElseThrow();
        String survivor = victim.equals("w1") ? "w2" : "w1";
        long committedAtKill = committed(admin, "hudi-a", "orders-a");
        long killedAtMillis = System.currentTimeMillis();
        workers.get(victim).kill9();
        long producedAtKill = producerA.metrics().acknowledged.get();
        System.out.printf("FIGURE failover: kill -9 of %s (running hudi-a) with %,d of the %,d events produced so far "
            + "committed to hudi-a%n", victim, committedAtKill, producedAtKill);
        assertTrue(committedAtKill < EVENTS, "killed in the middle of the ingestion");

        WorkerProcess alive = workers.get(survivor);
        await(survivor + " owns both pipelines", 120_000, () -> alive(alive) && status(c).pipelines().stream()
            .allMatch(r -> r.owner().equals(Optional.of(survivor)) && r.state().equals("RUNNING")), context);
        await("hudi-a commits on " + survivor, 240_000,
            () -> alive(alive) && committed(admin, "hudi-a", "orders-a") > committedAtKill, context);
        System.out.printf("FIGURE failover: hudi-a committed again on %s %.1f s after the kill%n", survivor,
            (System.currentTimeMillis() - killedAtMillis) / 1000.0);
        long eventsA = producingA.get(120, TimeUnit.SECONDS).acknowledged.get();
        long eventsB = producingB.get(120, TimeUnit.SECONDS).acknowledged.get();
        assertEquals(EVENTS, eventsA);
        assertEquals(EVENTS, eventsB);
        await("every event committed", 300_000, () -> alive(alive) && committed(admin, "hudi-a", "orders-a") == eventsA
            && committed(admin, "hudi-b", "orders-b") == eventsB, context);

        ProcessTests.Cli cli = ProcessTests.connect("status", "--zookeeper", zk.getConnectString());
        System.out.println(cli.out());
        assertEquals(0, cli.code(), cli.err());
        assertTrue(cli.out().contains("1 worker: " + survivor + " (leader)"), cli.out());
        for (String p : List.of("hudi-a", "hudi-b")) {
          assertTrue(cli.out().matches("(?s).*\\n" + p + " +" + survivor + " +RUNNING +[1-9][0-9]* +[1-9][0-9]* +0 +0 +"
              + "\\d\\d:\\d\\d:\\d\\d \\(\\d+ s ago\\).*"), p + " with counters in:\n" + cli.out());
        }
        int code = workers.get(survivor).stop();
        assertTrue(code == 0 || code == 143, "exit code on SIGTERM: " + code);
        logs = context.get();
        checkTable(dir.resolve("lake/hudi_a").toUri().toString(), eventsA, logs);
        checkTable(dir.resolve("lake/hudi_b").toUri().toString(), eventsB, logs);
        System.out.printf("FIGURE failover: hudi-a holds the latest of %,d events in %,d rows, hudi-b of %,d in %,d rows: "
            + "one row per key, none lost, none doubled%n", eventsA, Math.min(KEYS, eventsA), eventsB,
            Math.min(KEYS, eventsB));
      } finally {
        for (WorkerProcess w : workers.values()) {
          w.close();
        }
      }
    }
  }

  /** EVENTS generator events (key i % KEYS, seq i) to orders-{@code suffix} in Avro, RATE per second. */
  static PipelineRunner producer(String suffix, long seed, String bootstrap, String registryUrl) throws Exception {
    Path f = Files.createTempFile("produce-" + suffix, ".yaml");
    Files.writeString(f, """
        name: produce-%s
        source:
          type: generator
          keys: %d
          rate: %d
          records: %d
          seed: %d
        sink:
          type: topic
          topic: orders-%s
          bootstrap.servers: %s
        schema:
          registry.url: %s
        """.formatted(suffix, KEYS, RATE, EVENTS, seed, suffix, bootstrap, registryUrl));
    return new PipelineRunner(PipelineLoader.load(f), OptionalLong.empty(), Map.of());
  }

  static void hudiPipeline(Path dir, String name, String topic, String type, String bootstrap, String registryUrl)
      throws Exception {
    Files.writeString(dir.resolve(name + ".yaml"), """
        name: %s
        source:
          type: topic
          topic: %s
          bootstrap.servers: %s
          start: earliest
        sink:
          type: hudi
          table.path: %s
          table.name: %s
          table.type: %s
          record.key: key
          precombine.field: seq
          commit.interval.ms: 2000
          commit.records: 10000
        schema:
          registry.url: %s
        """.formatted(name, topic, bootstrap, dir.getParent().resolve("lake").resolve(name.replace('-', '_')).toUri(),
        name.replace('-', '_'), type, registryUrl));
  }

  /** Fails at once when the worker that must stay up has died (its log tells why). */
  static boolean alive(WorkerProcess w) {
    if (!w.isAlive()) {
      throw new AssertionError("worker " + w.id + " died:\n" + w.logTail(40));
    }
    return true;
  }

  static ClusterStatus status(CuratorFramework c) {
    try {
      return ClusterStatus.read(c);
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  /** Offsets committed by the pipeline (the copy of its Hudi checkpoint in group connect-NAME), summed. */
  static long committed(Admin admin, String pipeline, String topic) {
    try {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets("connect-" + pipeline).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
      return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
          .mapToLong(e -> e.getValue().offset()).sum();
    } catch (Exception e) {
      return -1;
    }
  }

  /** Spark's snapshot of the table: one row per key, whose seq is that of the key's last event. */
  static void checkTable(String path, long events, String logs) {
    List<Row> rows = spark().read().format("hudi").load(path).select("key", "seq").collectAsList();
    Map<String, Long> seqByKey = new HashMap<>();
    for (Row r : rows) {
      assertNull(seqByKey.put(r.getString(0), r.getLong(1)), "key " + r.getString(0) + " twice in " + path);
    }
    GeneratorSource names = new GeneratorSource(KEYS, OptionalLong.empty(), 0, () -> 0L);
    Map<String, Long> expected = new HashMap<>();
    for (long k = 0; k < Math.min(KEYS, events); k++) {
      expected.put(names.keyOf(k), k + KEYS * ((events - 1 - k) / KEYS));
    }
    assertEquals(expected.size(), seqByKey.size(), "rows in " + path);
    assertEquals(expected, seqByKey, "latest seq per key in " + path + "\n" + logs);
  }

  private static SparkSession spark() {
    return SparkSession.builder()
        .master("local[2]")
        .appName("tributary-connectors-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.kryo.registrator", "org.apache.spark.HoodieSparkKryoRegistrar")
        .config("spark.sql.extensions", "org.apache.spark.sql.hudi.HoodieSparkSessionExtension")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate();
  }
}
