package io.tributary.connect.hudi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

/**
 * Reads a JSON object with an Avro schema ({@code schema.format: json}): plain JSON as producers write it (not
 * Avro's JSON encoding, which wraps union values), each field converted to the Avro type its schema names. A
 * value that does not fit names the field (a dotted path, {@code items[2].sku}) and what is wrong. Fields the
 * schema does not name are ignored, as Avro's schema resolution ignores a writer's extra fields; a missing field
 * takes its default, or null when its schema is nullable. Pure: no registry, no I/O.
 */
final class JsonValues {
  private static final ObjectReader READER = new ObjectMapper().reader();

  /** What one JSON value became. */
  sealed interface Result {}

  /** The top-level fields, in the schema's order, as Avro values. */
  record Fields(Map<String, Object> values) implements Result {}

  /** The text is not a JSON object. */
  record NotJson(String message) implements Result {}

  /** {@code field} does not fit its schema. */
  record Misfit(String field, String message) implements Result {}

  private JsonValues() {}

  static Result read(byte[] json, Schema schema) {
    if (schema.getType() != Schema.Type.RECORD) {
      throw new IllegalArgumentException("a JSON value schema must be a record, got " + schema.getType());
    }
    JsonNode root;
    try {
      root = READER.readTree(json);
    } catch (JsonProcessingException e) {
      return new NotJson("the value is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      return new NotJson("the value is not JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      return new NotJson("the value is " + (root == null ? "empty" : "a JSON " + kind(root)) + ", not a JSON object");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Schema.Field f : schema.getFields()) {
      try {
        out.put(f.name(), field(root, f, f.name()));
      } catch (MisfitException e) {
        return new Misfit(e.field, e.getMessage());
      }
    }
    return new Fields(out);
  }

  private static Object field(JsonNode object, Schema.Field f, String path) {
    JsonNode v = object.get(f.name());
    if (v == null) {
      if (f.hasDefaultValue()) {
        return GenericData.get().getDefaultValue(f);
      }
      if (nullable(f.schema())) {
        return null;
      }
      throw new MisfitException(path, "field '" + path + "' is missing and " + f.schema() + " is not nullable");
    }
    return value(v, f.schema(), path);
  }

  private static Object value(JsonNode v, Schema s, String path) {
    switch (s.getType()) {
      case UNION -> {
        if (v.isNull()) {
          if (nullable(s)) {
            return null;
          }
          throw misfit(path, v, s);
        }
        List<Schema> branches = s.getTypes().stream().filter(b -> b.getType() != Schema.Type.NULL).toList();
        if (branches.size() == 1) {
          return value(v, branches.get(0), path); // an optional field: its one type says what is wrong
        }
        for (Schema branch : branches) {
          try {
            return value(v, branch, path);
          } catch (MisfitException ignored) {
            // try the next branch
          }
        }
        throw misfit(path, v, s);
      }
      case NULL -> {
        if (v.isNull()) {
          return null;
        }
        throw misfit(path, v, s);
      }
      case BOOLEAN -> {
        if (v.isBoolean()) {
          return v.booleanValue();
        }
        throw misfit(path, v, s);
      }
      case INT -> {
        if (v.isIntegralNumber() && v.canConvertToInt()) {
          return v.intValue();
        }
        throw misfit(path, v, s);
      }
      case LONG -> {
        if (v.isIntegralNumber() && v.canConvertToLong()) {
          return v.longValue();
        }
        throw misfit(path, v, s);
      }
      case FLOAT -> {
        if (v.isNumber()) {
          return v.floatValue();
        }
        throw misfit(path, v, s);
      }
      case DOUBLE -> {
        if (v.isNumber()) {
          return v.doubleValue();
        }
        throw misfit(path, v, s);
      }
      case STRING -> {
        if (v.isTextual()) {
          return v.textValue();
        }
        throw misfit(path, v, s);
      }
      case BYTES -> {
        if (v.isTextual()) {
          return ByteBuffer.wrap(v.textValue().getBytes(StandardCharsets.UTF_8));
        }
        throw misfit(path, v, s);
      }
      case ENUM -> {
        if (v.isTextual() && s.hasEnumSymbol(v.textValue())) {
          return new GenericData.EnumSymbol(s, v.textValue());
        }
        throw misfit(path, v, s);
      }
      case ARRAY -> {
        if (!v.isArray()) {
          throw misfit(path, v, s);
        }
        List<Object> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
          out.add(value(v.get(i), s.getElementType(), path + "[" + i + "]"));
        }
        return out;
      }
      case MAP -> {
        if (!v.isObject()) {
          throw misfit(path, v, s);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          out.put(e.getKey(), value(e.getValue(), s.getValueType(), path + "." + e.getKey()));
        }
        return out;
      }
      case RECORD -> {
        if (!v.isObject()) {
          throw misfit(path, v, s);
        }
        GenericData.Record out = new GenericData.Record(s);
        for (Schema.Field f : s.getFields()) {
          out.put(f.pos(), field(v, f, path + "." + f.name()));
        }
        return out;
      }
      default -> throw new MisfitException(path, "field '" + path + "' has schema type " + s.getType()
          + ", which JSON values cannot carry");
    }
  }

  private static boolean nullable(Schema s) {
    return s.getType() == Schema.Type.NULL
        || (s.getType() == Schema.Type.UNION && s.getTypes().stream().anyMatch(b -> b.getType() == Schema.Type.NULL));
  }

  private static MisfitException misfit(String path, JsonNode v, Schema s) {
    String text = v.toString();
    if (text.length() > 40) {
      text = text.substring(0, 40) + "...";
    }
    return new MisfitException(path, "field '" + path + "' is a JSON " + kind(v) + " (" + text + "), the schema wants "
        + s);
  }

  private static String kind(JsonNode v) {
    JsonNodeType t = v.getNodeType();
    if (t == JsonNodeType.NUMBER) {
      return v.isIntegralNumber() ? "integer" : "number";
    }
    return t.name().toLowerCase(Locale.ROOT);
  }

  /** Thrown down the recursion to the field that does not fit; never leaves this class. */
  private static final class MisfitException extends RuntimeException {
    final String field;

    MisfitException(String field, String message) {
      super(message, null, false, false);
      this.field = field;
    }
  }
}
