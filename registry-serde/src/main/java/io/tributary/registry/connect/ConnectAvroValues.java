package io.tributary.registry.connect;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Kafka Connect values as Avro generic values of {@link ConnectAvroSchemas}' schemas, and back. Pure. A value that
 * does not fit its schema (a null in a required field, a String where an INT32 belongs) is refused with a
 * {@link DataException} naming the field path; the converter adds the topic.
 */
public final class ConnectAvroValues {
  private ConnectAvroValues() {}

  /** The Avro value of {@code value} under Connect schema {@code s} (Avro schema from ConnectAvroSchemas). */
  public static Object toAvro(org.apache.kafka.connect.data.Schema s, Object value, String path) {
    return toAvro(s, ConnectAvroSchemas.toAvro(s), value, path);
  }

  /** As {@link #toAvro(org.apache.kafka.connect.data.Schema, Object, String)} with the Avro schema at hand. */
  static Object toAvro(org.apache.kafka.connect.data.Schema s, Schema avro, Object value, String path) {
    if (value == null) {
      value = s.defaultValue();
    }
    if (value == null) {
      if (!s.isOptional()) {
        throw new DataException(ConnectAvroSchemas.where(path) + " is null but its schema (" + describe(s)
            + ") is not optional");
      }
      return null;
    }
    Schema a = nonNull(avro);
    String name = s.name();
    if (Decimal.LOGICAL_NAME.equals(name)) {
      BigDecimal d = expect(value, BigDecimal.class, s, path);
      return ByteBuffer.wrap(Decimal.fromLogical(s, d));
    } else if (Date.LOGICAL_NAME.equals(name)) {
      return Date.fromLogical(s, expect(value, java.util.Date.class, s, path));
    } else if (Time.LOGICAL_NAME.equals(name)) {
      return Time.fromLogical(s, expect(value, java.util.Date.class, s, path));
    } else if (Timestamp.LOGICAL_NAME.equals(name)) {
      return Timestamp.fromLogical(s, expect(value, java.util.Date.class, s, path));
    }
    return switch (s.type()) {
      case INT8 -> (int) expect(value, Byte.class, s, path);
      case INT16 -> (int) expect(value, Short.class, s, path);
      case INT32 -> expect(value, Integer.class, s, path);
      case INT64 -> expect(value, Long.class, s, path);
      case FLOAT32 -> expect(value, Float.class, s, path);
      case FLOAT64 -> expect(value, Double.class, s, path);
      case BOOLEAN -> expect(value, Boolean.class, s, path);
      case STRING -> expect(value, String.class, s, path);
      case BYTES -> value instanceof byte[] b ? ByteBuffer.wrap(b) : expect(value, ByteBuffer.class, s, path);
      case ARRAY -> {
        List<Object> out = new ArrayList<>();
        int i = 0;
        for (Object item : expect(value, Collection.class, s, path)) {
          out.add(toAvro(s.valueSchema(), a.getElementType(), item, path + "[" + i++ + "]"));
        }
        yield out;
      }
      case MAP -> {
        Map<?, ?> map = expect(value, Map.class, s, path);
        if (a.getType() == Schema.Type.MAP) {
          Map<String, Object> out = new LinkedHashMap<>();
          map.forEach((k, v) -> out.put(
              (String) toAvro(s.keySchema(), Schema.create(Schema.Type.STRING), k, path + "{key}"),
              toAvro(s.valueSchema(), a.getValueType(), v, path + "{" + k + "}")));
          yield out;
        }
        Schema entry = a.getElementType();
        List<Object> out = new ArrayList<>();
        map.forEach((k, v) -> {
          GenericRecord r = new GenericData.Record(entry);
          r.put("key", toAvro(s.keySchema(), entry.getField("key").schema(), k, path + "{key}"));
          r.put("value", toAvro(s.valueSchema(), entry.getField("value").schema(), v, path + "{" + k + "}"));
          out.add(r);
        });
        yield out;
      }
      case STRUCT -> {
        Struct struct = expect(value, Struct.class, s, path);
        if (!struct.schema().equals(s)) {
          throw new DataException(ConnectAvroSchemas.where(path) + " holds a Struct of schema "
              + describe(struct.schema()) + " where its schema is " + describe(s));
        }
        GenericRecord r = new GenericData.Record(a);
        for (Field f : s.fields()) {
          String fieldPath = path.isEmpty() ? f.name() : path + "." + f.name();
          Schema.Field target = a.getField(f.name());
          if (target == null) {
            throw new DataException(ConnectAvroSchemas.where(fieldPath) + " is not in the Avro schema written with ("
                + a.getFullName() + ")");
          }
          r.put(target.pos(), toAvro(f.schema(), target.schema(), struct.get(f), fieldPath));
        }
        yield r;
      }
    };
  }

