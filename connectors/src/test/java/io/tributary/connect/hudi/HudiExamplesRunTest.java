package io.tributary.connect.hudi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.connect.PipelineLoader;
import io.tributary.connect.runtime.PipelineRunner;
import io.tributary.connect.runtime.PipelineTask;
import io.tributary.connect.runtime.PipelineTasks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped examples run as they are, with only the addresses changed (this cluster, this registry, a
 * temporary table path, the test's HDFS) and smaller counts: generator-to-topic fills 'orders', then each
 * topic-to-hudi example, started through {@link PipelineTasks#create} as {@code connect run} and workers do,
 * upserts it into its table, which Spark reads back.
 */
class HudiExamplesRunTest {
  static final long EVENTS = 20_000;
  static final long KEYS = 2_000;
  @TempDir static Path dir;
  static Lake lake;

  @BeforeAll
  static void fillOrders() throws Exception {
    lake = Lake.start(dir);
    lake.cluster.createTopic("orders", 2, 1, Map.of());
    Path gen = rewrite("generator-to-topic.yaml", Map.of("keys: 100000", "keys: " + KEYS, "rate: 20000", "rate: 0",
        "records: 1000000", "records: " + EVENTS));
    PipelineRunner.Metrics m = new PipelineRunner(PipelineLoader.load(gen), OptionalLong.empty(), Map.of()).run();
    assertEquals(EVENTS, m.acknowledged.get());
  }

  @AfterAll
  static void stop() throws Exception {
    if (lake != null) {
      lake.close();
    }
  }

  /** The example with this test's addresses and {@code replacements}. */
  static Path rewrite(String example, Map<String, String> replacements) throws Exception {
    String text = Files.readString(Path.of("examples", example))
        .replace("127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094", lake.bootstrap())
        .replace("127.0.0.1:9092", lake.bootstrap())
        .replace("http://127.0.0.1:8081", lake.registryUrl());
    for (Map.Entry<String, String> r : replacements.entrySet()) {
      assertTrue(text.contains(r.getKey()), example + " has no '" + r.getKey() + "'");
      text = text.replace(r.getKey(), r.getValue());
    }
    if (!text.contains("registry.url")) {
      text += "schema:\n  registry.url: " + lake.registryUrl() + "\n";
    }
    Path out = dir.resolve(example);
    Files.writeString(out, text);
    return out;
  }

  static PipelineTask runUntilAllRead(Path file, Map<String, Object> overrides, long expectedIn) throws Exception {
    PipelineTask task = PipelineTasks.create(PipelineLoader.load(file), overrides);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        task.run();
      } catch (Throwable e) {
        failure.set(e);
      }
    });
    t.start();
    assertTrue(Lake.await(() -> failure.get() != null || task.metrics().recordsIn() == expectedIn
        && task.metrics().recordsOut() + task.metrics().droppedByFilter() == expectedIn, 300_000),
        () -> task.metrics().toString());
    task.stop();
    t.join(60_000);
    assertNull(failure.get());
    System.out.println("FIGURE examples " + file.getFileName() + ": " + task.metrics());
    return task;
  }

  @Test
  void copyOnWriteLocalExample() throws Exception {
    String table = dir.resolve("lake/orders").toUri().toString();
    Path file = rewrite("topic-to-hudi-cow-local.yaml", Map.of("file:///tmp/tributary/lake/orders", table));
    runUntilAllRead(file, Map.of(), EVENTS);
    List<String> columns = Arrays.asList(SparkReader.read(table).columns());
    assertFalse(columns.contains("updatedAt"), "dropped by the transform: " + columns);
    Map<String, Map<String, Object>> expected = Lake.expected(EVENTS, KEYS);
    List<Row> rows = SparkReader.read(table).select("key", "seq", "region").collectAsList();
    assertEquals(KEYS, rows.size());
    for (Row r : rows) {
      assertEquals(expected.get(r.getString(0)).get("seq"), r.getLong(1));
      assertEquals(expected.get(r.getString(0)).get("region"), r.getString(2));
    }
  }

  @Test
  void mergeOnReadHdfsExample() throws Exception {
    String table = Hdfs.uri() + "/lake/paid_orders";
    Path file = rewrite("topic-to-hudi-mor-hdfs.yaml", Map.of("hdfs://namenode:8020/lake/paid_orders", table));
    PipelineTask task = runUntilAllRead(file, Map.of("hadoop.dfs.replication", "1"), EVENTS);
    // the filter keeps PAID events: per key, the latest paid one
    Map<String, Map<String, Object>> expected = new HashMap<>();
    io.tributary.connect.runtime.GeneratorSource gen =
        new io.tributary.connect.runtime.GeneratorSource(KEYS, OptionalLong.of(EVENTS), 7, () -> 0L);
    long paid = 0;
    while (gen.hasNext()) {
      Map<String, Object> e = gen.next();
      if ("PAID".equals(e.get("status"))) {
        expected.put((String) e.get("key"), e);
        paid++;
      }
    }
    assertEquals(EVENTS - paid, task.metrics().droppedByFilter());
    List<Row> rows = SparkReader.read(table).select("key", "seq", "paid_amount").collectAsList();
    assertEquals(expected.size(), rows.size());
    for (Row r : rows) {
      Map<String, Object> e = expected.get(r.getString(0));
      assertEquals(e.get("seq"), r.getLong(1));
      assertEquals((Double) e.get("amount"), r.getDouble(2), 0.0);
    }
  }
}
