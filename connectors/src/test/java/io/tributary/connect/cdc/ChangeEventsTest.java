package io.tributary.connect.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Debezium's change envelope (built here as Debezium builds it) as our topic records. */
class ChangeEventsTest {
  static final String TOPIC = "pg.public.items";
  static final Schema KEY = SchemaBuilder.struct().name("pg.public.items.Key").field("id", Schema.INT32_SCHEMA).build();
  static final Schema ROW = SchemaBuilder.struct().name("pg.public.items.Value").optional()
      .field("id", Schema.INT32_SCHEMA).field("name", Schema.OPTIONAL_STRING_SCHEMA)
      .field("qty", Schema.OPTIONAL_INT16_SCHEMA).build();
  static final Schema ROW_WITH_NOTE = SchemaBuilder.struct().name("pg.public.items.Value").optional()
      .field("id", Schema.INT32_SCHEMA).field("name", Schema.OPTIONAL_STRING_SCHEMA)
      .field("qty", Schema.OPTIONAL_INT16_SCHEMA).field("note", Schema.OPTIONAL_STRING_SCHEMA).build();
  static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
      .field("ts_ms", Schema.INT64_SCHEMA).field("lsn", Schema.OPTIONAL_INT64_SCHEMA).build();

  static Schema envelope(Schema row) {
    return SchemaBuilder.struct().name("pg.public.items.Envelope").field("before", row).field("after", row)
        .field("source", SOURCE).field("op", Schema.STRING_SCHEMA).field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();
  }

  static SourceRecord change(String op, int id, String name, long lsn) {
    Struct key = new Struct(KEY).put("id", id);
    Struct row = new Struct(ROW).put("id", id).put("name", name).put("qty", (short) 7);
    Struct env = new Struct(envelope(ROW)).put("op", op).put("source", new Struct(SOURCE).put("ts_ms", 1000L).put("lsn", lsn));
    if (op.equals("d")) {
      env.put("before", new Struct(ROW).put("id", id));
    } else {
      env.put("after", row);
    }
    return new SourceRecord(Map.of(), Map.of(), TOPIC, null, KEY, key, env.schema(), env);
  }

  @ParameterizedTest(name = "op {0}")
  @CsvSource({"r, false, widget", "c, false, widget", "u, false, widget", "d, true, "})
  void aChangeIsTheRowWithItsOperationPositionAndDeleteFlag(String op, boolean deleted, String name) {
    ChangeEvents.Change c = new ChangeEvents().convert(change(op, 42, "widget", 9_000L)).orElseThrow();
    assertEquals(TOPIC, c.topic());
    assertEquals(42, c.key().get("id"));
    GenericRecord v = c.value();
    assertEquals(42, v.get("id"));
    assertEquals(name, v.get("name") == null ? null : v.get("name").toString());
    assertEquals(deleted ? null : 7, v.get("qty"), "int16 is an Avro int; a delete's image holds only the key");
    assertEquals(op, v.get(ChangeEvents.OP));
    assertEquals(9_000L, v.get(ChangeEvents.LSN));
    assertEquals(1000L, v.get(ChangeEvents.SOURCE_TS_MS));
    assertEquals(deleted, v.get(ChangeEvents.DELETED));
    assertTrue(v.getSchema().getField("qty").schema().isNullable(), "columns are optional");
    assertFalse(c.key().getSchema().getField("id").schema().isNullable(), "key columns are required");
  }

  @Test
  void aTombstoneKeepsItsKeyAndTruncatesAreSkipped() {
    ChangeEvents events = new ChangeEvents();
    SourceRecord tombstone = new SourceRecord(Map.of(), Map.of(), TOPIC, null, KEY, new Struct(KEY).put("id", 5), null, null);
    ChangeEvents.Change c = events.convert(tombstone).orElseThrow();
    assertEquals(5, c.key().get("id"));
    assertNull(c.value());
    assertEquals(Optional.empty(), events.convert(change("t", 5, null, 1L)));
  }

  @Test
  void anAddedColumnGivesANewSchemaWithTheOldColumnsFirst() {
    ChangeEvents events = new ChangeEvents();
    GenericRecord before = events.convert(change("c", 1, "a", 1L)).orElseThrow().value();
    Struct row = new Struct(ROW_WITH_NOTE).put("id", 2).put("name", "b").put("qty", (short) 1).put("note", "new");
    Struct env = new Struct(envelope(ROW_WITH_NOTE)).put("op", "c").put("after", row)
        .put("source", new Struct(SOURCE).put("ts_ms", 2000L).put("lsn", 2L));
    GenericRecord after = events.convert(new SourceRecord(Map.of(), Map.of(), TOPIC, null, KEY,
        new Struct(KEY).put("id", 2), env.schema(), env)).orElseThrow().value();
    assertNotEquals(before.getSchema(), after.getSchema());
    assertEquals("new", after.get("note"));
    assertEquals(before.getSchema().getFullName(), after.getSchema().getFullName(), "one subject, a new version");
    assertTrue(after.getSchema().getField("note").hasDefaultValue());
    assertNull(GenericData.get().getDefaultValue(after.getSchema().getField("note")),
        "a new column defaults to null: older rows read null");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"pg.public.items, pg.public.items", "my-db.public.1st, my_db.public._1st", "a..b, a._.b"})
  void namespacesAreValidAvroNames(String topic, String namespace) {
    assertEquals(namespace, ChangeEvents.namespace(topic));
  }
}