  /** The Connect value of an Avro generic value under the Connect schema {@link ConnectAvroSchemas#toConnect} made. */
  public static Object toConnect(org.apache.kafka.connect.data.Schema s, Object avro, String path) {
    if (avro == null) {
      if (!s.isOptional() && s.defaultValue() == null) {
        throw new DataException(ConnectAvroSchemas.where(path) + " is null but its schema (" + describe(s)
            + ") is not optional");
      }
      return s.defaultValue();
    }
    String name = s.name();
    if (Decimal.LOGICAL_NAME.equals(name)) {
      return Decimal.toLogical(s, bytes(avro));
    } else if (Date.LOGICAL_NAME.equals(name)) {
      return Date.toLogical(s, ((Number) avro).intValue());
    } else if (Time.LOGICAL_NAME.equals(name)) {
      return Time.toLogical(s, ((Number) avro).intValue());
    } else if (Timestamp.LOGICAL_NAME.equals(name)) {
      return Timestamp.toLogical(s, ((Number) avro).longValue());
    }
    return switch (s.type()) {
      case INT8 -> ((Number) avro).byteValue();
      case INT16 -> ((Number) avro).shortValue();
      case INT32 -> ((Number) avro).intValue();
      case INT64 -> ((Number) avro).longValue();
      case FLOAT32 -> ((Number) avro).floatValue();
      case FLOAT64 -> ((Number) avro).doubleValue();
      case BOOLEAN -> (Boolean) avro;
      case STRING -> avro.toString(); // Utf8, String or an enum symbol
      case BYTES -> bytes(avro);
      case ARRAY -> {
        List<Object> out = new ArrayList<>();
        int i = 0;
        for (Object item : (Collection<?>) avro) {
          out.add(toConnect(s.valueSchema(), item, path + "[" + i++ + "]"));
        }
        yield out;
      }
      case MAP -> {
        Map<Object, Object> out = new LinkedHashMap<>();
        if (avro instanceof Map<?, ?> m) {
          m.forEach((k, v) -> out.put(k.toString(), toConnect(s.valueSchema(), v, path + "{" + k + "}")));
        } else {
          for (Object e : (Collection<?>) avro) {
            GenericRecord r = (GenericRecord) e;
            Object k = toConnect(s.keySchema(), r.get("key"), path + "{key}");
            out.put(k, toConnect(s.valueSchema(), r.get("value"), path + "{" + k + "}"));
          }
        }
        yield out;
      }
      case STRUCT -> {
        GenericRecord r = (GenericRecord) avro;
        Struct out = new Struct(s);
        for (Field f : s.fields()) {
          String fieldPath = path.isEmpty() ? f.name() : path + "." + f.name();
          out.put(f, toConnect(f.schema(), r.get(f.name()), fieldPath));
        }
        yield out;
      }
    };
  }

  /** An Avro value as the Java object Avro's {@code Schema.Field} takes as a default (JSON-like). */
  static Object toJsonDefault(Object avro) {
    if (avro instanceof ByteBuffer b) {
      byte[] out = new byte[b.remaining()];
      b.duplicate().get(out);
      return out;
    } else if (avro instanceof GenericRecord r) {
      Map<String, Object> out = new LinkedHashMap<>();
      r.getSchema().getFields().forEach(f -> out.put(f.name(), toJsonDefault(r.get(f.name()))));
      return out;
    } else if (avro instanceof Collection<?> c) {
      return c.stream().map(ConnectAvroValues::toJsonDefault).toList();
    } else if (avro instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(k.toString(), toJsonDefault(v)));
      return out;
    }
    return avro;
  }

  /** An Avro field's default ({@code Schema.Field.defaultVal()}: JSON-like Java) as a Connect value of {@code s}. */
  static Object fromJsonDefault(org.apache.kafka.connect.data.Schema s, Object dflt, String path) {
    if (dflt instanceof Map<?, ?> m && s.type() == org.apache.kafka.connect.data.Schema.Type.STRUCT) {
      Struct out = new Struct(s);
      for (Field f : s.fields()) {
        out.put(f, fromJsonDefault(f.schema(), m.get(f.name()), path + "." + f.name()));
      }
      return out;
    } else if (dflt instanceof Collection<?> c && s.type() == org.apache.kafka.connect.data.Schema.Type.ARRAY) {
      return c.stream().map(v -> fromJsonDefault(s.valueSchema(), v, path + "[]")).toList();
    } else if (dflt instanceof Map<?, ?> m && s.type() == org.apache.kafka.connect.data.Schema.Type.MAP) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(k.toString(), fromJsonDefault(s.valueSchema(), v, path + "{" + k + "}")));
      return out;
    } else if (dflt instanceof CharSequence cs && s.type() == org.apache.kafka.connect.data.Schema.Type.BYTES) {
      // Avro's JSON default of bytes is a string of ISO-8859-1 code points
      dflt = cs.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
    return toConnect(s, dflt, path);
  }

  private static byte[] bytes(Object avro) {
    if (avro instanceof byte[] b) {
      return b;
    }
    if (avro instanceof GenericData.Fixed f) {
      return f.bytes();
    }
    ByteBuffer b = ((ByteBuffer) avro).duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  private static Schema nonNull(Schema avro) {
    if (avro.getType() != Schema.Type.UNION) {
      return avro;
    }
    return avro.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).findFirst().orElse(avro);
  }

  private static <T> T expect(Object value, Class<T> type, org.apache.kafka.connect.data.Schema s, String path) {
    if (!type.isInstance(value)) {
      throw new DataException(ConnectAvroSchemas.where(path) + " holds a " + value.getClass().getName()
          + " where its schema (" + describe(s) + ") needs a " + type.getName());
    }
    return type.cast(value);
  }

  static String describe(org.apache.kafka.connect.data.Schema s) {
    return (s.name() == null ? s.type().toString() : s.type() + " " + s.name()) + (s.isOptional() ? ", optional" : "");
  }
}
