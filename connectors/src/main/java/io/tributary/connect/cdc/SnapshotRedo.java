package io.tributary.connect.cdc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Retracts what an interrupted snapshot left behind. A snapshot that a kill interrupted is redone from the start,
 * and the redo emits only the rows that exist now: a row the interrupted snapshot had already written to its
 * topic, and that was deleted before the redo began, would stay in the topic (and in every table built from it)
 * for ever, since no delete of it is ever streamed. So when a snapshot starts, the rows that are live in the
 * table topics are remembered ({@link LiveRows}); the keys the snapshot reads are crossed off; when the snapshot
 * completes, every remembered key it did not read gets a delete (the last value with {@code __op=d},
 * {@code __deleted=true}, at the snapshot's {@code __lsn}) and a tombstone, as Debezium writes a delete.
 *
 * <p>Keys are compared by their values ({@link GenericRecord#toString()}), not by their bytes: a re-registered key
 * schema may change the schema id in the bytes but not which row a key names.
 */
final class SnapshotRedo {
  /** One row of a topic: its key and its last value. */
  record Row(GenericRecord key, GenericRecord value) {}

  /** Per table topic, the live rows when the snapshot started, by key; the snapshot crosses them off. */
  private final Map<String, Map<String, Row>> unread;
  private long snapshotLsn = Long.MIN_VALUE;
  private long snapshotTsMs;

  SnapshotRedo(Map<String, Map<String, Row>> liveRowsByTopic) {
    this.unread = new HashMap<>();
    liveRowsByTopic.forEach((topic, rows) -> unread.put(topic, new HashMap<>(rows)));
  }

  /** The rows this redo would retract if the snapshot completed now. */
  int pending() {
    return unread.values().stream().mapToInt(Map::size).sum();
  }

  /** A snapshot read of {@code key} in {@code topic}, at the snapshot's {@code lsn}: the row still exists. */
  void read(String topic, GenericRecord key, long lsn, long sourceTsMs) {
    Map<String, Row> rows = unread.get(topic);
    if (rows != null && key != null) {
      rows.remove(identity(key));
    }
    if (lsn >= snapshotLsn) {
      snapshotLsn = lsn;
      snapshotTsMs = sourceTsMs;
    }
  }

  /**
   * The snapshot is complete: a delete and a tombstone for every remembered row it did not read, at the
   * snapshot's position (never before the row's own last change, so that an ordering by {@code __lsn} keeps the
   * delete). Called once.
   */
  List<ChangeEvents.Change> retractions() {
    List<ChangeEvents.Change> out = new ArrayList<>();
    unread.forEach((topic, rows) -> rows.values().forEach(row -> {
      GenericRecord delete = new GenericData.Record((GenericData.Record) row.value(), true);
      long rowLsn = (Long) row.value().get(ChangeEvents.LSN);
      delete.put(ChangeEvents.OP, "d");
      delete.put(ChangeEvents.DELETED, true);
      delete.put(ChangeEvents.LSN, Math.max(snapshotLsn, rowLsn));
      delete.put(ChangeEvents.SOURCE_TS_MS, snapshotLsn == Long.MIN_VALUE ? System.currentTimeMillis() : snapshotTsMs);
      out.add(new ChangeEvents.Change(topic, row.key(), delete));
      out.add(new ChangeEvents.Change(topic, row.key(), null));
    }));
    unread.clear();
    return out;
  }

  /** Which row a key names: its column values. */
  static String identity(GenericRecord key) {
    return key.toString();
  }

  /** Keeps the live rows of a topic as its records are read in order: a delete or a tombstone removes one. */
  static void apply(Map<String, Row> live, GenericRecord key, GenericRecord value) {
    if (key == null) {
      return; // a table without a primary key: its rows cannot be named, hence not retracted
    }
    if (value == null || Boolean.TRUE.equals(value.get(ChangeEvents.DELETED))) {
      live.remove(identity(key));
    } else {
      live.put(identity(key), new Row(key, value));
    }
  }
}
