package io.tributary.registry.connect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Connect <-> Avro schema and value mapping: a table of schemas with their Avro JSON, and round trips. */
class ConnectAvroSchemasTest {

  static Stream<Arguments> schemas() {
    return Stream.of(
        Arguments.of(org.apache.kafka.connect.data.Schema.INT32_SCHEMA, "\"int\""),
        Arguments.of(org.apache.kafka.connect.data.Schema.INT8_SCHEMA, "{\"type\":\"int\",\"connect.type\":\"int8\"}"),
        Arguments.of(org.apache.kafka.connect.data.Schema.INT16_SCHEMA, "{\"type\":\"int\",\"connect.type\":\"int16\"}"),
        Arguments.of(org.apache.kafka.connect.data.Schema.INT64_SCHEMA, "\"long\""),
        Arguments.of(org.apache.kafka.connect.data.Schema.FLOAT32_SCHEMA, "\"float\""),
        Arguments.of(org.apache.kafka.connect.data.Schema.FLOAT64_SCHEMA, "\"double\""),
        Arguments.of(org.apache.kafka.connect.data.Schema.BOOLEAN_SCHEMA, "\"boolean\""),
        Arguments.of(org.apache.kafka.connect.data.Schema.BYTES_SCHEMA, "\"bytes\""),
        Arguments.of(org.apache.kafka.connect.data.Schema.OPTIONAL_STRING_SCHEMA, "[\"null\",\"string\"]"),
        // an optional field with a default: the union starts with the default's branch
        Arguments.of(SchemaBuilder.struct().name("D").field("s", SchemaBuilder.string().optional().defaultValue("x")
            .build()).build(), "{\"type\":\"record\",\"name\":\"D\",\"fields\":[{\"name\":\"s\",\"type\":"
            + "[\"string\",\"null\"],\"default\":\"x\"}]}"),
        Arguments.of(SchemaBuilder.array(org.apache.kafka.connect.data.Schema.INT64_SCHEMA).build(),
            "{\"type\":\"array\",\"items\":\"long\"}"),
        Arguments.of(SchemaBuilder.map(org.apache.kafka.connect.data.Schema.STRING_SCHEMA,
            org.apache.kafka.connect.data.Schema.INT32_SCHEMA).build(), "{\"type\":\"map\",\"values\":\"int\"}"),
        Arguments.of(SchemaBuilder.map(org.apache.kafka.connect.data.Schema.INT32_SCHEMA,
            org.apache.kafka.connect.data.Schema.STRING_SCHEMA).build(), "{\"type\":\"array\",\"items\":{\"type\":"
            + "\"record\",\"name\":\"MapEntry\",\"namespace\":\"io.confluent.connect.avro\",\"fields\":[{\"name\":\"key\","
            + "\"type\":\"int\"},{\"name\":\"value\",\"type\":\"string\"}]}}"),
        Arguments.of(Decimal.schema(2), "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":64,\"scale\":2,"
            + "\"connect.name\":\"org.apache.kafka.connect.data.Decimal\",\"connect.version\":1,"
            + "\"connect.parameters\":{\"scale\":\"2\"}}"),
        Arguments.of(Date.SCHEMA, "{\"type\":\"int\",\"logicalType\":\"date\",\"connect.name\":"
            + "\"org.apache.kafka.connect.data.Date\",\"connect.version\":1}"),
        Arguments.of(Time.SCHEMA, "{\"type\":\"int\",\"logicalType\":\"time-millis\",\"connect.name\":"
            + "\"org.apache.kafka.connect.data.Time\",\"connect.version\":1}"),
        Arguments.of(Timestamp.SCHEMA, "{\"type\":\"long\",\"logicalType\":\"timestamp-millis\",\"connect.name\":"
            + "\"org.apache.kafka.connect.data.Timestamp\",\"connect.version\":1}"),
        // Debezium's named types stay their primitive, the name recorded
        Arguments.of(SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").version(1).optional().build(),
            "[\"null\",{\"type\":\"long\",\"connect.name\":\"io.debezium.time.MicroTimestamp\",\"connect.version\":1}]"),
        Arguments.of(SchemaBuilder.struct().name("pg.public.items.Value").version(3).field("id",
            org.apache.kafka.connect.data.Schema.INT32_SCHEMA).field("note",
            org.apache.kafka.connect.data.Schema.OPTIONAL_STRING_SCHEMA).field("qty",
            SchemaBuilder.int32().defaultValue(7).build()).build(),
            "{\"type\":\"record\",\"name\":\"Value\",\"namespace\":\"pg.public.items\",\"fields\":["
            + "{\"name\":\"id\",\"type\":\"int\"},{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null},"
            + "{\"name\":\"qty\",\"type\":\"int\",\"default\":7}],\"connect.version\":3}"),
        Arguments.of(SchemaBuilder.struct().field("a", org.apache.kafka.connect.data.Schema.BOOLEAN_SCHEMA).build(),
            "{\"type\":\"record\",\"name\":\"ConnectDefault\",\"namespace\":\"io.confluent.connect.avro\",\"fields\":"
            + "[{\"name\":\"a\",\"type\":\"boolean\"}]}"),
        // a name Avro cannot take is scrubbed; the original is kept for the way back
        Arguments.of(SchemaBuilder.struct().name("my-db.1st.Row").field("a",
            org.apache.kafka.connect.data.Schema.BOOLEAN_SCHEMA).build(),
            "{\"type\":\"record\",\"name\":\"Row\",\"namespace\":\"my_db._1st\",\"fields\":[{\"name\":\"a\",\"type\":"
            + "\"boolean\"}],\"connect.name\":\"my-db.1st.Row\"}"));
  }

