package io.tributary.connect.cdc;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Debezium change events (Connect records with the before/after/source/op envelope) as the rows our topics
 * carry: the key is the primary key; the value is the row after the change (before it, for a delete) plus
 * {@code __op} (c, u, d, r), {@code __lsn} (the change's position in the WAL, which orders the changes of a key),
 * {@code __source_ts_ms} (when the database made the change) and {@code __deleted}. A tombstone (null value)
 * follows each delete, as Debezium emits it. Truncates and non-change records are skipped. Avro schemas are
 * made once per Connect schema, so a column added in PostgreSQL gives a new schema (a new registry version).
 */
final class ChangeEvents {
  static final String OP = "__op";
  static final String LSN = "__lsn";
  static final String SOURCE_TS_MS = "__source_ts_ms";
  static final String DELETED = "__deleted";
  private static final List<String> OPS = List.of("c", "u", "d", "r");

  /** One record for a topic: the key (null for a table without a primary key) and the value (null = tombstone). */
  record Change(String topic, GenericRecord key, GenericRecord value) {}

  /** Avro schemas by the Connect schema they were made from (value rows and keys). */
  private final Map<Object, Schema> schemas = new HashMap<>();

  /** The change of a Debezium record; empty for what is not a row change (truncate, heartbeat). */
  Optional<Change> convert(SourceRecord record) {
    GenericRecord key = record.key() instanceof Struct k ? key(record.topic(), k) : null;
    if (record.value() == null) {
      return Optional.of(new Change(record.topic(), key, null));
    }
    if (!(record.value() instanceof Struct envelope) || envelope.schema().field("op") == null) {
      return Optional.empty();
    }
    String op = envelope.getString("op");
    if (!OPS.contains(op)) {
      return Optional.empty();
    }
    Struct row = op.equals("d") ? envelope.getStruct("before") : envelope.getStruct("after");
    if (row == null) {
      row = (Struct) record.key(); // a delete without a before image: its key is all there is
    }
    Struct source = envelope.getStruct("source");
    Long lsn = source.getInt64("lsn");
    if (lsn == null) {
      throw new IllegalStateException("a change to " + record.topic() + " without source.lsn: " + envelope);
    }
    GenericRecord value = new GenericData.Record(valueSchema(record.topic(), row));
    ConnectToAvro.copy(row, value);
    value.put(OP, op);
    value.put(LSN, lsn);
    value.put(SOURCE_TS_MS, source.getInt64("ts_ms"));
    value.put(DELETED, op.equals("d"));
    return Optional.of(new Change(record.topic(), key, value));
  }

  private GenericRecord key(String topic, Struct key) {
    Schema schema = schemas.computeIfAbsent(List.of("key", key.schema()),
        k -> ConnectToAvro.record(namespace(topic), "Key", key.schema().fields(), true, List.of()));
    GenericRecord out = new GenericData.Record(schema);
    ConnectToAvro.copy(key, out);
    return out;
  }

  private Schema valueSchema(String topic, Struct row) {
    return schemas.computeIfAbsent(List.of("value", row.schema()),
        k -> ConnectToAvro.record(namespace(topic), "Value", row.schema().fields(), false, List.of(
            new Schema.Field(OP, Schema.create(Schema.Type.STRING), "c, u, d or r (snapshot read)"),
            new Schema.Field(LSN, Schema.create(Schema.Type.LONG), "position of the change in the WAL"),
            new Schema.Field(SOURCE_TS_MS, Schema.create(Schema.Type.LONG), "when the database made the change"),
            new Schema.Field(DELETED, Schema.create(Schema.Type.BOOLEAN), "whether the change is a delete"))));
  }

  /** An Avro namespace of a topic name: letters, digits and '_' in dot-separated parts not starting with a digit. */
  static String namespace(String topic) {
    StringBuilder out = new StringBuilder();
    for (String part : topic.split("\\.")) {
      String p = part.replaceAll("[^A-Za-z0-9_]", "_");
      if (p.isEmpty() || Character.isDigit(p.charAt(0))) {
        p = "_" + p;
      }
      out.append(out.length() == 0 ? "" : ".").append(p);
    }
    return out.toString();
  }
}
