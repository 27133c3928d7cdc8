package io.tributary.connect.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A redone snapshot deletes the rows an interrupted one left in the topic and that no longer exist. */
class SnapshotRedoTest {
  static final String TOPIC = ChangeEventsTest.TOPIC;
  static final long INTERRUPTED_SNAPSHOT_LSN = 100;
  static final long REDO_LSN = 200;

  /** The live rows of a topic that holds {@code records} in order, as {@link LiveRows} keeps them. */
  static Map<String, Map<String, SnapshotRedo.Row>> topicWith(List<SourceRecord> records) {
    ChangeEvents events = new ChangeEvents();
    Map<String, SnapshotRedo.Row> live = new HashMap<>();
    for (SourceRecord r : records) {
      ChangeEvents.Change c = events.convert(r).orElseThrow();
      SnapshotRedo.apply(live, c.key(), c.value());
    }
    return Map.of(TOPIC, live);
  }

  static List<Integer> ids(String spaceSeparated) {
    return spaceSeparated == null ? List.of() : Arrays.stream(spaceSeparated.split(" ")).map(Integer::valueOf).toList();
  }

  static List<Integer> retractedIds(List<ChangeEvents.Change> retractions) {
    List<Integer> out = new ArrayList<>();
    for (ChangeEvents.Change c : retractions) {
      if (c.value() != null) {
        out.add((Integer) c.key().get("id"));
      }
    }
    out.sort(null);
    return out;
  }

  @ParameterizedTest(name = "topic has {0}, redo reads {1} -> deletes {2}")
  @CsvSource(nullValues = "-", value = {
      "1 2 3, 1 2 3, -",     // nothing deleted in between: nothing to retract
      "1 2 3, 1 3,   2",     // row 2 deleted before the redo
      "1 2 3, -,     1 2 3", // the table is empty now
      "-,     1 2,   -",     // a first snapshot: the topic is empty
      "1 2,   1 2 3 4, -"})  // rows added since are read, nothing retracted
  void theRowsTheRedoDoesNotReadAreDeleted(String inTopic, String readByRedo, String deleted) {
    List<SourceRecord> topic = new ArrayList<>();
    ids(inTopic).forEach(id -> topic.add(ChangeEventsTest.change("r", id, "item-" + id, INTERRUPTED_SNAPSHOT_LSN)));
    SnapshotRedo redo = new SnapshotRedo(topicWith(topic));
    ChangeEvents events = new ChangeEvents();
    for (int id : ids(readByRedo)) {
      ChangeEvents.Change c = events.convert(ChangeEventsTest.change("r", id, "item-" + id, REDO_LSN)).orElseThrow();
      redo.read(c.topic(), c.key(), REDO_LSN, 1000);
    }
    assertEquals(ids(deleted), retractedIds(redo.retractions()));
  }

  @Test
  void aRowDeletedInTheTopicIsNotRetractedAgain() {
    SnapshotRedo redo = new SnapshotRedo(topicWith(List.of(
        ChangeEventsTest.change("r", 1, "one", INTERRUPTED_SNAPSHOT_LSN),
        ChangeEventsTest.change("r", 2, "two", INTERRUPTED_SNAPSHOT_LSN),
        ChangeEventsTest.change("d", 2, null, INTERRUPTED_SNAPSHOT_LSN + 5))));
    assertEquals(1, redo.pending());
    assertEquals(List.of(1), retractedIds(redo.retractions()));
  }

  @Test
  void aRetractionIsTheLastValueAsADeleteAtTheSnapshotsPositionThenATombstone() {
    SnapshotRedo redo = new SnapshotRedo(topicWith(List.of(
        ChangeEventsTest.change("r", 7, "seven", INTERRUPTED_SNAPSHOT_LSN))));
    ChangeEvents.Change other = new ChangeEvents().convert(ChangeEventsTest.change("r", 8, "eight", REDO_LSN))
        .orElseThrow();
    redo.read(other.topic(), other.key(), REDO_LSN, 4242);

    List<ChangeEvents.Change> out = redo.retractions();
    assertEquals(2, out.size());
    GenericRecord delete = out.get(0).value();
    assertEquals(TOPIC, out.get(0).topic());
    assertEquals(7, out.get(0).key().get("id"));
    assertEquals("seven", delete.get("name").toString(), "the row's last image, as REPLICA IDENTITY FULL gives it");
    assertEquals("d", delete.get(ChangeEvents.OP));
    assertEquals(true, delete.get(ChangeEvents.DELETED));
    assertEquals(REDO_LSN, delete.get(ChangeEvents.LSN), "ordered after every change the topic held of the key");
    assertEquals(4242L, delete.get(ChangeEvents.SOURCE_TS_MS));
    assertEquals(7, out.get(1).key().get("id"));
    assertNull(out.get(1).value(), "a tombstone follows the delete");
    assertTrue(redo.retractions().isEmpty(), "retracted once");
  }

  static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
      .field("ts_ms", Schema.INT64_SCHEMA).field("snapshot", Schema.OPTIONAL_STRING_SCHEMA)
      .field("lsn", Schema.OPTIONAL_INT64_SCHEMA).build();
  static final Schema ENVELOPE = SchemaBuilder.struct().name("pg.public.items.Envelope")
      .field("source", SOURCE).field("op", Schema.STRING_SCHEMA).build();

  @ParameterizedTest(name = "op {0}, source.snapshot {1} -> {2}")
  @CsvSource(nullValues = "-", value = {
      "r, first, READ",
      "r, true, READ",
      "r, last_in_data_collection, READ",
      "r, last, LAST_READ",
      "c, false, STREAMING",
      "u, -, STREAMING",
      "d, false, STREAMING",
      "-, -, NOT_A_CHANGE"})
  void aRecordsPlaceAgainstTheSnapshot(String op, String snapshot, SnapshotPhase expected) {
    Struct value = op == null ? null : new Struct(ENVELOPE).put("op", op)
        .put("source", new Struct(SOURCE).put("ts_ms", 1L).put("snapshot", snapshot).put("lsn", 5L));
    SourceRecord record = new SourceRecord(Map.of(), Map.of(), TOPIC, null, null, null,
        value == null ? null : ENVELOPE, value);
    assertEquals(expected, SnapshotPhase.of(record));
  }
}