  @ParameterizedTest
  @MethodSource("schemas")
  void connectSchemaMapsToAvroAndBack(org.apache.kafka.connect.data.Schema connect, String avroJson) {
    Schema avro = ConnectAvroSchemas.toAvro(connect);
    assertEquals(new Schema.Parser().parse(avroJson), avro, avro.toString());
    // what the registry hands back is the JSON text: parse it as a reader would
    assertEquals(connect, ConnectAvroSchemas.toConnect(new Schema.Parser().parse(avro.toString())));
  }

  static final org.apache.kafka.connect.data.Schema ROW = SchemaBuilder.struct().name("pg.public.items.Value")
      .field("id", org.apache.kafka.connect.data.Schema.INT32_SCHEMA)
      .field("small", org.apache.kafka.connect.data.Schema.INT16_SCHEMA)
      .field("name", org.apache.kafka.connect.data.Schema.OPTIONAL_STRING_SCHEMA)
      .field("price", Decimal.builder(2).optional().build())
      .field("born", Date.SCHEMA)
      .field("at", Timestamp.SCHEMA)
      .field("micros", SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").version(1).build())
      .field("raw", org.apache.kafka.connect.data.Schema.BYTES_SCHEMA)
      .field("tags", SchemaBuilder.array(org.apache.kafka.connect.data.Schema.STRING_SCHEMA).build())
      .field("attrs", SchemaBuilder.map(org.apache.kafka.connect.data.Schema.STRING_SCHEMA,
          org.apache.kafka.connect.data.Schema.INT64_SCHEMA).build())
      .field("byId", SchemaBuilder.map(org.apache.kafka.connect.data.Schema.INT32_SCHEMA,
          org.apache.kafka.connect.data.Schema.STRING_SCHEMA).build())
      .field("inner", SchemaBuilder.struct().name("Inner").optional().field("x",
          org.apache.kafka.connect.data.Schema.FLOAT64_SCHEMA).build())
      .build();

  @Test
  void aValueRoundTripsThroughAvroBinary() throws Exception {
    Struct row = new Struct(ROW).put("id", 1).put("small", (short) 3).put("name", null)
        .put("price", new BigDecimal("12.34")).put("born", new java.util.Date(86_400_000L * 19_000))
        .put("at", new java.util.Date(1_700_000_000_123L)).put("micros", 1_700_000_000_123_456L)
        .put("raw", new byte[] {1, 2, 3}).put("tags", List.of("a", "b")).put("attrs", Map.of("k", 5L))
        .put("byId", Map.of(7, "seven"))
        .put("inner", new Struct(ROW.field("inner").schema()).put("x", 2.5));
    Schema avro = ConnectAvroSchemas.toAvro(ROW);
    Object avroValue = ConnectAvroValues.toAvro(ROW, avro, row, "");
    // through Avro's binary encoding, as the converter writes and reads it
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    org.apache.avro.io.BinaryEncoder enc = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
    new org.apache.avro.generic.GenericDatumWriter<>(avro).write(avroValue, enc);
    enc.flush();
    Schema parsed = new Schema.Parser().parse(avro.toString());
    Object read = new org.apache.avro.generic.GenericDatumReader<>(parsed).read(null,
        org.apache.avro.io.DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    org.apache.kafka.connect.data.Schema back = ConnectAvroSchemas.toConnect(parsed);
    assertEquals(ROW, back);
    Struct got = (Struct) ConnectAvroValues.toConnect(back, read, "");
    assertArrayEquals(new byte[] {1, 2, 3}, got.getBytes("raw"));
    assertEquals(row.put("raw", got.getBytes("raw")), got);
  }

  static Stream<Arguments> badValues() {
    org.apache.kafka.connect.data.Schema s = SchemaBuilder.struct().name("T")
        .field("id", org.apache.kafka.connect.data.Schema.INT32_SCHEMA)
        .field("inner", SchemaBuilder.struct().field("name", org.apache.kafka.connect.data.Schema.STRING_SCHEMA).build())
        .build();
    Struct inner = new Struct(s.field("inner").schema());
    return Stream.of(
        Arguments.of(s, new Struct(s).put("inner", inner.put("name", "n")),
            "field 'id' is null but its schema (INT32) is not optional"),
        Arguments.of(SchemaBuilder.array(org.apache.kafka.connect.data.Schema.INT32_SCHEMA).build(), List.of(1, "2"),
            "field '[1]' holds a java.lang.String where its schema (INT32) needs a java.lang.Integer"),
        Arguments.of(org.apache.kafka.connect.data.Schema.INT32_SCHEMA, "seven",
            "the record holds a java.lang.String where its schema (INT32) needs a java.lang.Integer"));
  }

  @ParameterizedTest
  @MethodSource("badValues")
  void dataThatDoesNotFitNamesTheField(org.apache.kafka.connect.data.Schema s, Object value, String message) {
    DataException e = assertThrows(DataException.class, () -> ConnectAvroValues.toAvro(s, value, ""));
    assertEquals(message, e.getMessage());
  }

  @Test
  void aUnionOfTwoTypesIsRefusedNamingTheField() {
    Schema avro = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"either\","
        + "\"type\":[\"int\",\"string\"]}]}");
    DataException e = assertThrows(DataException.class, () -> ConnectAvroSchemas.toConnect(avro));
    assertTrue(e.getMessage().startsWith("Avro schema of field 'either' is the union"), e.getMessage());
  }
}
