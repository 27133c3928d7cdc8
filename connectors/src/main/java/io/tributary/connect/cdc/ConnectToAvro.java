package io.tributary.connect.cdc;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema.Type;
import org.apache.kafka.connect.data.Struct;

/**
 * Kafka Connect schemas and values (what Debezium emits) as Avro ones. Row columns become optional Avro
 * fields with default null, whatever their NOT NULL: a delete's image may hold only the key, and a column
 * added later must read as null in older rows (a BACKWARD-compatible new version). Key columns stay required.
 * Debezium is configured so that every column is a scalar: decimals as strings, times as numbers.
 */
final class ConnectToAvro {
  private ConnectToAvro() {}

  /** The Avro type of a Connect scalar (a column). */
  static Schema scalar(Type connect) {
    return switch (connect) {
      case INT8, INT16, INT32 -> Schema.create(Schema.Type.INT);
      case INT64 -> Schema.create(Schema.Type.LONG);
      case FLOAT32 -> Schema.create(Schema.Type.FLOAT);
      case FLOAT64 -> Schema.create(Schema.Type.DOUBLE);
      case BOOLEAN -> Schema.create(Schema.Type.BOOLEAN);
      case BYTES -> Schema.create(Schema.Type.BYTES);
      // arrays, maps and structs (Postgres arrays, geometry) are carried as their text
      case STRING, ARRAY, MAP, STRUCT -> Schema.create(Schema.Type.STRING);
    };
  }

  /** The Avro value of a Connect scalar for {@link #scalar}'s type. */
  static Object value(Object v, Type connect) {
    if (v == null) {
      return null;
    }
    return switch (connect) {
      case INT8, INT16 -> ((Number) v).intValue();
      case BYTES -> v instanceof byte[] b ? ByteBuffer.wrap(b) : v;
      case ARRAY, MAP, STRUCT -> String.valueOf(v);
      default -> v;
    };
  }

  /** A record of the given Connect fields: optional with default null, or required for key columns. */
  static Schema record(String namespace, String name, List<Field> fields, boolean required, List<Schema.Field> extra) {
    List<Schema.Field> out = new ArrayList<>();
    for (Field f : fields) {
      Schema type = scalar(f.schema().type());
      out.add(required
          ? new Schema.Field(f.name(), type)
          : new Schema.Field(f.name(), SchemaBuilder.unionOf().nullType().and().type(type).endUnion(),
              null, JsonProperties.NULL_VALUE));
    }
    out.addAll(extra);
    return Schema.createRecord(name, null, namespace, false, out);
  }

  /** The fields of {@code struct} into {@code target} (a GenericRecord of {@link #record}'s schema). */
  static void copy(Struct struct, GenericRecord target) {
    for (Field f : struct.schema().fields()) {
      target.put(f.name(), value(struct.get(f), f.schema().type()));
    }
  }
}
