package io.tributary.connect.hudi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.connect.PipelineLoader;
import io.tributary.connect.Sink;
import io.tributary.registry.serde.KafkaAvroSerializer;
import io.tributary.registry.serde.RegistryClient;
import io.tributary.registry.serde.SerdeConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topic -> hudi pipeline's newer behaviours end to end, on one log cluster and registry, read back by Spark:
 * JSON values with a registered schema (Done-when 3), deletes of every kind in hard and soft mode,
 * {@code on.data.loss} (Done-when 4) and {@code commit.bytes}.
 */
class SinkChangesTest {
  static final Schema ORDER = SchemaBuilder.record("Order").namespace("shop").fields()
      .requiredString("key").requiredLong("seq").optionalString("name").endRecord();
  static final Schema CHANGE = SchemaBuilder.record("Change").namespace("shop").fields()
      .requiredString("key").requiredLong("seq").optionalString("name")
      .optionalString("__op").requiredBoolean("__deleted").endRecord();

  @TempDir static Path dir;
  static Lake lake;

  @BeforeAll
  static void start() throws Exception {
    lake = Lake.start(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    if (lake != null) {
      lake.close();
    }
  }

  /** A topic -> hudi pipeline over {@code topic}, {@code source}/{@code sink}/{@code rest} lines spliced in. */
  static Path pipeline(String name, String topic, String sourceLines, String sinkLines, String rest) throws Exception {
    Path file = dir.resolve(name + "-" + System.nanoTime() + ".yaml");
    Files.writeString(file, """
        name: %s
        source:
          type: topic
          topic: %s
          bootstrap.servers: %s
        %s
        sink:
          type: hudi
          table.path: %s
          table.name: %s
          record.key: key
          precombine.field: seq
          commit.interval.ms: 500
          metadata.enable: false
        %s
        schema:
          registry.url: %s
        %s
        """.formatted(name, topic, lake.bootstrap(), indent(sourceLines), table(name), name.replace('-', '_'),
        indent(sinkLines), lake.registryUrl(), rest));
    return file;
  }

  static String indent(String lines) {
    return lines.lines().map(l -> "  " + l).reduce("", (a, b) -> a + b + "\n");
  }

  static String table(String name) {
    return dir.resolve("lake/" + name).toUri().toString();
  }

  /** Runs the task in a thread until {@code done} holds of it, then stops it; rethrows what it failed with. */
  static TopicToHudiTask runUntil(Path file, Predicate<TopicToHudiTask> done) throws Exception {
    TopicToHudiTask task = TopicToHudiTask.create(PipelineLoader.load(file), Map.of());
    TaskThread t = TaskThread.start(task);
    boolean reached = Lake.await(() -> t.failure() != null || done.test(task), 180_000);
    t.stop(120_000);
    if (t.failure() instanceof Exception e) {
      throw e;
    }
    assertNull(t.failure());
    assertTrue(reached, task::summary);
    return task;
  }

  static byte[] avro(String topic, GenericRecord r) {
    KafkaAvroSerializer s = new KafkaAvroSerializer();
    s.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, lake.registryUrl()), false);
    return s.serialize(topic, r);
  }

  static GenericRecord change(String key, long seq, String op) {
    GenericRecord r = new GenericData.Record(CHANGE);
    r.put("key", key);
    r.put("seq", seq);
    r.put("name", op.equals("d") ? null : key + "@" + seq);
    r.put("__op", op);
    r.put("__deleted", op.equals("d"));
    return r;
  }

  static Map<String, Long> seqByKey(String name) {
    return new TreeMap<>(SparkReader.seqByKey(table(name), "key", "seq"));
  }

  @Test
  void jsonValuesUpsertAndAValueThatDoesNotFitIsDeadLetteredNamingFieldAndOffset() throws Exception {
    String topic = "json-orders";
    lake.cluster.createTopic(topic, 1, 1, Map.of());
    lake.cluster.createTopic(topic + "-dead", 1, 1, Map.of());
    new RegistryClient(lake.registryUrl()).register(topic + "-value", ORDER.toString());
    Map<String, Long> expected = new TreeMap<>();
    long badOffset = -1;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(lake.cluster.producerProps())) {
      for (int i = 0; i < 200; i++) {
        String key = "k" + (i % 40);
        String json = "{\"key\": \"" + key + "\", \"seq\": " + i + ", \"name\": \"n" + i + "\", \"extra\": 1}";
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
            json.getBytes(StandardCharsets.UTF_8))).get();
        expected.put(key, (long) i);
        if (i == 100) {
          RecordMetadata md = producer.send(new ProducerRecord<>(topic, "k1".getBytes(StandardCharsets.UTF_8),
              "{\"key\": \"k1\", \"seq\": \"late\"}".getBytes(StandardCharsets.UTF_8))).get();
          badOffset = md.offset();
        }
      }
    }
    // commit.bytes (4 KB, about 60 values) is what commits here: the interval is ten minutes, commit.records
    // 100000; 100 rows out takes two commits before the stop
    Path file = pipeline("json-orders", topic, "", "commit.bytes: 4096", """
          format: json
        errors:
          tolerance: all
          dead.letter.topic: json-orders-dead
        """).toAbsolutePath();
    Files.writeString(file, Files.readString(file).replace("commit.interval.ms: 500", "commit.interval.ms: 600000"));
    TopicToHudiTask task = runUntil(file, t -> t.metrics().recordsOut() >= 100);
    System.out.println("FIGURE json: " + task.summary());

    List<ConsumerRecord<byte[], byte[]>> letters = lake.readAll(topic + "-dead");
    assertEquals(1, letters.size());
    ConsumerRecord<byte[], byte[]> letter = letters.get(0);
    assertEquals(String.valueOf(badOffset), DeadLetterTest.header(letter, DeadLetters.HEADER_OFFSET));
    String why = DeadLetterTest.header(letter, DeadLetters.HEADER_EXCEPTION_MESSAGE);
    assertTrue(why.startsWith("incompatible-schema: field 'seq' is a JSON string"), why);

    // the last records are committed by the clean stop
    assertEquals(expected, seqByKey("json-orders"));
    assertEquals("n199", SparkReader.read(table("json-orders")).where("key = 'k39'").select("name").first().getString(0));
  }

  @Test
  void deletesFollowThePrecombineFieldInHardModeAndMarkRowsInSoftMode() throws Exception {
    String topic = "changes";
    lake.cluster.createTopic(topic, 1, 1, Map.of());
    Map<String, Long> expectedHard = new TreeMap<>();
    long records = 0;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(lake.cluster.producerProps())) {
      List<Object[]> events = new ArrayList<>();
      for (int k = 0; k < 20; k++) {
        events.add(new Object[] {"k" + k, 10L, "c"});
      }
      for (int k = 0; k < 4; k++) {
        events.add(new Object[] {"k" + k, 20L, "d"}); // k0..k3 deleted
      }
      events.add(new Object[] {"k4", 5L, "d"});  // a delete older than the row: ignored
      events.add(new Object[] {"k5", 30L, "u"}); // an update, then an older delete: the update stays
      events.add(new Object[] {"k5", 25L, "d"});
      events.add(new Object[] {"k7", 40L, "d"}); // deleted, then inserted again later
      events.add(new Object[] {"k7", 41L, "c"});
      for (Object[] e : events) {
        String key = (String) e[0];
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
            avro(topic, change(key, (Long) e[1], (String) e[2])))).get();
        records++;
      }
      producer.send(new ProducerRecord<>(topic, "k6".getBytes(StandardCharsets.UTF_8), null)).get(); // tombstone
      records++;
    }
    for (int k = 4; k < 20; k++) {
      expectedHard.put("k" + k, 10L);
    }
    expectedHard.put("k5", 30L);
    expectedHard.remove("k6");
    expectedHard.put("k7", 41L);
    long all = records;

    runUntil(pipeline("changes-hard", topic, "", "delete.mode: hard", ""), t -> t.metrics().recordsIn() == all
        && t.metrics().lastCommitMillis().isPresent());
    assertEquals(expectedHard, seqByKey("changes-hard"));

    TopicToHudiTask soft = runUntil(pipeline("changes-soft", topic, "", "delete.mode: soft", ""),
        t -> t.metrics().recordsIn() == all && t.metrics().lastCommitMillis().isPresent());
    assertEquals(1, soft.metrics().droppedByFilter(), "the tombstone: the delete before it marked the row");
    Map<String, Boolean> deleted = new TreeMap<>();
    for (Row r : SparkReader.read(table("changes-soft")).select("key", "__deleted").collectAsList()) {
      deleted.put(r.getString(0), r.getBoolean(1));
    }
    assertEquals(20, deleted.size(), "soft deletes keep every key: " + deleted);
    for (int k = 0; k < 20; k++) {
      assertEquals(k < 4, deleted.get("k" + k), "k" + k);
    }
  }

  @Test
  void dataLossFailsNamingTheOffsetsOrIsSkippedAndCounted() throws Exception {
    String topic = "lossy";
    lake.produce(topic, 1, 100, 20);
    Path fail = pipeline("lossy", topic, "", "", "");
    runUntil(fail, t -> t.metrics().recordsOut() == 100);
    lake.produce(topic, 0, 100, 20);
    TopicPartition tp = new TopicPartition(topic, 0);
    try (Admin admin = lake.cluster.admin()) {
      admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(150))).all().get();
    }

    Exception e = assertThrows(Exception.class, () -> runUntil(fail, t -> false));
    TopicToHudiTask.DataLossException loss = assertInstanceOf(TopicToHudiTask.DataLossException.class, e);
    System.out.println("FIGURE on.data.loss fail: " + loss.getMessage());
    assertTrue(loss.getMessage().contains("topic lossy partition 0: expected offset 100, earliest offset 150"),
        loss.getMessage());

    Path skip = pipeline("lossy", topic, "on.data.loss: continue", "", "");
    TopicToHudiTask task = runUntil(skip, t -> t.metrics().recordsOut() == 50);
    System.out.println("FIGURE on.data.loss continue: " + task.summary());
    assertEquals(50, task.lostRecords());
    assertTrue(task.summary().contains("50 lost to retention (skipped)"), task.summary());
    Sink.Hudi sink = (Sink.Hudi) PipelineLoader.load(skip).sink();
    assertEquals(200L, HudiTable.readLastCheckpoint(sink, new Configuration()).orElseThrow().nextOffsets().get(0));
  }
}
