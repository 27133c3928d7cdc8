package io.tributary.connect.hudi;

import io.tributary.connect.Sink;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * How the sink recognises a delete and tells Hudi about it ({@code sink.delete.mode}).
 *
 * <p>A value is a delete when {@code __deleted} is true or {@code __op} is {@code d} (Debezium's change-event
 * fields, also written by our postgres source). The table's own marker column is set on such a row so that Hudi's
 * {@code DefaultHoodieRecordPayload} sees it through {@code hoodie.payload.delete.field}/{@code .marker}: Hudi
 * then compares the delete's precombine value with the stored row's and with the other records of the key in the
 * batch, so an update and a delete that arrive out of order end as their precombine values say.
 */
final class DeleteMarker {
  static final String DELETED_FIELD = "__deleted";
  static final String OP_FIELD = "__op";
  static final String OP_DELETE = "d";

  private final Sink.DeleteMode mode;
  /** The table column set on a delete, and its value; empty when the table has neither column. */
  private final Optional<Map.Entry<String, Object>> marker;

  private DeleteMarker(Sink.DeleteMode mode, Optional<Map.Entry<String, Object>> marker) {
    this.mode = mode;
    this.marker = marker;
  }

  /**
   * The marker of a table with {@code schema}; throws IllegalArgumentException when soft deletes have no
   * {@code __deleted} boolean column to set.
   */
  static DeleteMarker of(Sink.DeleteMode mode, Schema tableSchema) {
    Schema.Field deleted = tableSchema.getField(DELETED_FIELD);
    Schema.Field op = tableSchema.getField(OP_FIELD);
    boolean deletedIsBoolean = deleted != null && accepts(deleted.schema(), Schema.Type.BOOLEAN);
    if (mode == Sink.DeleteMode.SOFT && !deletedIsBoolean) {
      throw new IllegalArgumentException("sink.delete.mode 'soft' keeps deleted rows with " + DELETED_FIELD
          + " = true: the values need a boolean field '" + DELETED_FIELD + "'"
          + (deleted == null ? "" : " (it is " + deleted.schema() + ")"));
    }
    Optional<Map.Entry<String, Object>> marker = Optional.empty();
    if (deletedIsBoolean) {
      marker = Optional.of(Map.entry(DELETED_FIELD, Boolean.TRUE));
    } else if (op != null && accepts(op.schema(), Schema.Type.STRING)) {
      marker = Optional.of(Map.entry(OP_FIELD, OP_DELETE));
    }
    return new DeleteMarker(mode, marker);
  }

  private static boolean accepts(Schema s, Schema.Type type) {
    return s.getType() == type
        || (s.getType() == Schema.Type.UNION && s.getTypes().stream().anyMatch(b -> b.getType() == type));
  }

  Sink.DeleteMode mode() {
    return mode;
  }

  /** Whether the value's fields say it is a delete. */
  static boolean isDelete(Map<String, Object> fields) {
    return Boolean.TRUE.equals(fields.get(DELETED_FIELD)) || OP_DELETE.equals(String.valueOf(fields.get(OP_FIELD)));
  }

  /**
   * Sets the table's marker column on a delete's fields (a value with {@code __op = d} but no {@code __deleted}
   * is marked too), so the stored or compared row says what it is.
   */
  void mark(Map<String, Object> fields) {
    marker.ifPresent(m -> fields.put(m.getKey(), m.getValue()));
  }

  /** Hudi write properties: with hard deletes, the marker column and value its payload treats as a delete. */
  Map<String, String> hudiProperties() {
    if (mode != Sink.DeleteMode.HARD || marker.isEmpty()) {
      return Map.of();
    }
    return Map.of("hoodie.payload.delete.field", marker.get().getKey(),
        "hoodie.payload.delete.marker", String.valueOf(marker.get().getValue()));
  }
}
