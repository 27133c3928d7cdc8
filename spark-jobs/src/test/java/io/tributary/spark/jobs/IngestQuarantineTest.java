package io.tributary.spark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.registry.serde.RegistryClient;
import io.tributary.spark.config.JobConfig;
import io.tributary.spark.config.JobKind;
import io.tributary.spark.decode.RegistrySchemas;
import io.tributary.spark.testing.Events;
import io.tributary.spark.testing.Lake;
import io.tributary.spark.testing.TestCluster;
import io.tributary.spark.testing.TestSpark;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ingest} in-process over a topic holding good events and every kind of malformed record: the table
 * gets exactly the latest version of each key, the quarantine table exactly the malformed records with the
 * right reasons. The table is MERGE_ON_READ, written in several micro-batches, so that {@code compact} and
 * {@code clean} then have work to do.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IngestQuarantineTest {
  static final String TOPIC = "orders-mixed";
  static final int KEYS = 50;
  static final int EVENTS = 400;
  /** Key nullable so that a record without one is valid Avro (and quarantined as MISSING_FIELD). */
  static final Schema NULLABLE_KEY = new Schema.Parser().parse(Events.SCHEMA.toString()
      .replace("{\"name\":\"key\",\"type\":\"string\"}", "{\"name\":\"key\",\"type\":[\"null\",\"string\"],\"default\":null}"));
  static final Schema INCOMPATIBLE = new Schema.Parser().parse("""
      {"type":"record","name":"GeneratedRecord","fields":[{"name":"key","type":"int"}]}""");

  static final Map<String, Long> EXPECTED_REASONS = Map.of(
      "NOT_WIRE_FORMAT", 4L, "UNKNOWN_SCHEMA_ID", 2L, "CORRUPT_AVRO", 3L, "SCHEMA_MISMATCH", 2L,
      "NULL_VALUE", 2L, "MISSING_FIELD", 2L);

  @TempDir static Path dir;
  static TestCluster c;
  static SparkSession spark;
  static Path table;
  static Path quarantine;
  static Map<String, Long> latestSeq = new HashMap<>();

  @BeforeAll
  static void produce() throws Exception {
    c = TestCluster.get();
    spark = TestSpark.session();
    table = dir.resolve("lake/orders");
    quarantine = dir.resolve("lake/orders_quarantine");
    c.createTopic(TOPIC, 2);
    RegistryClient registry = new RegistryClient(c.registryUrl());
    int goodId = registry.register(TOPIC + "-value", NULLABLE_KEY.toString());
    int otherId = registry.register("unrelated-value", INCOMPATIBLE.toString());
    try (KafkaProducer<byte[], Object> avro = Events.avroProducer(c);
         KafkaProducer<byte[], byte[]> raw = Events.rawProducer(c)) {
      for (int i = 0; i < EVENTS; i++) {
        String key = "key-" + (i % KEYS);
        avro.send(Events.record(TOPIC, null, Events.event(NULLABLE_KEY, key, i, 1_700_000_000_000L + i,
            Events.REGIONS[(i % KEYS) % 4], i))).get();
        latestSeq.put(key, (long) i);
        if (i % 50 == 10) { // malformed records spread through the topic
          malformed(raw, i / 50, goodId, otherId);
        }
      }
    }
  }

  /** Round {@code n} (0..7) of malformed records; together exactly {@link #EXPECTED_REASONS}. */
  static void malformed(KafkaProducer<byte[], byte[]> raw, int n, int goodId, int otherId) throws Exception {
    byte[] good = wire(goodId, NULLABLE_KEY, Events.event(NULLABLE_KEY, "key-0", 0, 0, "eu", 1));
    switch (n) {
      case 0 -> {
        send(raw, "{\"key\":\"key-1\",\"seq\":1}".getBytes(StandardCharsets.UTF_8)); // JSON: NOT_WIRE_FORMAT
        send(raw, new byte[] {0, 0, 1}); // shorter than the header: NOT_WIRE_FORMAT
      }
      case 1 -> {
        send(raw, "plain text".getBytes(StandardCharsets.UTF_8));
        send(raw, new byte[] {1, 0, 0, 0, 1, 2}); // magic byte 1: NOT_WIRE_FORMAT
      }
      case 2 -> {
        send(raw, header(987_654, new byte[] {2, 4})); // UNKNOWN_SCHEMA_ID
        send(raw, header(987_655, new byte[] {}));
      }
      case 3 -> {
        send(raw, java.util.Arrays.copyOf(good, 9)); // truncated body: CORRUPT_AVRO
        byte[] extra = java.util.Arrays.copyOf(good, good.length + 3); // trailing bytes: CORRUPT_AVRO
        send(raw, extra);
      }
      case 4 -> {
        byte[] garbage = header(goodId, new byte[] {2, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f});
        send(raw, garbage); // a string length of 2^31: CORRUPT_AVRO
        GenericRecord other = new org.apache.avro.generic.GenericData.Record(INCOMPATIBLE);
        other.put("key", 7);
        send(raw, wire(otherId, INCOMPATIBLE, other)); // SCHEMA_MISMATCH
      }
      case 5 -> {
        GenericRecord other = new org.apache.avro.generic.GenericData.Record(INCOMPATIBLE);
        other.put("key", 8);
        send(raw, wire(otherId, INCOMPATIBLE, other)); // SCHEMA_MISMATCH
        send(raw, null); // NULL_VALUE
      }
      case 6 -> {
        send(raw, null); // NULL_VALUE
        send(raw, wire(goodId, NULLABLE_KEY, Events.event(NULLABLE_KEY, null, 1, 1, "eu", 1))); // MISSING_FIELD
      }
      case 7 -> send(raw, wire(goodId, NULLABLE_KEY, Events.event(NULLABLE_KEY, null, 2, 2, "us", 1))); // MISSING_FIELD
      default -> throw new IllegalArgumentException("round " + n);
    }
  }

  static void send(KafkaProducer<byte[], byte[]> raw, byte[] value) throws Exception {
    raw.send(new ProducerRecord<>(TOPIC, "bad".getBytes(StandardCharsets.UTF_8), value)).get();
  }

  static byte[] header(int id, byte[] body) {
    return ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(id).put(body).array();
  }

  static byte[] wire(int id, Schema schema, GenericRecord r) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(r, enc);
    enc.flush();
    return header(id, out.toByteArray());
  }

  static JobConfig ingestConfig(String extra) throws Exception {
    return Lake.config(JobKind.INGEST, dir.resolve("ingest.yaml"), """
        name: orders-ingest
        spark:
          spark.sql.shuffle.partitions: 2
        source:
          topic: %s
          bootstrap.servers: %s
          max.offsets.per.trigger: 150
        schema:
          registry.url: %s
        table:
          path: lake/orders
          type: MERGE_ON_READ
          partition.path: region
          options:
            hoodie.metadata.enable: false
            hoodie.embed.timeline.server: false
        stream:
          trigger: available-now
        %s
        """.formatted(TOPIC, c.bootstrap(), c.registryUrl(), extra));
  }

  @Test
  @Order(1)
  void ingestQuarantinesEveryMalformedRecordWithItsReason() throws Exception {
    long fetchesBefore = RegistrySchemas.of(c.registryUrl()).fetches();
    JobTotals totals = Jobs.run(spark, ingestConfig(""));

    assertEquals(latestSeq, Lake.seqByKey(spark, table), "one row per key, its latest seq");
    assertEquals(EXPECTED_REASONS, Lake.reasons(spark, quarantine));
    long bad = EXPECTED_REASONS.values().stream().mapToLong(Long::longValue).sum();
    assertEquals(EVENTS + bad, totals.read(), "every record read");
    assertEquals(EVENTS, totals.written());
    assertEquals(EXPECTED_REASONS, totals.quarantined(), "the job's own counts");
    assertTrue(totals.batches() >= 3, "several micro-batches (max.offsets.per.trigger 150): " + totals.batches());
    // the raw bytes are kept: the JSON record can be read back from the quarantine
    assertEquals(1, Lake.read(spark, quarantine).filter("reason = 'NOT_WIRE_FORMAT' and cast(value as string) like '{\"key\"%'").count());
    // one registry fetch per schema id (the good id, the incompatible one, two unknown ones) in this JVM
    assertEquals(4, RegistrySchemas.of(c.registryUrl()).fetches() - fetchesBefore, "schema fetches");
    System.out.printf("FIGURE ingest-quarantine: %d records in %d batches, %d upserted, quarantined %s%n",
        totals.read(), totals.batches(), totals.written(), totals.quarantined());
  }

  @Test
  @Order(2)
  void aRerunWithoutItsCheckpointStartsFromTheTableAndAppliesNothingTwice() throws Exception {
    long commits = Lake.completedCommits(table);
    deleteRecursively(dir.resolve("lake/orders_checkpoint"));
    JobTotals totals = Jobs.run(spark, ingestConfig(""));

    assertEquals(commits, Lake.completedCommits(table), "no new commit of the table: nothing was new to it");
    assertEquals(latestSeq, Lake.seqByKey(spark, table));
    assertEquals(EXPECTED_REASONS, Lake.reasons(spark, quarantine), "quarantine rows rewritten, not added");
    assertEquals(0, totals.written());
  }

  @Test
  @Order(3)
  void compactThenCleanKeepTheRows() throws Exception {
    JobConfig compact = Lake.config(JobKind.COMPACT, dir.resolve("compact.yaml"), """
        name: orders-compact
        table:
          path: lake/orders
          options:
            hoodie.metadata.enable: false
            hoodie.embed.timeline.server: false
        """);
    JobTotals done = Jobs.run(spark, compact);
    assertEquals(1, done.rowsOut(), "one compaction planned and run");
    assertTrue(completed(table, "commit") >= 1, "a completed compaction commit on the timeline");
    assertEquals(latestSeq, Lake.seqByKey(spark, table), "same rows after compaction");

    JobConfig clean = Lake.config(JobKind.CLEAN, dir.resolve("clean.yaml"), """
        table:
          path: lake/orders
          options:
            hoodie.metadata.enable: false
        service:
          retain.file.versions: 1
        """);
    JobTotals cleaned = Jobs.run(spark, clean);
    assertEquals(1, cleaned.rowsOut(), "a clean ran");
    assertTrue(completed(table, "clean") >= 1, "a completed clean on the timeline");
    assertEquals(latestSeq, Lake.seqByKey(spark, table), "same rows after clean");
  }

  @Test
  @Order(4)
  void compactRefusesACopyOnWriteTable() throws Exception {
    JobConfig compact = Lake.config(JobKind.COMPACT, dir.resolve("compact-cow.yaml"), """
        table:
          path: lake/orders_quarantine
        """);
    io.tributary.spark.JobException e = org.junit.jupiter.api.Assertions.assertThrows(
        io.tributary.spark.JobException.class, () -> Jobs.run(spark, compact));
    assertTrue(e.getMessage().contains("COPY_ON_WRITE table; compaction applies to MERGE_ON_READ tables only"), e.getMessage());
    assertTrue(e.getMessage().contains("compact-cow.yaml:2: table.path"), e.getMessage());
  }

  static long completed(Path table, String action) throws java.io.IOException {
    try (var files = java.nio.file.Files.list(table.resolve(".hoodie/timeline"))) {
      return files.filter(f -> f.getFileName().toString().matches("[0-9]+_[0-9]+\\." + action)).count();
    }
  }

  static void deleteRecursively(Path p) throws java.io.IOException {
    if (!java.nio.file.Files.exists(p)) {
      return;
    }
    try (var walk = java.nio.file.Files.walk(p)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
