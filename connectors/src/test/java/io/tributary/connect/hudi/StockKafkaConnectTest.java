package io.tributary.connect.hudi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.connect.PipelineLoader;
import io.tributary.registry.serde.KafkaAvroDeserializer;
import io.tributary.registry.serde.SerdeConfig;
import io.tributary.testkit.PostgresServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18, done-when 5: stock Apache Kafka Connect in distributed mode (two worker JVMs, config/offset/status
 * topics on our cluster) runs Debezium's Postgres connector with our {@code io.tributary.registry.connect.AvroConverter}
 * for keys and values and {@code ExtractNewRecordState} shaping the values as our postgres source does
 * ({@code __op}, {@code __lsn}, {@code __source_ts_ms}, a boolean {@code __deleted}, tombstones); random inserts,
 * updates and deletes on a real PostgreSQL; the worker that runs the task is killed -9 while it streams and the task
 * moves to the other; then our topic -> hudi pipeline ends equal to Postgres (row count and a checksum over every
 * column, read by Spark). Its wall time (4-8 min here, mostly the workers' start) keeps it behind {@code -Pstock-connect};
 * {@code AvroConverterRegistryTest} is the short form in plain {@code mvn verify}.
 */
@EnabledIfSystemProperty(named = "tributary.test.stock-connect", matches = "true",
    disabledReason = "two Kafka Connect worker JVMs: run with -Pstock-connect")
class StockKafkaConnectTest {
  static final int INITIAL_ROWS = 1000;
  static final int OPERATIONS = Integer.getInteger("tributary.test.connect.operations", 1500);
  static final String TOPIC = "sc.public.items";
  static final String CONNECTOR = "items-debezium";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static Lake lake;
  static PostgresServer pg;
  static final List<ConnectWorkerProcess> workers = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(PostgresServer.installed(), "PostgreSQL 15 is not installed (.ci/run installs it)");
    lake = Lake.start(dir);
    pg = PostgresServer.start();
  }

  @AfterAll
  static void stop() throws Exception {
    workers.forEach(ConnectWorkerProcess::close);
    if (pg != null) {
      pg.close();
    }
    if (lake != null) {
      lake.close();
    }
  }

  /** The connector as a user registers it: Debezium's Postgres connector, our converter, Connect's own SMTs. */
  ObjectNode connectorConfig() {
    ObjectNode c = JSON.createObjectNode();
    c.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
    c.put("tasks.max", "1");
    c.put("database.hostname", "127.0.0.1");
    c.put("database.port", String.valueOf(pg.port()));
    c.put("database.user", "postgres");
    c.put("database.dbname", "postgres");
    c.put("topic.prefix", "sc");
    c.put("table.include.list", "public\\.items");
    c.put("plugin.name", "pgoutput");
    c.put("slot.name", "stock_connect");
    c.put("publication.name", "stock_connect");
    c.put("publication.autocreate.mode", "filtered");
    // as our postgres source: decimals as their text, so the lake compares them as Postgres prints them
    c.put("decimal.handling.mode", "string");
    c.put("key.converter", "io.tributary.registry.connect.AvroConverter");
    c.put("key.converter.schema.registry.url", lake.registryUrl());
    c.put("value.converter", "io.tributary.registry.connect.AvroConverter");
    c.put("value.converter.schema.registry.url", lake.registryUrl());
    // the row after the change plus __op, __lsn, __source_ts_ms and __deleted; a delete also keeps its tombstone
    c.put("transforms", "unwrap,deleted");
    c.put("transforms.unwrap.type", "io.debezium.transforms.ExtractNewRecordState");
    c.put("transforms.unwrap.add.fields", "op,lsn,source.ts_ms");
    c.put("transforms.unwrap.delete.tombstone.handling.mode", "rewrite-with-tombstone");
    // ExtractNewRecordState writes __deleted as the text "true"/"false"; our source and the Hudi sink use a boolean
    c.put("transforms.deleted.type", "org.apache.kafka.connect.transforms.Cast$Value");
    c.put("transforms.deleted.spec", "__deleted:boolean");
    c.put("transforms.deleted.predicate", "tombstone");
    c.put("transforms.deleted.negate", "true");
    c.put("predicates", "tombstone");
    c.put("predicates.tombstone.type", "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone");
    return c;
  }

  Path hudiPipeline() throws Exception {
    Path file = dir.resolve("items-lake.yaml");
    Files.writeString(file, """
        name: stock-connect-lake
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
  void debeziumOnStockConnectWithOurConverterEndsEqualToPostgresAfterAWorkerIsKilled() throws Exception {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, qty int, price numeric(10,2), note text)");
      // deletes carry the whole old row, so every required column of the value schema has its value
      s.execute("ALTER TABLE items REPLICA IDENTITY FULL");
      s.execute("INSERT INTO items SELECT i, 'item-' || i, i % 100, (i % 1000) / 10.0, NULL FROM generate_series(1, "
          + INITIAL_ROWS + ") i");
    }
    lake.cluster.createTopic(TOPIC, 1, 1, Map.of());
    workers.add(ConnectWorkerProcess.start(dir, "connect-1", lake.bootstrap(), lake.registryUrl()));
    workers.add(ConnectWorkerProcess.start(dir, "connect-2", lake.bootstrap(), lake.registryUrl()));
    for (ConnectWorkerProcess w : workers) {
      assertTrue(Lake.await(w::answers, 180_000), "worker " + w.workerId() + " did not answer: " + w.logTail());
    }
    ObjectNode create = JSON.createObjectNode();
    create.put("name", CONNECTOR);
    create.set("config", connectorConfig());
    postWithRetry(workers.get(0), "/connectors", create);

    ConnectWorkerProcess[] running = new ConnectWorkerProcess[1];
    assertTrue(Lake.await(() -> (running[0] = taskRunningOn()) != null, 180_000),
        "the task did not start: " + status() + "\n" + workers.get(0).logTail() + "\n" + workers.get(1).logTail());
    Random random = new Random(5);
    List<Integer> live = new ArrayList<>();
    for (int i = 1; i <= INITIAL_ROWS; i++) {
      live.add(i);
    }
    int[] nextId = {INITIAL_ROWS + 1};
    try (Connection c = pg.connect("postgres")) {
      PostgresCdcTest.operate(c, random, live, nextId, OPERATIONS / 2);
      // the snapshot is over and its end committed once an offset without the snapshot marker is stored
      assertTrue(Lake.await(() -> streamedChangeInTopic() && streamingOffsetStored(), 300_000),
          "no streamed change with its offset: " + status() + "\n" + running[0].logTail());
      ConnectWorkerProcess victim = running[0];
      ConnectWorkerProcess survivor = workers.get(0) == victim ? workers.get(1) : workers.get(0);
      victim.process.kill9();
      System.out.println("FIGURE stock-connect: killed -9 worker " + victim.workerId() + " at offset "
          + lake.readAll(TOPIC).size());
      PostgresCdcTest.operate(c, random, live, nextId, OPERATIONS / 4);
      assertTrue(Lake.await(() -> taskRunningOn() == survivor, 300_000),
          "the task did not move to " + survivor.workerId() + ": " + status() + "\n" + survivor.logTail());
      PostgresCdcTest.operate(c, random, live, nextId, OPERATIONS - OPERATIONS / 2 - OPERATIONS / 4);
      try (Statement s = c.createStatement()) {
        s.execute("INSERT INTO items VALUES (0, 'end', 0, 0, 'end')");
      }
      assertTrue(Lake.await(StockKafkaConnectTest::endMarkerInTopic, 300_000),
          "the end marker did not reach the topic: " + status() + "\n" + survivor.logTail());
    }

    TopicToHudiTask task = TopicToHudiTask.create(PipelineLoader.load(hudiPipeline()), Map.of());
    TaskThread t = TaskThread.start(task);
    long end = lake.readAll(TOPIC).size();
    assertTrue(Lake.await(() -> t.failure() != null || task.metrics().recordsIn() >= end, 600_000), task::summary);
    t.stop(120_000);
    assertNull(t.failure());
    System.out.println("FIGURE stock-connect: " + end + " records in the topic; " + task.summary());

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
    System.out.println("FIGURE stock-connect: Postgres " + expected.size() + " rows, checksum "
        + PostgresCdcTest.checksum(expected) + "; Hudi via Spark " + actual.size() + " rows, checksum "
        + PostgresCdcTest.checksum(actual));
    assertEquals(expected.size(), actual.size(), "row count");
    assertEquals(PostgresCdcTest.checksum(expected), PostgresCdcTest.checksum(actual), "checksum over every column");
    assertEquals(expected, actual);
    assertValuesAreShapedAsOurSource();
  }

  /** The values carry what the embedded engine's source writes: the columns, __op, __lsn, __source_ts_ms, __deleted. */
  void assertValuesAreShapedAsOurSource() {
    try (KafkaAvroDeserializer values = new KafkaAvroDeserializer()) {
      values.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, lake.registryUrl()), false);
      List<ConsumerRecord<byte[], byte[]>> records = lake.readAll(TOPIC);
      GenericRecord delete = null;
      int tombstones = 0;
      for (ConsumerRecord<byte[], byte[]> r : records) {
        if (r.value() == null) {
          tombstones++;
        } else if (delete == null) {
          GenericRecord v = (GenericRecord) values.deserialize(TOPIC, r.value());
          delete = "d".equals(String.valueOf(v.get("__op"))) ? v : null;
        }
      }
      assertTrue(delete != null && tombstones > 0, "no delete with its tombstone in the topic");
      assertEquals(Boolean.TRUE, delete.get("__deleted"));
      assertTrue(delete.get("__lsn") instanceof Long && delete.get("__source_ts_ms") instanceof Long, delete.toString());
      assertEquals("pg.public.items.Value".replace("pg.", "sc."), delete.getSchema().getFullName());
    }
  }

  /** The worker whose status says it runs the connector's task, or null. */
  static ConnectWorkerProcess taskRunningOn() {
    JsonNode s = status();
    JsonNode task = s.path("tasks").path(0);
    if (!"RUNNING".equals(task.path("state").asText())) {
      return null;
    }
    String id = task.path("worker_id").asText();
    return workers.stream().filter(w -> w.workerId().equals(id) && w.process.isAlive()).findFirst().orElse(null);
  }

  static JsonNode status() {
    for (ConnectWorkerProcess w : workers) {
      if (w.process.isAlive()) {
        try {
          return w.get("/connectors/" + CONNECTOR + "/status");
        } catch (IOException e) {
          // not there yet, or this worker is rebalancing: ask the next one
        }
      }
    }
    return JSON.createObjectNode();
  }

  /** Connect answers 409 while the group rebalances right after start: retried within bounds. */
  static void postWithRetry(ConnectWorkerProcess w, String path, JsonNode body) throws Exception {
    IOException[] last = {null};
    boolean done = Lake.await(() -> {
      try {
        w.post(path, body);
        return true;
      } catch (IOException e) {
        last[0] = e;
        return false;
      }
    }, 120_000);
    assertTrue(done, "POST " + path + " failed: " + last[0]);
  }

  static boolean streamedChangeInTopic() {
    try (KafkaAvroDeserializer values = new KafkaAvroDeserializer()) {
      values.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, lake.registryUrl()), false);
      return lake.readAll(TOPIC).stream().anyMatch(r -> r.value() != null
          && !"r".equals(String.valueOf(((GenericRecord) values.deserialize(TOPIC, r.value())).get("__op"))));
    }
  }

  /** Debezium's stored offset once streaming: no snapshot flag in it (Connect's offsets topic is JSON). */
  static boolean streamingOffsetStored() {
    List<ConsumerRecord<byte[], byte[]>> offsets = new ArrayList<>();
    for (int p = 0; p < 5; p++) {
      offsets.addAll(readPartition("connect-offsets", p));
    }
    return offsets.stream().filter(r -> r.value() != null)
        .map(r -> new String(r.value(), StandardCharsets.UTF_8)).anyMatch(v -> v.contains("lsn") && !v.contains("snapshot"));
  }

  static List<ConsumerRecord<byte[], byte[]>> readPartition(String topic, int partition) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (var c = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(lake.cluster.consumerProps())) {
      var tp = new org.apache.kafka.common.TopicPartition(topic, partition);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long endOffset = c.endOffsets(List.of(tp)).get(tp);
      long deadline = System.currentTimeMillis() + 30_000;
      while (c.position(tp) < endOffset && System.currentTimeMillis() < deadline) {
        c.poll(java.time.Duration.ofMillis(200)).forEach(out::add);
      }
    } catch (RuntimeException e) {
      // the topic is not created yet
    }
    return out;
  }

  static boolean endMarkerInTopic() {
    return lake.readAll(TOPIC).stream().anyMatch(r -> r.value() != null
        && new String(r.value(), StandardCharsets.ISO_8859_1).contains("end"));
  }
}
