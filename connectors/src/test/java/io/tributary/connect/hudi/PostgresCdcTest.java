package io.tributary.connect.hudi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tributary.connect.PipelineLoader;
import io.tributary.connect.runtime.PipelineTask;
import io.tributary.connect.runtime.PipelineTasks;
import io.tributary.registry.serde.KafkaAvroDeserializer;
import io.tributary.registry.serde.RegistryClient;
import io.tributary.registry.serde.SerdeConfig;
import io.tributary.testkit.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Done-when 1 (short form): a PostgreSQL table with random inserts, updates and deletes, captured by a
 * {@code postgres} pipeline in its own JVM that is killed -9 once during the snapshot and once while
 * streaming; a topic -> hudi pipeline with hard deletes ordered by {@code __lsn}; the table read by Spark equals
 * {@code SELECT * FROM items} (row count and a checksum over every column). {@code -Pcdc-full} runs it with
 * {@value #FULL_OPERATIONS} operations ({@code tributary.test.cdc.operations}).
 */
class PostgresCdcTest {
  static final int FULL_OPERATIONS = 20_000;
  static final int OPERATIONS = Integer.getInteger("tributary.test.cdc.operations", 2000);
  /**
   * Rows in the table before the pipeline starts: the snapshot. Enough that the engine hands its first batches
   * (2048 records) to the producer while it still reads the table, so the first kill lands in the snapshot.
   */
  static final int INITIAL_ROWS = Math.max(6000, OPERATIONS / 2);
  static final String TOPIC = "pg.public.items";

  @TempDir static Path dir;
  static Lake lake;
  static PostgresServer pg;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(PostgresServer.installed(), "PostgreSQL 15 is not installed (.ci/run installs it)");
    lake = Lake.start(dir);
    pg = PostgresServer.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (pg != null) {
      pg.close();
    }
    if (lake != null) {
      lake.close();
    }
  }

  Path cdcPipeline() throws Exception {
    Path file = dir.resolve("cdc.yaml");
    Files.writeString(file, """
        name: items-cdc
        source:
          type: postgres
          hostname: 127.0.0.1
          port: %d
          database: postgres
          user: postgres
          tables: [public.items]
        sink:
          type: topic
          topic.prefix: pg
          bootstrap.servers: %s
        schema:
          registry.url: %s
        """.formatted(pg.port(), lake.bootstrap(), lake.registryUrl()));
    return file;
  }

  Path hudiPipeline() throws Exception {
    Path file = dir.resolve("items-lake.yaml");
    Files.writeString(file, """
        name: items-lake
        source:
          type: topic
          topic: %s
          bootstrap.servers: %s
        sink:
          type: hudi
          table.path: %s
          table.name: items
          record.key: id
          precombine.field: __lsn
          delete.mode: hard
          commit.interval.ms: 2000
          metadata.enable: false
        schema:
          registry.url: %s
        """.formatted(TOPIC, lake.bootstrap(), dir.resolve("lake/items").toUri(), lake.registryUrl()));
    return file;
  }

  @Test
  void tableInHudiEqualsPostgresAfterKillsDuringSnapshotAndStreaming() throws Exception {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, qty int, price numeric(10,2), note text)");
      s.execute("INSERT INTO items SELECT i, 'item-' || i, i % 100, (i % 1000) / 10.0, NULL FROM generate_series(1, "
          + INITIAL_ROWS + ") i");
    }
    Path cdc = cdcPipeline();
    Path noPause = dir.resolve("no-pause-flag");

    ConnectorProcess first = ConnectorProcess.start(cdc, noPause, dir, "cdc-1");
    assertTrue(awaitEndOffset(1, 300_000), "no change reached the topic: " + first.stderr());
    first.kill9();
    long afterSnapshotKill = endOffset();
    System.out.println("FIGURE cdc: killed -9 during the snapshot at " + afterSnapshotKill + " of " + INITIAL_ROWS
        + " rows in the topic");
    assertTrue(afterSnapshotKill < INITIAL_ROWS, "the kill came after the snapshot: " + afterSnapshotKill);

    ConnectorProcess second = ConnectorProcess.start(cdc, noPause, dir, "cdc-2");
    Random random = new Random(18);
    List<Integer> live = new ArrayList<>();
    for (int i = 1; i <= INITIAL_ROWS; i++) {
      live.add(i);
    }
    int[] nextId = {INITIAL_ROWS + 1};
    try (Connection c = pg.connect("postgres")) {
      operate(c, random, live, nextId, OPERATIONS / 2);
      // the topic also holds the interrupted snapshot's reads: only a streamed change says that the redo finished
      assertTrue(awaitStreamedChange(300_000), "the redone snapshot did not finish: " + second.stderr());
      second.kill9();
      System.out.println("FIGURE cdc: killed -9 while streaming at offset " + endOffset());
      operate(c, random, live, nextId, OPERATIONS / 4);
      ConnectorProcess third = ConnectorProcess.start(cdc, noPause, dir, "cdc-3");
      operate(c, random, live, nextId, OPERATIONS - OPERATIONS / 2 - OPERATIONS / 4);
      // a last insert marks the end: once it is in the topic, everything before it is
      try (Statement s = c.createStatement()) {
        s.execute("INSERT INTO items VALUES (0, 'end', 0, 0, 'end')");
      }
      assertTrue(awaitKey0(300_000), "the end marker did not reach the topic: " + third.stderr());
      int code = third.terminate(60_000);
      // the JVM exits 143 on SIGTERM; the clean stop closes the engine, which flushes its position
      assertTrue(code == 143 || code == 0, "exit " + code + ": " + third.stderr());
    }

    TopicToHudiTask task = TopicToHudiTask.create(PipelineLoader.load(hudiPipeline()), Map.of());
    TaskThread t = TaskThread.start(task);
    long end = endOffset();
    assertTrue(Lake.await(() -> t.failure() != null || task.metrics().recordsIn() >= end, 600_000), task::summary);
    t.stop(120_000);
    assertNull(t.failure());
    System.out.println("FIGURE cdc: " + end + " records in the topic; " + task.summary());
    System.out.println("FIGURE cdc: " + retractedBySnapshots() + " rows deleted by a redone snapshot (issue 18)");

    List<String> expected = new ArrayList<>();
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT id, name, qty, price::text, note FROM items ORDER BY id")) {
      while (rs.next()) {
        expected.add(rs.getInt(1) + "|" + rs.getString(2) + "|" + rs.getObject(3) + "|" + rs.getString(4) + "|"
            + rs.getString(5));
      }
    }
    List<String> actual = new ArrayList<>();
    for (Row r : SparkReader.read(dir.resolve("lake/items").toUri().toString())
        .selectExpr("id", "name", "qty", "price", "note").orderBy("id").collectAsList()) {
      actual.add(r.get(0) + "|" + r.get(1) + "|" + r.get(2) + "|" + r.get(3) + "|" + r.get(4));
    }
    System.out.println("FIGURE cdc: Postgres " + expected.size() + " rows, checksum " + checksum(expected)
        + "; Hudi via Spark " + actual.size() + " rows, checksum " + checksum(actual));
    List<String> extra = new ArrayList<>(actual);
    extra.removeAll(expected);
    List<String> missing = new ArrayList<>(expected);
    missing.removeAll(actual);
    System.out.println("FIGURE cdc: rows only in Hudi " + extra.subList(0, Math.min(20, extra.size())) + " ("
        + extra.size() + "), only in Postgres " + missing.subList(0, Math.min(20, missing.size())) + " ("
        + missing.size() + ")");
    assertEquals(expected.size(), actual.size(), "row count");
    assertEquals(checksum(expected), checksum(actual), "checksum over every column");
    assertEquals(expected, actual);
  }

  /**
   * Done-when 2: {@code ALTER TABLE ... ADD COLUMN} while both pipelines run (in this JVM): a new registry
   * version, the Hudi table's schema evolves, rows written after carry the column and older rows read null.
   */
  @Test
  void anAddedColumnEvolvesTheHudiTableAndOlderRowsReadNull() throws Exception {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE evolving (id int PRIMARY KEY, name text)");
      s.execute("INSERT INTO evolving SELECT i, 'old-' || i FROM generate_series(1, 50) i");
    }
    Path cdc = dir.resolve("evolving-cdc.yaml");
    Files.writeString(cdc, Files.readString(cdcPipeline()).replace("name: items-cdc", "name: evolving-cdc")
        .replace("public.items", "public.evolving").replace("topic.prefix: pg", "topic.prefix: ev"));
    Path lakeFile = dir.resolve("evolving-lake.yaml");
    String table = dir.resolve("lake/evolving").toUri().toString();
    Files.writeString(lakeFile, Files.readString(hudiPipeline()).replace("name: items-lake", "name: evolving-lake")
        .replace(TOPIC, "ev.public.evolving").replace(dir.resolve("lake/items").toUri().toString(), table)
        .replace("table.name: items", "table.name: evolving"));
    String topic = "ev.public.evolving";
    PipelineTask source = PipelineTasks.create(PipelineLoader.load(cdc), Map.of());
    TopicToHudiTask sink = TopicToHudiTask.create(PipelineLoader.load(lakeFile), Map.of());
    TaskThread capturing = TaskThread.start(source);
    TaskThread ingesting = TaskThread.start(sink);
    BooleanSupplier failed = () -> capturing.failure() != null || ingesting.failure() != null;
    try {
      assertTrue(Lake.await(() -> failed.getAsBoolean() || sink.metrics().recordsOut() >= 50, 300_000), sink::summary);
      try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
        s.execute("ALTER TABLE evolving ADD COLUMN color text");
        s.execute("INSERT INTO evolving SELECT i, 'new-' || i, 'red' FROM generate_series(51, 70) i");
        s.execute("UPDATE evolving SET name = 'touched' WHERE id <= 5");
      }
      assertTrue(Lake.await(() -> failed.getAsBoolean() || sink.metrics().recordsOut() >= 75, 300_000), sink::summary);
    } finally {
      capturing.stop(120_000);
      ingesting.stop(120_000);
    }
    assertNull(capturing.failure());
    assertNull(ingesting.failure());
    System.out.println("FIGURE cdc evolution: " + sink.summary());
    assertEquals(2, new RegistryClient(lake.registryUrl()).latest(topic + "-value").version(),
        "the added column is a new version of " + topic + "-value");

    Map<Integer, String> colorById = new TreeMap<>();
    for (Row r : SparkReader.read(table).select("id", "name", "color").collectAsList()) {
      colorById.put(r.getInt(0), r.getString(2));
    }
    assertEquals(70, colorById.size());
    for (int id = 1; id <= 70; id++) {
      assertEquals(id > 50 ? "red" : null, colorById.get(id), "color of row " + id);
    }
  }

  /** {@code n} random inserts, updates and deletes, a few per transaction. */
  static void operate(Connection c, Random random, List<Integer> live, int[] nextId, int n) throws Exception {
    c.setAutoCommit(false);
    try (PreparedStatement insert = c.prepareStatement("INSERT INTO items VALUES (?, ?, ?, ?::numeric, ?)");
         PreparedStatement update = c.prepareStatement("UPDATE items SET qty = ?, price = ?::numeric, note = ? WHERE id = ?");
         PreparedStatement delete = c.prepareStatement("DELETE FROM items WHERE id = ?")) {
      for (int i = 0; i < n; i++) {
        int kind = random.nextInt(10);
        if (kind < 3 || live.isEmpty()) {
          int id = nextId[0]++;
          insert.setInt(1, id);
          insert.setString(2, "item-" + id);
          insert.setInt(3, random.nextInt(100));
          insert.setString(4, String.valueOf(random.nextInt(100_000) / 100.0));
          insert.setString(5, random.nextBoolean() ? null : "new " + i);
          insert.executeUpdate();
          live.add(id);
        } else if (kind < 8) {
          int id = live.get(random.nextInt(live.size()));
          update.setInt(1, random.nextInt(100));
          update.setString(2, String.valueOf(random.nextInt(100_000) / 100.0));
          update.setString(3, random.nextBoolean() ? null : "updated " + i);
          update.setInt(4, id);
          update.executeUpdate();
        } else {
          int id = live.remove(random.nextInt(live.size()));
          delete.setInt(1, id);
          delete.executeUpdate();
        }
        if (random.nextInt(4) == 0) {
          c.commit();
        }
      }
      c.commit();
    } finally {
      c.setAutoCommit(true);
    }
  }

  static long endOffset() {
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(lake.cluster.consumerProps())) {
      TopicPartition tp = new TopicPartition(TOPIC, 0);
      if (c.partitionsFor(TOPIC).isEmpty()) {
        return 0;
      }
      return c.endOffsets(List.of(tp)).get(tp);
    } catch (RuntimeException e) {
      return 0;
    }
  }

  static boolean awaitEndOffset(long atLeast, long timeoutMs) throws InterruptedException {
    return Lake.await(() -> endOffset() >= atLeast, timeoutMs);
  }

  /** Waits until the topic holds a streamed change (__op c, u or d): the snapshot before it has completed. */
  static boolean awaitStreamedChange(long timeoutMs) throws InterruptedException {
    try (KafkaAvroDeserializer values = new KafkaAvroDeserializer()) {
      values.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, lake.registryUrl()), false);
      return Lake.await(() -> lake.readAll(TOPIC).stream().anyMatch(r -> r.value() != null
          && !"r".equals(String.valueOf(((GenericRecord) values.deserialize(TOPIC, r.value())).get("__op")))),
          timeoutMs);
    }
  }

  /**
   * The deletes in the topic at a snapshot's position: those a redone snapshot wrote for rows it no longer
   * found (a streamed delete has its own position in the WAL).
   */
  static long retractedBySnapshots() {
    try (KafkaAvroDeserializer values = new KafkaAvroDeserializer()) {
      values.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, lake.registryUrl()), false);
      List<GenericRecord> changes = lake.readAll(TOPIC).stream().filter(r -> r.value() != null)
          .map(r -> (GenericRecord) values.deserialize(TOPIC, r.value())).toList();
      Set<Object> snapshotLsns = changes.stream().filter(v -> "r".equals(v.get("__op").toString()))
          .map(v -> v.get("__lsn")).collect(Collectors.toSet());
      return changes.stream().filter(v -> "d".equals(v.get("__op").toString())
          && snapshotLsns.contains(v.get("__lsn"))).count();
    }
  }

  /** Waits until a record of key id 0 (the end marker) is in the topic. */
  static boolean awaitKey0(long timeoutMs) throws InterruptedException {
    return Lake.await(() -> lake.readAll(TOPIC).stream().anyMatch(r -> r.value() != null
        && new String(r.value(), StandardCharsets.ISO_8859_1).contains("end")), timeoutMs);
  }

  static String checksum(List<String> rows) {
    CRC32 crc = new CRC32();
    rows.forEach(r -> crc.update((r + "\n").getBytes(StandardCharsets.UTF_8)));
    return Long.toHexString(crc.getValue());
  }
}
