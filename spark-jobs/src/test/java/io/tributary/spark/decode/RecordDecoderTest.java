package io.tributary.spark.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The pure decoding: wire format, writer-to-reader resolution, each quarantine reason, Avro to Spark values. */
class RecordDecoderTest {
  static final Schema V1 = new Schema.Parser().parse("""
      {"type":"record","name":"Order","fields":[
        {"name":"key","type":["null","string"],"default":null},
        {"name":"seq","type":"long"}]}""");
  /** V1 plus a field with a default: records written with V1 read as V2. */
  static final Schema V2 = new Schema.Parser().parse("""
      {"type":"record","name":"Order","fields":[
        {"name":"key","type":["null","string"],"default":null},
        {"name":"seq","type":"long"},
        {"name":"status","type":"string","default":"NEW"}]}""");
  static final Schema OTHER = new Schema.Parser().parse("""
      {"type":"record","name":"Order","fields":[{"name":"seq","type":"string"}]}""");

  /** Schemas by id, counting lookups. */
  static final class MapSchemas implements SchemaSource {
    final Map<Integer, Schema> byId;
    int lookups;

    MapSchemas(Map<Integer, Schema> byId) {
      this.byId = byId;
    }

    @Override
    public Optional<Schema> byId(int id) {
      lookups++;
      return Optional.ofNullable(byId.get(id));
    }

    @Override
    public String describe() {
      return "the test's schemas";
    }
  }

  final MapSchemas schemas = new MapSchemas(Map.of(1, V1, 2, V2, 3, OTHER));
  final RecordDecoder decoder = new RecordDecoder(schemas, V2, "subject orders-value version 2", List.of("key", "seq"));

