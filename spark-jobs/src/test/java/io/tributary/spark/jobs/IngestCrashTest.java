package io.tributary.spark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.tributary.spark.lake.CommitLedger;
import io.tributary.spark.lake.OffsetsJson;
import io.tributary.spark.testing.DriverProcess;
import io.tributary.spark.testing.Events;
import io.tributary.spark.testing.Lake;
import io.tributary.spark.testing.TestCluster;
import io.tributary.spark.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A streaming {@code ingest} whose driver (a child JVM) is killed with SIGKILL twice while it works through
 * a backlog, restarted each time on the same checkpoint; a third run drains the topic. The table must end
 * with exactly one row per key holding its latest seq: nothing lost, nothing applied twice.
 */
class IngestCrashTest {
  static final String TOPIC = "orders-crash";
  static final int KEYS = 200;
  static final long WAIT_SECONDS = 600; // a slow, shared machine: outcomes are asserted, never timings

  @TempDir Path dir;
  final Map<String, Long> latest = new HashMap<>();

  @Test
  void killedTwiceTheTableStillHoldsExactlyTheLatestRowPerKey() throws Exception {
    TestCluster c = TestCluster.get();
    c.createTopic(TOPIC, 2);
    Path table = dir.resolve("lake/orders");
    String job = """
        name: crash-ingest
        source:
          topic: %s
          bootstrap.servers: %s
          max.offsets.per.trigger: 300
        schema:
          registry.url: %s
        table:
          path: lake/orders
          options:
            hoodie.metadata.enable: false
            hoodie.embed.timeline.server: false
        stream:
          trigger: %s
          trigger.interval: 1s
        """;
    Path streaming = dir.resolve("ingest.yaml");
    Files.writeString(streaming, job.formatted(TOPIC, c.bootstrap(), c.registryUrl(), "processing-time"));
    Path drain = dir.resolve("ingest-drain.yaml");
    Files.writeString(drain, job.formatted(TOPIC, c.bootstrap(), c.registryUrl(), "available-now"));

    produce(c, 0, 1500);
    long killedAt1;
    try (DriverProcess first = DriverProcess.start("ingest", streaming, dir.resolve("driver-1.log"))) {
      await(first, () -> commits(table) >= 1);
      produce(c, 1500, 2500);
      // first kill: as soon as a batch's Hudi commit completes, before Spark can record the batch as done
      await(first, () -> commits(table) >= 2);
      first.kill9();
      killedAt1 = commits(table);
      first.lines("crash-ingest:").forEach(l -> System.out.println("driver 1 | " + l));
    }
    long killedAt2;
    java.util.Set<String> pendingAtKill2;
    try (DriverProcess second = DriverProcess.start("ingest", streaming, dir.resolve("driver-2.log"))) {
      // second kill: while a later batch's commit is in flight (its files half written)
      await(second, () -> commits(table) >= killedAt1 + 1 && !pending(table).isEmpty());
      second.kill9();
      killedAt2 = commits(table);
      pendingAtKill2 = pending(table);
      second.lines("crash-ingest:").forEach(l -> System.out.println("driver 2 | " + l));
    }
    produce(c, 2500, 4000);
    try (DriverProcess third = DriverProcess.start("ingest", drain, dir.resolve("driver-3.log"))) {
      assertEquals(0, third.waitFor(WAIT_SECONDS), "the draining run ends cleanly; log:\n" + third.tail(40));
      third.lines("crash-ingest:").forEach(l -> System.out.println("driver 3 | " + l));
    }

    SparkSession spark = TestSpark.session();
    assertEquals(latest, Lake.seqByKey(spark, table), "exactly one row per key, with its latest seq");
    Map<Integer, Long> recorded = CommitLedger.offsets(spark.sparkContext().hadoopConfiguration(),
        table.toUri().toString(), TOPIC);
    assertEquals(endOffsets(c), recorded, "the last commit records the topic's end offsets");
    assertFalse(Files.exists(dir.resolve("lake/orders_quarantine")), "nothing was quarantined");
    long rollbacks;
    try (var files = Files.list(table.resolve(".hoodie/timeline"))) {
      rollbacks = files.filter(f -> f.getFileName().toString().matches("[0-9]+_[0-9]+\\.rollback")).count();
    }
    System.out.printf("FIGURE ingest-crash: 4000 events over %d keys; SIGKILL right after commit %d, then after commit %d"
        + " with commit %s in flight (still pending after the kill: %s); %d commits in all, %d rollbacks; final offsets %s%n",
        KEYS, killedAt1, killedAt2, pendingAtKill2, pendingAtKill2.isEmpty() ? "no" : "yes", commits(table), rollbacks,
        OffsetsJson.format(TOPIC, recorded));
  }

  void produce(TestCluster c, int from, int to) throws Exception {
    try (KafkaProducer<byte[], Object> p = Events.avroProducer(c)) {
      for (int i = from; i < to; i++) {
        String key = "key-" + (i % KEYS);
        p.send(Events.record(TOPIC, null, Events.event(key, i, 1_700_000_000_000L + i, Events.REGIONS[i % 4], i)));
        latest.put(key, (long) i);
      }
      p.flush();
    }
  }

  static long commits(Path table) {
    try {
      return Lake.completedCommits(table);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static java.util.Set<String> pending(Path table) {
    try {
      return Lake.pendingCommits(table);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static void await(DriverProcess driver, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT_SECONDS * 1_000_000_000L;
    while (!condition.getAsBoolean()) {
      driver.checkAlive();
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not reached within " + WAIT_SECONDS + " s; driver log:\n" + driver.tail(40));
      }
      Thread.sleep(100);
    }
  }

  static Map<Integer, Long> endOffsets(TestCluster c) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c.cluster.consumerProps())) {
      List<TopicPartition> parts = List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1));
      Map<Integer, Long> out = new java.util.TreeMap<>();
      consumer.endOffsets(parts).forEach((tp, o) -> out.put(tp.partition(), o));
      return out;
    }
  }
}
