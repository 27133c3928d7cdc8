package io.tributary.connect.hudi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.connect.PipelineLoader;
import io.tributary.connect.Sink;
import io.tributary.connect.runtime.RecordSerializer;
import io.tributary.registry.serde.KafkaAvroSerializer;
import io.tributary.registry.serde.SerdeConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Done-when 3: records that do not match, of every kind the sink rejects, injected between good ones across
 * two partitions. With {@code errors.tolerance: all} the dead-letter topic holds exactly the injected records
 * (same bytes) with Kafka Connect's headers naming the reason, source topic, partition and offset, and the
 * table holds every good record; with {@code none} the pipeline stops at the first bad record, naming it,
 * after committing the records before it.
 */
class DeadLetterTest {
  static final String TOPIC = "dlq-src";
  static final String DEAD = "dlq-src-dead";
  static final long EVENTS = 5000;
  static final long KEYS = 500;

  @TempDir static Path dir;
  static Lake lake;
  /** partition -> offset -> expected reason code. */
  static final Map<Integer, Map<Long, String>> bad = new HashMap<>();
  static final Map<Long, byte[]> badValues = new HashMap<>();
  static Map<String, Map<String, Object>> expected;
  static long total;

  @BeforeAll
  static void produce() throws Exception {
    lake = Lake.start(dir);
    lake.cluster.createTopic(DEAD, 1, 1, Map.of());
    lake.produce(TOPIC, 2, EVENTS, KEYS);
    expected = Lake.expected(EVENTS, KEYS);
    total = EVENTS;

    Map<String, byte[]> kinds = new LinkedHashMap<>();
    kinds.put(Rejection.Reason.NOT_AVRO.code(), "{\"key\": \"key-000001\", \"seq\": 1}".getBytes(StandardCharsets.UTF_8));
    kinds.put(Rejection.Reason.UNKNOWN_SCHEMA_ID.code(), new byte[] {0, 0x0f, 0x42, 0x40, 0x00, 2, 4, 6});
    kinds.put(Rejection.Reason.NULL_VALUE.code(), null);
    kinds.put(Rejection.Reason.INCOMPATIBLE_SCHEMA.code(), avro("dlq-incompatible", SchemaBuilder.record("Other")
        .fields().requiredString("key").requiredString("seq").endRecord(), Map.of("key", "key-000002", "seq", "late")));
    Schema nullable = SchemaBuilder.record("Loose").fields().optionalString("key").optionalLong("seq")
        .requiredString("region").endRecord();
    Map<String, Object> noKey = new HashMap<>(Map.of("seq", 99_999L, "region", "eu"));
    kinds.put(Rejection.Reason.MISSING_RECORD_KEY.code(), avro("dlq-loose", nullable, noKey));
    kinds.put(Rejection.Reason.MISSING_PRECOMBINE_FIELD.code(),
        avro("dlq-loose", nullable, Map.of("key", "key-000003", "region", "eu")));
    byte[] good = goodValue(Map.of("key", "key-000004", "seq", 1L));
    kinds.put(Rejection.Reason.UNDECODABLE.code(), java.util.Arrays.copyOf(good, 8)); // right id, body cut short

    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(lake.cluster.producerProps())) {
      for (int round = 0; round < 2; round++) {
        for (Map.Entry<String, byte[]> k : kinds.entrySet()) {
          int partition = (round + badValues.size()) % 2;
          RecordMetadata md = producer.send(new ProducerRecord<>(TOPIC, partition,
              ("bad-" + k.getKey()).getBytes(StandardCharsets.UTF_8), k.getValue())).get();
          bad.computeIfAbsent(md.partition(), p -> new HashMap<>()).put(md.offset(), k.getKey());
          badValues.put(md.partition() * 1_000_000L + md.offset(), k.getValue());
          total++;
        }
      }
      // good records after the bad ones: updates of the first 100 keys
      for (int k = 0; k < 100; k++) {
        Map<String, Object> e = new LinkedHashMap<>(expected.get(String.format("key-%06d", k)));
        e.put("seq", EVENTS + k);
        e.put("status", "LATE");
        producer.send(new ProducerRecord<>(TOPIC, ((String) e.get("key")).getBytes(StandardCharsets.UTF_8),
            goodValue(e))).get();
        expected.put((String) e.get("key"), e);
        total++;
      }
    }
  }

  /** A value in the generator's schema (the topic's registered one), other fields filled in. */
  static byte[] goodValue(Map<String, Object> fields) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("key", fields.get("key"));
    e.put("seq", fields.get("seq"));
    e.put("updatedAt", fields.getOrDefault("updatedAt", 0L));
    e.put("region", fields.getOrDefault("region", "eu"));
    e.put("status", fields.getOrDefault("status", "NEW"));
    e.put("amount", fields.getOrDefault("amount", 1.0));
    try (RecordSerializer s = RecordSerializer.avro(lake.registryUrl())) {
      return s.serialize(TOPIC, e);
    }
  }

  /** A value of {@code schema} through the registry serde, registered under {@code <topic>-value}. */
  static byte[] avro(String topic, Schema schema, Map<String, Object> fields) {
    GenericRecord r = new GenericData.Record(schema);
    fields.forEach(r::put);
    KafkaAvroSerializer s = new KafkaAvroSerializer();
    s.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, lake.registryUrl()), false);
    return s.serialize(topic, r);
  }

  @AfterAll
  static void stop() throws Exception {
    if (lake != null) {
      lake.close();
    }
  }

  @Test
  void badRecordsGoToTheDeadLetterTopicWithReasonsAndTheGoodOnesToTheTable() throws Exception {
    String tablePath = dir.resolve("lake/dlq_all").toUri().toString();
    Path file = lake.pipeline("dlq-all", TOPIC, tablePath, "COPY_ON_WRITE", null, 2000, 500, """
        errors:
          tolerance: all
          dead.letter.topic: %s
        """.formatted(DEAD));
    TopicToHudiTask task = TopicToHudiTask.create(PipelineLoader.load(file), Map.of());
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        task.run();
      } catch (Throwable e) {
        failure.set(e);
      }
    });
    t.start();
    assertTrue(Lake.await(() -> failure.get() != null
        || task.metrics().recordsOut() + task.metrics().deadLettered() == total, 180_000), task::summary);
    task.stop();
    t.join(60_000);
    assertNull(failure.get());
    int injected = bad.values().stream().mapToInt(Map::size).sum();
    System.out.println("FIGURE dlq: " + injected + " bad records injected among " + (total - injected)
        + " good; " + task.summary());
    assertEquals(injected, task.metrics().deadLettered());
    assertEquals(total - injected, task.metrics().recordsOut());

    List<ConsumerRecord<byte[], byte[]>> letters = readAll(DEAD);
    assertEquals(injected, letters.size(), "dead letters");
    Map<String, Integer> byReason = new java.util.TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> letter : letters) {
      assertEquals(TOPIC, header(letter, DeadLetters.HEADER_TOPIC));
      int partition = Integer.parseInt(header(letter, DeadLetters.HEADER_PARTITION));
      long offset = Long.parseLong(header(letter, DeadLetters.HEADER_OFFSET));
      String reason = bad.get(partition).get(offset);
      assertEquals(reason, header(letter, DeadLetters.HEADER_REASON), partition + "@" + offset);
      assertTrue(header(letter, DeadLetters.HEADER_EXCEPTION_MESSAGE).startsWith(reason + ": "),
          header(letter, DeadLetters.HEADER_EXCEPTION_MESSAGE));
      assertEquals("dlq-all", header(letter, DeadLetters.HEADER_CONNECTOR));
      assertArrayEquals(badValues.get(partition * 1_000_000L + offset), letter.value());
      byReason.merge(reason, 1, Integer::sum);
    }
    System.out.println("FIGURE dlq: dead letters by reason " + byReason);
    assertEquals(7, byReason.size());

    List<Row> rows = SparkReader.read(tablePath).select("key", "seq", "status").collectAsList();
    assertEquals(KEYS, rows.size());
    for (Row r : rows) {
      Map<String, Object> e = expected.get(r.getString(0));
      assertEquals(e.get("seq"), r.getLong(1), r.getString(0));
      assertEquals(e.get("status"), r.getString(2), r.getString(0));
    }
  }

  @Test
  void withToleranceNoneTheFirstBadRecordStopsThePipelineAfterCommittingWhatCameBefore() throws Exception {
    String tablePath = dir.resolve("lake/dlq_none").toUri().toString();
    Path file = lake.pipeline("dlq-none", TOPIC, tablePath, "COPY_ON_WRITE", null, 2000, 500, "");
    TopicToHudiTask task = TopicToHudiTask.create(PipelineLoader.load(file), Map.of());
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, task::run);
    TopicToHudiTask.InvalidRecordException invalid = assertInstanceOf(TopicToHudiTask.InvalidRecordException.class, e);
    System.out.println("FIGURE dlq tolerance none: " + invalid.getMessage());
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("the record at topic " + TOPIC + " partition (\\d+) offset (\\d+) is rejected: ([a-z-]+): ")
        .matcher(invalid.getMessage());
    assertTrue(m.find(), invalid.getMessage());
    int partition = Integer.parseInt(m.group(1));
    long offset = Long.parseLong(m.group(2));
    long firstBad = bad.get(partition).keySet().stream().mapToLong(Long::longValue).min().orElseThrow();
    assertEquals(firstBad, offset, "the first bad record of partition " + partition);
    assertEquals(bad.get(partition).get(offset), m.group(3));
    Sink.Hudi sink = (Sink.Hudi) PipelineLoader.load(file).sink();
    KafkaCheckpoint cp = HudiTable.readLastCheckpoint(sink, new Configuration()).orElseThrow();
    assertEquals(offset, cp.nextOffsets().get(partition), "committed up to the bad record: " + cp.format());
    assertEquals(cp.nextOffsets().values().stream().mapToLong(Long::longValue).sum(), task.metrics().recordsOut());
  }

  static String header(ConsumerRecord<byte[], byte[]> r, String key) {
    Header h = r.headers().lastHeader(key);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    return lake.readAll(topic);
  }

}