  static byte[] wire(int id, Schema schema, GenericRecord r) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(id).array());
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(r, enc);
    enc.flush();
    return out.toByteArray();
  }

  static GenericRecord order(Schema s, String key, long seq) {
    GenericRecord r = new GenericData.Record(s);
    r.put("key", key);
    r.put("seq", seq);
    if (s.getField("status") != null) {
      r.put("status", "PAID");
    }
    return r;
  }

  @Test
  void olderWritersAreResolvedToTheReaderSchema() throws Exception {
    RecordDecoder.Result v1 = decoder.decode(wire(1, V1, order(V1, "a", 7)));
    assertTrue(v1.ok(), String.valueOf(v1.detail()));
    assertEquals(Row.fromSeq(scala.collection.JavaConverters.asScalaBuffer(List.<Object>of("a", 7L, "NEW")).toSeq()),
        v1.row(), "the reader's default fills the field V1 lacks");
    RecordDecoder.Result v2 = decoder.decode(wire(2, V2, order(V2, "b", 8)));
    assertEquals("PAID", v2.row().getString(2));
    decoder.decode(wire(1, V1, order(V1, "c", 9)));
    assertEquals(2, schemas.lookups, "each writer schema looked up once");
  }

  @Test
  void eachKindOfBadRecordGetsItsReason() throws Exception {
    assertReason(QuarantineReason.NULL_VALUE, null, "no value");
    assertReason(QuarantineReason.NOT_WIRE_FORMAT, "{\"key\":1}".getBytes(StandardCharsets.UTF_8), "first byte is 0x7b");
    assertReason(QuarantineReason.NOT_WIRE_FORMAT, new byte[] {0, 0, 0}, "shorter than the 5-byte header");
    assertReason(QuarantineReason.UNKNOWN_SCHEMA_ID, new byte[] {0, 0, 0, 0, 42, 2}, "schema id 42 is not in the test's schemas");
    assertReason(QuarantineReason.SCHEMA_MISMATCH, wire(3, OTHER, otherRecord()),
        "writer schema id 3 cannot be read as subject orders-value version 2");
    byte[] good = wire(2, V2, order(V2, "a", 1));
    assertReason(QuarantineReason.CORRUPT_AVRO, Arrays.copyOf(good, good.length - 2), "cannot be read");
    assertReason(QuarantineReason.CORRUPT_AVRO, Arrays.copyOf(good, good.length + 4), "is followed by");
    assertReason(QuarantineReason.MISSING_FIELD, wire(2, V2, order(V2, null, 1)), "field 'key' is null");
    // a corrupt length prefix (2^31 bytes of string) must fail the record, not the executor
    byte[] huge = {0, 0, 0, 0, 2, 2, (byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f};
    assertReason(QuarantineReason.CORRUPT_AVRO, huge, "cannot be read");
  }

  private GenericRecord otherRecord() {
    GenericRecord r = new GenericData.Record(OTHER);
    r.put("seq", "x");
    return r;
  }

  private void assertReason(QuarantineReason reason, byte[] value, String detail) throws IOException {
    RecordDecoder.Result r = decoder.decode(value);
    assertEquals(reason, r.reason(), String.valueOf(r.detail()));
    assertNull(r.row());
    assertTrue(r.detail().contains(detail), r.detail());
  }

  @Test
  void avroTypesBecomeSparkTypesAndValues() {
    Schema s = new Schema.Parser().parse("""
        {"type":"record","name":"All","fields":[
          {"name":"b","type":"boolean"},
          {"name":"i","type":"int"},
          {"name":"d","type":{"type":"int","logicalType":"date"}},
          {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
          {"name":"tu","type":{"type":"long","logicalType":"timestamp-micros"}},
          {"name":"dec","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
          {"name":"e","type":{"type":"enum","name":"Color","symbols":["RED","GREEN"]}},
          {"name":"raw","type":"bytes"},
          {"name":"tags","type":{"type":"array","items":"string"}},
          {"name":"attrs","type":{"type":"map","values":"long"}},
          {"name":"inner","type":["null",{"type":"record","name":"Inner","fields":[{"name":"x","type":"double"}]}]},
          {"name":"either","type":["null","long","string"]}]}""");
    StructType t = AvroSparkTypes.struct(s);
    assertEquals("struct<b:boolean,i:int,d:date,ts:timestamp,tu:timestamp,dec:decimal(9,2),e:string,raw:binary,"
        + "tags:array<string>,attrs:map<string,bigint>,inner:struct<x:double>,either:struct<member0:bigint,member1:string>>",
        t.simpleString());
    assertTrue(t.apply("inner").nullable());
    assertTrue(!t.apply("b").nullable());
    assertEquals(DataTypes.TimestampType, t.apply("ts").dataType());

    GenericRecord r = new GenericData.Record(s);
    r.put("b", true);
    r.put("i", 5);
    r.put("d", 19_000);
    r.put("ts", 1_700_000_000_123L);
    r.put("tu", 1_700_000_000_123_456L);
    r.put("dec", new Conversions.DecimalConversion().toBytes(new BigDecimal("1234.56"), null,
        LogicalTypes.decimal(9, 2)));
    r.put("e", new GenericData.EnumSymbol(s.getField("e").schema(), "GREEN"));
    r.put("raw", ByteBuffer.wrap(new byte[] {1, 2}));
    r.put("tags", List.of("x", "y"));
    r.put("attrs", Map.of("n", 3L));
    GenericRecord inner = new GenericData.Record(s.getField("inner").schema().getTypes().get(1));
    inner.put("x", 1.5);
    r.put("inner", inner);
    r.put("either", "text");
    Row row = new AvroRowConverter(s).toRow(r);
    assertEquals(true, row.getBoolean(0));
    assertEquals(java.sql.Date.valueOf(java.time.LocalDate.ofEpochDay(19_000)), row.getDate(2));
    assertEquals(new Timestamp(1_700_000_000_123L), row.getTimestamp(3));
    assertEquals(456_000, row.getTimestamp(4).getNanos() % 1_000_000);
    assertEquals(new BigDecimal("1234.56"), row.getDecimal(5));
    assertEquals("GREEN", row.getString(6));
    assertEquals(List.of("x", "y"), row.getList(8));
    assertEquals(3L, row.getJavaMap(9).get("n"));
    assertEquals(1.5, row.getStruct(10).getDouble(0));
    assertNull(row.getStruct(11).get(0));
    assertEquals("text", row.getStruct(11).getString(1));
  }

  @Test
  void recursiveSchemasAreRefusedWithTheirPath() {
    Schema s = new Schema.Parser().parse("""
        {"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"]}]}""");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AvroSparkTypes.struct(s));
    assertTrue(e.getMessage().contains("record Node contains itself (at Node.next)"), e.getMessage());
  }
}
