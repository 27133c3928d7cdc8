package io.tributary.connect.hudi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.registry.connect.AvroConverter;
import io.tributary.registry.serde.KafkaAvroDeserializer;
import io.tributary.registry.serde.RegistryClient;
import io.tributary.registry.serde.SerdeConfig;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short form of {@link StockKafkaConnectTest}, in plain {@code mvn verify}: our Kafka Connect AvroConverter
 * against a real registry (on a real log cluster) with the records Debezium + ExtractNewRecordState hand it. What
 * it writes is what our serdes and the Hudi sink read (subject {@code <topic>-value}, the fields and their types);
 * what it reads back is the Connect record it wrote; bad data and a missing subject are named.
 */
class AvroConverterRegistryTest {
  static final String TOPIC = "sc.public.items";
  static final Schema KEY = SchemaBuilder.struct().name("sc.public.items.Key")
      .field("id", Schema.INT32_SCHEMA).build();
  static final Schema VALUE = SchemaBuilder.struct().name("sc.public.items.Value")
      .field("id", Schema.INT32_SCHEMA)
      .field("name", Schema.STRING_SCHEMA)
      .field("price", Decimal.builder(2).optional().parameter("connect.decimal.precision", "10").build())
      .field("updated", SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").version(1).optional().build())
      .field("__op", Schema.OPTIONAL_STRING_SCHEMA)
      .field("__lsn", Schema.OPTIONAL_INT64_SCHEMA)
      .field("__source_ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
      .field("__deleted", Schema.OPTIONAL_BOOLEAN_SCHEMA)
      .build();

  @TempDir static Path dir;
  static Lake lake;

  @BeforeAll
  static void start() throws Exception {
    lake = Lake.start(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    lake.close();
  }

  static AvroConverter converter(boolean isKey, Map<String, Object> extra) {
    AvroConverter c = new AvroConverter();
    Map<String, Object> configs = new java.util.HashMap<>(extra);
    configs.put(SerdeConfig.SCHEMA_REGISTRY_URL, lake.registryUrl());
    c.configure(configs, isKey);
    return c;
  }

  static Struct row(int id, String op, long lsn) {
    return new Struct(VALUE).put("id", id).put("name", "item-" + id).put("price", new BigDecimal("12.30"))
        .put("updated", 1_796_647_928_122_784L).put("__op", op).put("__lsn", lsn).put("__source_ts_ms", 1_796_647_928_122L)
        .put("__deleted", "d".equals(op));
  }

  @Test
  void writesWhatOurSerdesReadAndReadsBackWhatItWrote() throws Exception {
    AvroConverter keys = converter(true, Map.of());
    AvroConverter values = converter(false, Map.of());
    byte[] key = keys.fromConnectData(TOPIC, KEY, new Struct(KEY).put("id", 7));
    byte[] value = values.fromConnectData(TOPIC, VALUE, row(7, "d", 42L));
    assertNull(values.fromConnectData(TOPIC, null, null), "a tombstone stays one");

    RegistryClient registry = new RegistryClient(lake.registryUrl());
    assertEquals(1, registry.latest(TOPIC + "-key").version());
    assertEquals(1, registry.latest(TOPIC + "-value").version());
    try (KafkaAvroDeserializer serde = new KafkaAvroDeserializer()) {
      serde.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, lake.registryUrl()), false);
      GenericRecord v = (GenericRecord) serde.deserialize(TOPIC, value);
      assertEquals("sc.public.items.Value", v.getSchema().getFullName());
      assertEquals("d", v.get("__op").toString());
      assertEquals(42L, v.get("__lsn"));
      assertEquals(Boolean.TRUE, v.get("__deleted"), "the boolean the Hudi sink reads as a delete");
      assertEquals(7, ((GenericRecord) serde.deserialize(TOPIC, key)).get("id"));
    }

    SchemaAndValue back = converter(false, Map.of()).toConnectData(TOPIC, value);
    assertEquals(VALUE, back.schema());
    assertEquals(row(7, "d", 42L), back.value());
    assertEquals(SchemaAndValue.NULL, values.toConnectData(TOPIC, null));
  }

  /** use.latest.version: a record whose Connect schema lists the fields in another order is written in the latest. */
  @Test
  void useLatestVersionWritesTheSubjectsLatestSchemaFieldByName() throws Exception {
    converter(false, Map.of()).fromConnectData("latest", VALUE, row(1, "c", 1L));
    SchemaBuilder reordered = SchemaBuilder.struct().name("sc.public.items.Value");
    for (int i = VALUE.fields().size() - 1; i >= 0; i--) {
      reordered.field(VALUE.fields().get(i).name(), VALUE.fields().get(i).schema());
    }
    Schema other = reordered.build();
    Struct record = new Struct(other);
    Struct expected = row(2, "u", 5L);
    VALUE.fields().forEach(f -> record.put(f.name(), expected.get(f)));
    AvroConverter latest = converter(false, Map.of(SerdeConfig.USE_LATEST_VERSION, "true",
        SerdeConfig.AUTO_REGISTER_SCHEMAS, "false"));
    byte[] written = latest.fromConnectData("latest", other, record);
    SchemaAndValue back = converter(false, Map.of()).toConnectData("latest", written);
    assertEquals(VALUE, back.schema());
    assertEquals(expected, back.value());
    assertEquals(1, new RegistryClient(lake.registryUrl()).latest("latest-value").version(), "nothing registered");
  }

  @Test
  void errorsNameTopicFieldAndSubject() {
    AvroConverter values = converter(false, Map.of());
    Schema strict = SchemaBuilder.struct().name("Strict").field("id", Schema.INT32_SCHEMA).build();
    DataException bad = assertThrows(DataException.class, () -> values.fromConnectData("strict", strict,
        new Struct(strict)));
    assertEquals("Cannot convert the value of a record of topic 'strict' to Avro: field 'id' is null but its schema"
        + " (INT32) is not optional", bad.getMessage());

    AvroConverter lookupOnly = converter(false, Map.of(SerdeConfig.AUTO_REGISTER_SCHEMAS, "false"));
    DataException missing = assertThrows(DataException.class, () -> lookupOnly.fromConnectData("unregistered",
        VALUE, row(1, "c", 1L)));
    assertTrue(missing.getMessage().startsWith("Cannot look up the Avro schema of subject 'unregistered-value' in "
        + "the registry: "), missing.getMessage());

    DataException notOurs = assertThrows(DataException.class, () -> values.toConnectData("plain", new byte[] {'{'}));
    assertTrue(notOurs.getMessage().startsWith("The value of a record of topic 'plain' is not in the schema-registry"
        + " wire format"), notOurs.getMessage());

    IllegalArgumentException noUrl = assertThrows(IllegalArgumentException.class,
        () -> new AvroConverter().configure(Map.of(), false));
    assertTrue(noUrl.getMessage().startsWith("schema.registry.url is required"), noUrl.getMessage());
  }
}
