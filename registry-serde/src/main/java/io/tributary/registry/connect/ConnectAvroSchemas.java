package io.tributary.registry.connect;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Kafka Connect schemas as Avro schemas and back, with the conventions of Confluent's {@code AvroData} so that
 * records written by Confluent's {@code AvroConverter} and by ours read the same:
 * <ul>
 *   <li>an optional schema is a union with null: {@code ["null", T]} with default null, or {@code [T, "null"]} when
 *   it has a non-null default (Avro's default must match the union's first branch);</li>
 *   <li>INT8/INT16 are Avro ints marked {@code "connect.type": "int8"|"int16"}; a STRUCT is a record named after the
 *   Connect schema ({@value #DEFAULT_RECORD_NAME} when it has none); a MAP with string keys is an Avro map, other
 *   maps are arrays of {@value #MAP_ENTRY} records {key, value};</li>
 *   <li>Decimal is {@code bytes} with logical type decimal (precision from {@value #DECIMAL_PRECISION}, else
 *   {@value #DEFAULT_DECIMAL_PRECISION}); Date, Time and Timestamp are date, time-millis and timestamp-millis;</li>
 *   <li>a name, version, doc and parameters of any other schema (Debezium's {@code io.debezium.time.MicroTimestamp}
 *   is an INT64 named so) are kept as {@code connect.name}, {@code connect.version}, {@code connect.doc},
 *   {@code connect.parameters} on the primitive, so the name comes back on reading.</li>
 * </ul>
 * Pure: no registry, no I/O. Unsupported Avro shapes (a union of two non-null branches) are refused with the field
 * path named.
 */
public final class ConnectAvroSchemas {
  static final String NAMESPACE = "io.confluent.connect.avro";
  static final String DEFAULT_RECORD_NAME = NAMESPACE + ".ConnectDefault";
  static final String MAP_ENTRY = NAMESPACE + ".MapEntry";
  static final String CONNECT_NAME = "connect.name";
  static final String CONNECT_VERSION = "connect.version";
  static final String CONNECT_DOC = "connect.doc";
  static final String CONNECT_PARAMETERS = "connect.parameters";
  static final String CONNECT_TYPE = "connect.type";
  static final String CONNECT_DEFAULT = "connect.default";
  /** Connect's parameter that Confluent uses to carry a decimal's precision. */
  static final String DECIMAL_PRECISION = "connect.decimal.precision";
  /** Confluent's precision of a decimal whose Connect schema does not say. */
  static final int DEFAULT_DECIMAL_PRECISION = 64;

  private ConnectAvroSchemas() {}

  /** The Avro schema of a Connect schema; {@code path} names the place in error messages. */
  public static Schema toAvro(org.apache.kafka.connect.data.Schema connect) {
    return toAvro(connect, "", new HashMap<>());
  }

  private static Schema toAvro(org.apache.kafka.connect.data.Schema c, String path, Map<String, Schema> named) {
    Schema base = nonNullAvro(c, path, named);
    if (!c.isOptional()) {
      return base;
    }
    Schema nul = Schema.create(Schema.Type.NULL);
    return c.defaultValue() == null ? Schema.createUnion(nul, base) : Schema.createUnion(base, nul);
  }

  private static Schema nonNullAvro(org.apache.kafka.connect.data.Schema c, String path, Map<String, Schema> named) {
    String name = c.name();
    Schema out;
    if (Decimal.LOGICAL_NAME.equals(name)) {
      int scale = Integer.parseInt(param(c, Decimal.SCALE_FIELD, path));
      String p = c.parameters() == null ? null : c.parameters().get(DECIMAL_PRECISION);
      int precision = p == null ? DEFAULT_DECIMAL_PRECISION : Integer.parseInt(p);
      out = LogicalTypes.decimal(precision, scale).addToSchema(Schema.create(Schema.Type.BYTES));
    } else if (Date.LOGICAL_NAME.equals(name)) {
      out = LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT));
    } else if (Time.LOGICAL_NAME.equals(name)) {
      out = LogicalTypes.timeMillis().addToSchema(Schema.create(Schema.Type.INT));
    } else if (Timestamp.LOGICAL_NAME.equals(name)) {
      out = LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
    } else {
      out = switch (c.type()) {
        case INT8, INT16 -> {
          Schema s = Schema.create(Schema.Type.INT);
          s.addProp(CONNECT_TYPE, c.type().getName());
          yield s;
        }
        case INT32 -> Schema.create(Schema.Type.INT);
        case INT64 -> Schema.create(Schema.Type.LONG);
        case FLOAT32 -> Schema.create(Schema.Type.FLOAT);
        case FLOAT64 -> Schema.create(Schema.Type.DOUBLE);
        case BOOLEAN -> Schema.create(Schema.Type.BOOLEAN);
        case STRING -> Schema.create(Schema.Type.STRING);
        case BYTES -> Schema.create(Schema.Type.BYTES);
        case ARRAY -> Schema.createArray(toAvro(c.valueSchema(), path + "[]", named));
        case MAP -> c.keySchema().type() == org.apache.kafka.connect.data.Schema.Type.STRING && !c.keySchema().isOptional()
            ? Schema.createMap(toAvro(c.valueSchema(), path + "{}", named))
            : Schema.createArray(mapEntry(c, path, named));
        case STRUCT -> record(c, path, named);
      };
    }
    if (c.type() != org.apache.kafka.connect.data.Schema.Type.STRUCT) {
      // a record carries its name as its Avro name; anything else keeps it as a property
      if (name != null) {
        out.addProp(CONNECT_NAME, name);
      }
      if (c.doc() != null) {
        out.addProp(CONNECT_DOC, c.doc());
      }
    }
    if (c.version() != null) {
      out.addProp(CONNECT_VERSION, c.version());
    }
    if (c.parameters() != null && !c.parameters().isEmpty()) {
      out.addProp(CONNECT_PARAMETERS, new LinkedHashMap<>(c.parameters()));
    }
    return out;
  }

  private static Schema record(org.apache.kafka.connect.data.Schema c, String path, Map<String, Schema> named) {
    String fullName = c.name() == null ? DEFAULT_RECORD_NAME : c.name();
    String avroName = avroName(fullName);
    // Avro refuses two different records of one name in a schema; Connect allows it (ConnectDefault nested)
    if (named.containsKey(avroName)) {
      avroName = avroName + (named.size() + 1);
    }
    Schema record = Schema.createRecord(simpleName(avroName), c.doc(), namespace(avroName), false);
    named.put(avroName, record);
    if (!avroName.equals(fullName)) {
      record.addProp(CONNECT_NAME, fullName);
    }
    List<Schema.Field> fields = new ArrayList<>();
    for (Field f : c.fields()) {
      String fieldPath = path.isEmpty() ? f.name() : path + "." + f.name();
      Schema type = toAvro(f.schema(), fieldPath, named);
      Object dflt = defaultOf(f.schema(), fieldPath);
      fields.add(new Schema.Field(f.name(), type, f.schema().doc(), dflt));
    }
    record.setFields(fields);
    return record;
  }

  private static Schema mapEntry(org.apache.kafka.connect.data.Schema c, String path, Map<String, Schema> named) {
    Schema entry = Schema.createRecord(simpleName(MAP_ENTRY) + (named.containsKey(MAP_ENTRY) ? named.size() + 1 : ""),
        null, NAMESPACE, false);
    named.putIfAbsent(MAP_ENTRY, entry);
    entry.setFields(List.of(
        new Schema.Field("key", toAvro(c.keySchema(), path + "{key}", named)),
        new Schema.Field("value", toAvro(c.valueSchema(), path + "{}", named))));
    return entry;
  }

  /** The Avro default of a field of Connect schema {@code s}: JSON-ish Java values as Avro's Field takes them. */
  private static Object defaultOf(org.apache.kafka.connect.data.Schema s, String path) {
    if (s.defaultValue() == null) {
      return s.isOptional() ? JsonProperties.NULL_VALUE : null;
    }
    Object avro = ConnectAvroValues.toAvro(s, s.defaultValue(), "default of " + path);
    return ConnectAvroValues.toJsonDefault(avro);
  }

  /** Avro names: letters, digits and '_', dot-separated parts not starting with a digit (Confluent scrubs too). */
  static String avroName(String connectName) {
    StringBuilder out = new StringBuilder();
    for (String part : connectName.split("\\.", -1)) {
      String p = part.replaceAll("[^A-Za-z0-9_]", "_");
      if (p.isEmpty() || Character.isDigit(p.charAt(0))) {
        p = "_" + p;
      }
      out.append(out.length() == 0 ? "" : ".").append(p);
    }
    return out.toString();
  }

  private static String simpleName(String full) {
    int dot = full.lastIndexOf('.');
    return dot < 0 ? full : full.substring(dot + 1);
  }

  private static String namespace(String full) {
    int dot = full.lastIndexOf('.');
    return dot < 0 ? null : full.substring(0, dot);
  }

  private static String param(org.apache.kafka.connect.data.Schema c, String key, String path) {
    String v = c.parameters() == null ? null : c.parameters().get(key);
    if (v == null) {
      throw new DataException("Connect schema of " + where(path) + " is " + c.name() + " without parameter " + key);
    }
    return v;
  }

  static String where(String path) {
    return path.isEmpty() ? "the record" : "field '" + path + "'";
  }

  /** The Connect schema of an Avro schema (the inverse of {@link #toAvro}). */
  public static org.apache.kafka.connect.data.Schema toConnect(Schema avro) {
    return toConnect(avro, "", false, new HashMap<>());
  }

  private static org.apache.kafka.connect.data.Schema toConnect(Schema a, String path, boolean optional,
      Map<String, org.apache.kafka.connect.data.Schema> seen) {
    if (a.getType() == Schema.Type.UNION) {
      List<Schema> branches = a.getTypes();
      List<Schema> nonNull = branches.stream().filter(b -> b.getType() != Schema.Type.NULL).toList();
      if (nonNull.size() == 1 && branches.size() == 2) {
        return toConnect(nonNull.get(0), path, true, seen);
      }
      throw new DataException("Avro schema of " + where(path) + " is the union " + a
          + ": only a union of null and one type maps to Kafka Connect");
    }
    SchemaBuilder b = builder(a, path, seen);
    if (optional) {
      b.optional();
    }
    Object name = a.getObjectProp(CONNECT_NAME);
    if (name != null && a.getType() != Schema.Type.RECORD && b.name() == null) {
      b.name(name.toString());
    }
    Object doc = a.getObjectProp(CONNECT_DOC);
    if (doc != null) {
      b.doc(doc.toString());
    }
    Object version = a.getObjectProp(CONNECT_VERSION);
    if (version instanceof Number n && b.version() == null) {
      b.version(n.intValue());
    }
    if (a.getObjectProp(CONNECT_PARAMETERS) instanceof Map<?, ?> params) {
      Map<String, String> p = new LinkedHashMap<>();
      params.forEach((k, v) -> p.put(k.toString(), String.valueOf(v)));
      if (b.parameters() != null) {
        p.putAll(b.parameters());
      }
      b.parameters(p);
    }
    return b.build();
  }

  private static SchemaBuilder builder(Schema a, String path, Map<String, org.apache.kafka.connect.data.Schema> seen) {
    LogicalType logical = a.getLogicalType();
    if (logical instanceof LogicalTypes.Decimal d) {
      SchemaBuilder b = Decimal.builder(d.getScale());
      // a schema we wrote carries its exact parameters; one from elsewhere gets the precision recorded
      return a.getObjectProp(CONNECT_PARAMETERS) != null ? b
          : b.parameter(DECIMAL_PRECISION, String.valueOf(d.getPrecision()));
    } else if (logical instanceof LogicalTypes.Date) {
      return Date.builder();
    } else if (logical instanceof LogicalTypes.TimeMillis) {
      return Time.builder();
    } else if (logical instanceof LogicalTypes.TimestampMillis) {
      return Timestamp.builder();
    }
    Object connectType = a.getObjectProp(CONNECT_TYPE);
    return switch (a.getType()) {
      case INT -> "int8".equals(connectType) ? SchemaBuilder.int8()
          : "int16".equals(connectType) ? SchemaBuilder.int16() : SchemaBuilder.int32();
      case LONG -> SchemaBuilder.int64();
      case FLOAT -> SchemaBuilder.float32();
      case DOUBLE -> SchemaBuilder.float64();
      case BOOLEAN -> SchemaBuilder.bool();
      case STRING -> SchemaBuilder.string();
      case ENUM -> SchemaBuilder.string().name(a.getFullName());
      case BYTES, FIXED -> SchemaBuilder.bytes();
      case MAP -> SchemaBuilder.map(SchemaBuilder.STRING_SCHEMA, toConnect(a.getValueType(), path + "{}", false, seen));
      case ARRAY -> isMapEntry(a.getElementType())
          ? SchemaBuilder.map(toConnect(a.getElementType().getField("key").schema(), path + "{key}", false, seen),
              toConnect(a.getElementType().getField("value").schema(), path + "{}", false, seen))
          : SchemaBuilder.array(toConnect(a.getElementType(), path + "[]", false, seen));
      case RECORD -> struct(a, path, seen);
      case NULL, UNION -> throw new DataException("Avro schema of " + where(path) + " is " + a
          + ": a bare null or nested union has no Kafka Connect schema");
    };
  }

  private static SchemaBuilder struct(Schema a, String path, Map<String, org.apache.kafka.connect.data.Schema> seen) {
    if (seen.containsKey(a.getFullName())) {
      throw new DataException("Avro schema of " + where(path) + " refers to record " + a.getFullName()
          + " recursively: Kafka Connect schemas cannot be recursive");
    }
    seen.put(a.getFullName(), null);
    SchemaBuilder b = SchemaBuilder.struct();
    Object connectName = a.getObjectProp(CONNECT_NAME);
    String name = connectName != null ? connectName.toString() : a.getFullName();
    if (!DEFAULT_RECORD_NAME.equals(name)) {
      b.name(name);
    }
    if (a.getDoc() != null) {
      b.doc(a.getDoc());
    }
    for (Schema.Field f : a.getFields()) {
      String fieldPath = path.isEmpty() ? f.name() : path + "." + f.name();
      org.apache.kafka.connect.data.Schema fs = toConnect(f.schema(), fieldPath, false, seen);
      if (f.hasDefaultValue() && f.defaultVal() != JsonProperties.NULL_VALUE) {
        fs = withDefault(fs, ConnectAvroValues.fromJsonDefault(fs, f.defaultVal(), fieldPath));
      }
      b.field(f.name(), fs);
    }
    seen.remove(a.getFullName());
    return b;
  }

  private static boolean isMapEntry(Schema element) {
    return element.getType() == Schema.Type.RECORD && element.getFullName().startsWith(MAP_ENTRY)
        && element.getFields().size() == 2 && element.getField("key") != null && element.getField("value") != null;
  }

  /** A copy of a built schema with a default (Connect's builders take the default before build). */
  private static org.apache.kafka.connect.data.Schema withDefault(org.apache.kafka.connect.data.Schema s, Object dflt) {
    SchemaBuilder b = switch (s.type()) {
      case STRUCT -> {
        SchemaBuilder sb = SchemaBuilder.struct();
        s.fields().forEach(f -> sb.field(f.name(), f.schema()));
        yield sb;
      }
      case ARRAY -> SchemaBuilder.array(s.valueSchema());
      case MAP -> SchemaBuilder.map(s.keySchema(), s.valueSchema());
      default -> new SchemaBuilder(s.type());
    };
    if (s.name() != null) {
      b.name(s.name());
    }
    if (s.version() != null) {
      b.version(s.version());
    }
    if (s.doc() != null) {
      b.doc(s.doc());
    }
    if (s.parameters() != null) {
      b.parameters(s.parameters());
    }
    if (s.isOptional()) {
      b.optional();
    }
    return b.defaultValue(dflt).build();
  }
}
