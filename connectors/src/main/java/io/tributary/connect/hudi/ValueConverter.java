package io.tributary.connect.hudi;

import io.tributary.connect.Transform;
import io.tributary.connect.runtime.Transforms;
import io.tributary.registry.serde.KafkaAvroDeserializer;
import io.tributary.registry.serde.RegistryClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Turns a topic value into a row of the table: decodes it with the registry serde (Confluent wire format),
 * applies the pipeline's transforms, and converts it to the table's schema, checking the record key and
 * precombine fields. Every failure is a {@link Rejection} naming the reason; only an unreachable registry
 * throws (a bad record is the record's fault, an outage is not).
 */
final class ValueConverter {

  /** What became of one value. */
  sealed interface Outcome {}

  /** A row of the table. */
  record Row(GenericRecord value) implements Outcome {}

  /** A filter transform dropped it. */
  record Filtered() implements Outcome {}

  /** It cannot go into the table. */
  record Rejected(Rejection rejection) implements Outcome {}

  /** The registry could not be asked (down, timing out): retry later, do not dead-letter. */
  static final class RegistryUnavailableException extends RuntimeException {
    RegistryUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static final Filtered FILTERED = new Filtered();

  private final KafkaAvroDeserializer deserializer;
  private final RegistryClient registry;
  private final Set<Integer> knownIds = new HashSet<>();
  private final Transforms transforms;
  private final Schema tableSchema;
  private final List<String> keyFields;
  private final String precombineField;

  ValueConverter(RegistryClient registry, KafkaAvroDeserializer deserializer, List<Transform> transforms,
      Schema tableSchema, String recordKey, String precombineField) {
    this.registry = registry;
    this.deserializer = deserializer;
    this.transforms = new Transforms(transforms);
    this.tableSchema = tableSchema;
    this.keyFields = KeyMaker.fields(recordKey);
    this.precombineField = precombineField;
  }

  Outcome convert(String topic, byte[] value) {
    if (value == null) {
      return rejected(Rejection.Reason.NULL_VALUE, "the value is null (a tombstone); deletes are not applied", null);
    }
    if (value.length < 5 || value[0] != 0) {
      return rejected(Rejection.Reason.NOT_AVRO, "the value (" + value.length + " bytes, first byte "
          + (value.length == 0 ? "none" : String.format("0x%02x", value[0]))
          + ") is not in the registry's wire format (magic byte 0, 4-byte schema id, Avro)", null);
    }
    int schemaId = ByteBuffer.wrap(value, 1, 4).getInt();
    Outcome unknown = checkSchemaId(schemaId);
    if (unknown != null) {
      return unknown;
    }
    Object decoded;
    try {
      decoded = deserializer.deserialize(topic, value);
    } catch (SerializationException e) {
      return rejected(Rejection.Reason.UNDECODABLE, "the Avro body does not decode with schema id " + schemaId
          + ": " + e.getMessage(), e);
    }
    if (!(decoded instanceof GenericRecord record)) {
      return rejected(Rejection.Reason.INCOMPATIBLE_SCHEMA, "the value is a "
          + (decoded == null ? "null" : decoded.getClass().getSimpleName()) + ", not an Avro record", null);
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    for (Schema.Field f : record.getSchema().getFields()) {
      Object v = record.get(f.pos());
      fields.put(f.name(), v instanceof Utf8 u ? u.toString() : v);
    }
    if (!transforms.apply(fields)) {
      return FILTERED;
    }
    return toRow(fields, record.getSchema());
  }

  /**
   * Looks a schema id up once (the deserializer then caches its reader): a 404 is the record's fault, any other
   * failure the registry's. Null when the id is known.
   */
  private Outcome checkSchemaId(int id) {
    if (knownIds.contains(id)) {
      return null;
    }
    try {
      registry.schemaById(id);
      knownIds.add(id);
      return null;
    } catch (RegistryClient.RegistryClientException e) {
      if (e.status() == 404) {
        return rejected(Rejection.Reason.UNKNOWN_SCHEMA_ID, "schema id " + id + " is not in the schema registry", e);
      }
      throw new RegistryUnavailableException("the schema registry failed to return schema id " + id + ": "
          + e.getMessage(), e);
    } catch (IOException e) {
      throw new RegistryUnavailableException("the schema registry is unreachable (schema id " + id + "): "
          + e.getMessage(), e);
    }
  }

  private Outcome toRow(Map<String, Object> fields, Schema writer) {
    // the key and ordering fields first: their absence is the more precise reason
    for (String k : keyFields) {
      Object v = fields.get(k);
      if (v == null || v.toString().isEmpty()) {
        return rejected(Rejection.Reason.MISSING_RECORD_KEY, "record key field '" + k + "' is "
            + (!fields.containsKey(k) ? "missing" : v == null ? "null" : "empty"), null);
      }
    }
    if (fields.get(precombineField) == null) {
      return rejected(Rejection.Reason.MISSING_PRECOMBINE_FIELD, "precombine field '" + precombineField + "' is "
          + (fields.containsKey(precombineField) ? "null" : "missing"), null);
    }
    GenericData.Record row = new GenericData.Record(tableSchema);
    for (Schema.Field f : tableSchema.getFields()) {
      Object v;
      if (fields.containsKey(f.name())) {
        v = coerce(fields.get(f.name()), f.schema());
      } else if (f.hasDefaultValue()) {
        v = GenericData.get().getDefaultValue(f);
      } else {
        return rejected(Rejection.Reason.INCOMPATIBLE_SCHEMA, "field '" + f.name() + "' of the table schema is "
            + "missing from the value (writer schema " + writer.getFullName() + ") and has no default", null);
      }
      if (!GenericData.get().validate(f.schema(), v)) {
        return rejected(Rejection.Reason.INCOMPATIBLE_SCHEMA, "field '" + f.name() + "' is "
            + describe(v) + ", the table schema wants " + f.schema(), null);
      }
      row.put(f.pos(), v);
    }
    return new Row(row);
  }

  /** Avro's promotions (int to long, float, double; long to float, double; float to double; string/bytes). */
  static Object coerce(Object v, Schema target) {
    if (v == null) {
      return null;
    }
    Schema t = target;
    if (t.getType() == Schema.Type.UNION) {
      for (Schema branch : t.getTypes()) {
        if (branch.getType() != Schema.Type.NULL) {
          Object c = coerce(v, branch);
          if (GenericData.get().validate(branch, c)) {
            return c;
          }
        }
      }
      return v;
    }
    return switch (t.getType()) {
      case LONG -> v instanceof Integer i ? Long.valueOf(i) : v;
      case FLOAT -> v instanceof Integer i ? Float.valueOf(i) : v instanceof Long l ? Float.valueOf(l) : v;
      case DOUBLE -> v instanceof Integer i ? Double.valueOf(i) : v instanceof Long l ? Double.valueOf(l)
          : v instanceof Float f ? Double.valueOf(f) : v;
      case STRING -> v instanceof ByteBuffer b ? new Utf8(copy(b)).toString() : v;
      case BYTES -> v instanceof CharSequence s ? ByteBuffer.wrap(s.toString().getBytes(
          StandardCharsets.UTF_8)) : v;
      default -> v;
    };
  }

  private static byte[] copy(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  private static String describe(Object v) {
    if (v == null) {
      return "null";
    }
    String text = v instanceof Collection<?> || v instanceof Map<?, ?> ? v.getClass().getSimpleName()
        : String.valueOf(v);
    if (text.length() > 40) {
      text = text.substring(0, 40) + "...";
    }
    String type = v instanceof GenericRecord r ? "record " + r.getSchema().getFullName()
        : v instanceof CharSequence ? "string" : v.getClass().getSimpleName();
    return "a " + type + " (" + text + ")";
  }

  private static Rejected rejected(Rejection.Reason reason, String message, Throwable cause) {
    return new Rejected(new Rejection(reason, message, cause));
  }
}
