package io.tributary.connect.hudi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.connect.PipelineLoader;
import io.tributary.connect.Sink;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hadoop.conf.Configuration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Done-when 1: generator events with repeated updates produced in Avro through the registry into a real
 * broker; topic -> hudi pipelines ingest them and stock Spark with the Hudi bundle reads each table: exactly one
 * row per key, the one with the largest seq, every field as generated. The full size, 1,000,000 events over
 * 100,000 keys, goes into a MERGE_ON_READ table on real HDFS; to keep {@code mvn verify} short, the file://
 * tables (COPY_ON_WRITE partitioned by region, which changes between updates of a key, and MERGE_ON_READ) get
 * 200,000 events over 20,000 keys from a second topic. {@code -Dtributary.e2e.events=N} and
 * {@code -Dtributary.e2e.small.events=N} change the counts (keys = events / 10), e.g. both 1000000 for the
 * full size everywhere.
 */
class TopicToHudiEndToEndTest {
  static final long EVENTS = Long.getLong("tributary.e2e.events", 1_000_000);
  static final long SMALL_EVENTS = Long.getLong("tributary.e2e.small.events", 200_000);
  static final String TOPIC = "orders";
  static final String SMALL_TOPIC = "orders-small";

  @TempDir static Path dir;
  static Lake lake;

  @BeforeAll
  static void produce() throws Exception {
    lake = Lake.start(dir);
    for (String[] t : new String[][] {{TOPIC, Long.toString(EVENTS)}, {SMALL_TOPIC, Long.toString(SMALL_EVENTS)}}) {
      long events = Long.parseLong(t[1]);
      long t0 = System.nanoTime();
      lake.produce(t[0], 4, events, events / 10);
      System.out.printf("FIGURE e2e produce %s: %,d events over %,d keys in %.1f s%n", t[0], events, events / 10,
          (System.nanoTime() - t0) / 1e9);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (lake != null) {
      lake.close();
    }
  }

  @Test
  void mergeOnReadOnHdfs() throws Exception {
    ingestAndCheck("e2e-hdfs-mor", TOPIC, EVENTS, Hdfs.uri() + "/lake/e2e_hdfs_mor", "MERGE_ON_READ", null,
        Map.of("hadoop.dfs.replication", "1"));
  }

  @Test
  void copyOnWriteOnLocalFilesPartitioned() throws Exception {
    ingestAndCheck("e2e-file-cow", SMALL_TOPIC, SMALL_EVENTS, dir.resolve("lake/e2e_file_cow").toUri().toString(),
        "COPY_ON_WRITE",
        "partition.path: region", Map.of());
  }

  @Test
  void mergeOnReadOnLocalFiles() throws Exception {
    ingestAndCheck("e2e-file-mor", SMALL_TOPIC, SMALL_EVENTS, dir.resolve("lake/e2e_file_mor").toUri().toString(),
        "MERGE_ON_READ", null, Map.of());
  }

  void ingestAndCheck(String name, String topic, long events, String tablePath, String type, String partitionLine,
      Map<String, Object> overrides) throws Exception {
    long keys = events / 10;
    Map<String, Map<String, Object>> expected = Lake.expected(events, keys);
    Path file = lake.pipeline(name, topic, tablePath, type, partitionLine, 200_000, 2000, "");
    TopicToHudiTask task = TopicToHudiTask.create(PipelineLoader.load(file), overrides);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread runner = new Thread(() -> {
      try {
        task.run();
      } catch (Throwable e) {
        failure.set(e);
      }
    }, name);
    long t0 = System.nanoTime();
    runner.start();
    assertTrue(Lake.await(() -> task.metrics().recordsOut() == events || failure.get() != null, 600_000),
        task.summary());
    double seconds = (System.nanoTime() - t0) / 1e9;
    task.stop();
    runner.join(120_000);
    assertNull(failure.get(), () -> "the pipeline failed: " + failure.get());
    System.out.printf("FIGURE e2e %s (%s): %,d events upserted in %.1f s (%,.0f records/s): %s%n", name, tablePath,
        events, seconds, events / seconds, task.summary());

    long r0 = System.nanoTime();
    List<Row> rows = SparkReader.read(tablePath).select("key", "seq", "region", "status", "amount").collectAsList();
    System.out.printf("FIGURE e2e %s: Spark read %,d rows in %.1f s%n", name, rows.size(), (System.nanoTime() - r0) / 1e9);
    assertEquals(keys, rows.size(), "rows in " + tablePath);
    Map<String, Row> byKey = new HashMap<>();
    for (Row r : rows) {
      assertNull(byKey.put(r.getString(0), r), "key " + r.getString(0) + " twice");
    }
    assertEquals(expected.keySet(), byKey.keySet());
    expected.forEach((key, e) -> {
      Row r = byKey.get(key);
      assertEquals(e.get("seq"), r.getLong(1), key);
      assertEquals(e.get("region"), r.getString(2), key);
      assertEquals(e.get("status"), r.getString(3), key);
      assertEquals((Double) e.get("amount"), r.getDouble(4), 0.0, key);
    });

    // the table's checkpoint covers every record, and the group copy says the same
    Sink.Hudi sink = (Sink.Hudi) PipelineLoader.load(file).sink();
    Configuration conf = task.hadoopConf();
    try (HudiTable table = HudiTable.open(sink, HudiTable.existingSchema(sink, conf).orElseThrow(), conf)) {
      KafkaCheckpoint cp = table.lastCheckpoint().orElseThrow();
      assertEquals(events, cp.nextOffsets().values().stream().mapToLong(Long::longValue).sum(), cp.format());
      try (Admin admin = lake.cluster.admin()) {
        Map<TopicPartition, OffsetAndMetadata> group =
            admin.listConsumerGroupOffsets("connect-" + name).partitionsToOffsetAndMetadata().get();
        cp.nextOffsets().forEach((p, o) -> assertEquals(o, group.get(new TopicPartition(topic, p)).offset()));
      }
    }
  }
}
