package io.tributary.connect.hudi;

import io.tributary.connect.Sink;
import io.tributary.connect.Transform;
import io.tributary.connect.runtime.Transforms;
import io.tributary.registry.serde.KafkaAvroDeserializer;
import io.tributary.registry.serde.RegistryClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Turns a topic value into a row of the table: decodes it with the registry serde (Confluent wire format), or
 * reads it as JSON with the value schema ({@link JsonValues}), applies the pipeline's transforms, and converts
 * it to the table's schema, checking the record key and precombine fields. With deletes enabled a tombstone
 * becomes the delete of its message key, and a value marked deleted ({@link DeleteMarker}) a delete row. Every
 * failure is a {@link Rejection} naming the reason; only an unreachable registry throws (a bad record is the
 * record's fault, an outage is not).
 */
final class ValueConverter {

  /** What became of one value. */
  sealed interface Outcome {}

  /** A row of the table. */
  record Row(GenericRecord value) implements Outcome {}

  /** A tombstone with deletes enabled: the delete of the key whose key fields (only) are set in {@code key}. */
  record Tombstone(GenericRecord key) implements Outcome {}

  /** A filter transform dropped it (or, with soft deletes, it was a tombstone: the delete before it counts). */
  record Filtered() implements Outcome {}

  /** It cannot go into the table. */
  record Rejected(Rejection rejection) implements Outcome {}

  /**
   * The value's schema (after transforms) has columns the table lacks: the table evolves to {@code tableSchema}
   * first, then the value is converted again.
   */
  record SchemaChanged(Schema tableSchema) implements Outcome {}

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
  /**
   * Writer schemas already compared with the table's: empty when the table has their columns, else a
   * {@link SchemaChanged} or (a column the table cannot take) a {@link Rejected}.
   */
  private final Map<Schema, Optional<Outcome>> schemaChecks = new HashMap<>();
  private final List<Transform> transformList;
  private final Transforms transforms;
  private final Schema tableSchema;
  private final List<String> keyFields;
  private final String precombineField;
  private final DeleteMarker deletes;
  /** The schema JSON values are read with; null for Avro values. */
  private final Schema jsonSchema;

  /**
   * @param jsonSchema the value schema (before transforms) to read JSON values with; null when values are Avro
   */
  ValueConverter(RegistryClient registry, KafkaAvroDeserializer deserializer, List<Transform> transforms,
      Schema tableSchema, String recordKey, String precombineField, DeleteMarker deletes, Schema jsonSchema) {
    this.registry = registry;
    this.deserializer = deserializer;
    this.transforms = new Transforms(transforms);
    this.transformList = List.copyOf(transforms);
    this.tableSchema = tableSchema;
    this.keyFields = KeyMaker.fields(recordKey);
    this.precombineField = precombineField;
    this.deletes = deletes;
    this.jsonSchema = jsonSchema;
  }

  Outcome convert(String topic, byte[] key, byte[] value) {
    if (value == null) {
      return switch (deletes.mode()) {
        case NONE -> rejected(Rejection.Reason.NULL_VALUE, "the value is null (a tombstone); deletes are not "
            + "applied (sink.delete.mode is none)", null);
        case SOFT -> FILTERED;
        case HARD -> tombstone(topic, key);
      };
    }
    Map<String, Object> fields;
    Schema writer;
    if (jsonSchema != null) {
      JsonValues.Result json = JsonValues.read(value, jsonSchema);
      if (json instanceof JsonValues.NotJson notJson) {
        return rejected(Rejection.Reason.NOT_JSON, notJson.message(), null);
      }
      if (json instanceof JsonValues.Misfit misfit) {
        return rejected(Rejection.Reason.INCOMPATIBLE_SCHEMA, misfit.message(), null);
      }
      fields = new LinkedHashMap<>(((JsonValues.Fields) json).values());
      writer = jsonSchema;
    } else {
      Object decoded = decodeAvro(topic, value);
      if (decoded instanceof Rejected r) {
        return r;
      }
      GenericRecord record = (GenericRecord) decoded;
      Optional<Outcome> change = schemaChecks.computeIfAbsent(record.getSchema(), this::checkColumns);
      if (change.isPresent()) {
        return change.get();
      }
      fields = new LinkedHashMap<>();
      for (Schema.Field f : record.getSchema().getFields()) {
        Object v = record.get(f.pos());
        fields.put(f.name(), v instanceof Utf8 u ? u.toString() : v);
      }
      writer = record.getSchema();
    }
    if (!transforms.apply(fields)) {
      return FILTERED;
    }
    boolean delete = deletes.mode() != Sink.DeleteMode.NONE && DeleteMarker.isDelete(fields);
    if (delete) {
      deletes.mark(fields);
    }
    return toRow(fields, writer, delete);
  }

  /** The same conversion into the evolved table schema {@code evolved}. */
  ValueConverter withTableSchema(Schema evolved) {
    return new ValueConverter(registry, deserializer, transformList, evolved, String.join(",", keyFields),
        precombineField, deletes, jsonSchema);
  }

  /**
   * Whether values of {@code writer} fit the table's columns: empty when the table has every column of the
   * writer (after transforms); else the table evolves with the new columns, or, for a new column older rows
   * cannot read (neither nullable nor defaulted), the value is rejected naming it.
   */
  private Optional<Outcome> checkColumns(Schema writer) {
    Schema values = TableSchemas.afterTransforms(writer, transformList);
    if (values.getFields().stream().allMatch(f -> tableSchema.getField(f.name()) != null)) {
      return Optional.empty();
    }
    try {
      return Optional.of(new SchemaChanged(TableSchemas.evolve(tableSchema, values)));
    } catch (IllegalArgumentException e) {
      return Optional.of(rejected(Rejection.Reason.INCOMPATIBLE_SCHEMA, "writer schema " + writer.getFullName()
          + ": " + e.getMessage(), null));
    }
  }

  /** The Avro record of a value in the registry's wire format, or a {@link Rejected}. */
  private Object decodeAvro(String topic, byte[] value) {
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
    if (!(decoded instanceof GenericRecord)) {
      return rejected(Rejection.Reason.INCOMPATIBLE_SCHEMA, "the value is a "
          + (decoded == null ? "null" : decoded.getClass().getSimpleName()) + ", not an Avro record", null);
    }
    return decoded;
  }

  /**
   * The delete of a tombstone's message key: an Avro record in the registry's wire format (its fields named as
   * the record key's), or, for a one-field record key, the key's UTF-8 text.
   */
  private Outcome tombstone(String topic, byte[] key) {
    if (key == null || key.length == 0) {
      return rejected(Rejection.Reason.MISSING_RECORD_KEY, "a tombstone without a message key: nothing to delete",
          null);
    }
    GenericData.Record keyRow = new GenericData.Record(tableSchema);
    if (key.length >= 5 && key[0] == 0) {
      Object decoded = decodeAvro(topic, key);
      if (decoded instanceof Rejected r) {
        return r;
      }
      GenericRecord k = (GenericRecord) decoded;
      for (String field : keyFields) {
        Object v = k.getSchema().getField(field) == null ? null : k.get(field);
        if (v == null) {
          return rejected(Rejection.Reason.MISSING_RECORD_KEY, "the tombstone's key (schema "
              + k.getSchema().getFullName() + ") has no record key field '" + field + "'", null);
        }
        keyRow.put(field, v instanceof Utf8 u ? u.toString() : v);
      }
    } else if (keyFields.size() == 1) {
      keyRow.put(keyFields.get(0), new String(key, StandardCharsets.UTF_8));
    } else {
      return rejected(Rejection.Reason.MISSING_RECORD_KEY, "the tombstone's key is not an Avro record, so it "
          + "cannot name the " + keyFields.size() + " fields of the record key " + keyFields, null);
    }
    return new Tombstone(keyRow);
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

  private Outcome toRow(Map<String, Object> fields, Schema writer, boolean delete) {
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
      } else if (delete) {
        v = null; // a delete's image may hold only the key (Debezium without REPLICA IDENTITY FULL)
      } else {
        return rejected(Rejection.Reason.INCOMPATIBLE_SCHEMA, "field '" + f.name() + "' of the table schema is "
            + "missing from the value (writer schema " + writer.getFullName() + ") and has no default", null);
      }
      if (v == null && delete) {
        v = placeholder(f.schema());
      }
      if (!GenericData.get().validate(f.schema(), v)) {
        return rejected(Rejection.Reason.INCOMPATIBLE_SCHEMA, "field '" + f.name() + "' is "
            + describe(v) + ", the table schema wants " + f.schema(), null);
      }
      row.put(f.pos(), v);
    }
    return new Row(row);
  }

  /**
   * What a delete row holds in a column its image left null: null where the schema allows it, else the type's
   * zero. A hard delete is never read; a soft one keeps only what the source sent.
   */
  static Object placeholder(Schema s) {
    return switch (s.getType()) {
      case UNION, NULL -> s.getType() == Schema.Type.NULL
          || s.getTypes().stream().anyMatch(b -> b.getType() == Schema.Type.NULL) ? null : placeholder(s.getTypes().get(0));
      case BOOLEAN -> false;
      case INT -> 0;
      case LONG -> 0L;
      case FLOAT -> 0f;
      case DOUBLE -> 0d;
      case STRING -> "";
      case BYTES -> ByteBuffer.allocate(0);
      case ENUM -> new GenericData.EnumSymbol(s, s.getEnumSymbols().get(0));
      case ARRAY -> List.of();
      case MAP -> Map.of();
      case FIXED -> new GenericData.Fixed(s, new byte[s.getFixedSize()]);
      case RECORD -> {
        GenericData.Record r = new GenericData.Record(s);
        s.getFields().forEach(f -> r.put(f.pos(), placeholder(f.schema())));
        yield r;
      }
    };
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
