package io.tributary.registry.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * One record of the {@code _schemas} topic: a JSON key and a JSON value (null = tombstone), in the
 * layout Confluent uses ({@code keytype} SCHEMA / CONFIG / MODE / DELETE_SUBJECT / NOOP), plus
 * {@code ID_FLOOR}, written before permanent deletes so that compaction never lets an id be reused.
 */
public record StoreRecord(KeyType type, String subject, int version, JsonNode value) {

  public enum KeyType { SCHEMA, CONFIG, MODE, DELETE_SUBJECT, NOOP, ID_FLOOR }

  static final ObjectMapper JSON = new ObjectMapper();

  public static StoreRecord schema(String subject, int version, int id, String schema, boolean deleted) {
    ObjectNode v = JSON.createObjectNode();
    v.put("subject", subject);
    v.put("version", version);
    v.put("id", id);
    v.put("schema", schema);
    v.put("deleted", deleted);
    return new StoreRecord(KeyType.SCHEMA, subject, version, v);
  }

  public static StoreRecord schemaTombstone(String subject, int version) {
    return new StoreRecord(KeyType.SCHEMA, subject, version, null);
  }

  /** subject null = global. level null = delete the setting. */
  public static StoreRecord config(String subject, String level) {
    ObjectNode v = null;
    if (level != null) {
      v = JSON.createObjectNode();
      v.put("compatibilityLevel", level);
    }
    return new StoreRecord(KeyType.CONFIG, subject, 0, v);
  }

  public static StoreRecord mode(String subject, String mode) {
    ObjectNode v = null;
    if (mode != null) {
      v = JSON.createObjectNode();
      v.put("mode", mode);
    }
    return new StoreRecord(KeyType.MODE, subject, 0, v);
  }

  /** Soft-deletes every version of the subject up to and including {@code version}. */
  public static StoreRecord deleteSubject(String subject, int version) {
    ObjectNode v = JSON.createObjectNode();
    v.put("subject", subject);
    v.put("version", version);
    return new StoreRecord(KeyType.DELETE_SUBJECT, subject, version, v);
  }

  public static StoreRecord noop() {
    return new StoreRecord(KeyType.NOOP, null, 0, null);
  }

  public static StoreRecord idFloor(int maxId) {
    ObjectNode v = JSON.createObjectNode();
    v.put("maxId", maxId);
    return new StoreRecord(KeyType.ID_FLOOR, null, 0, v);
  }

  public byte[] keyBytes() {
    ObjectNode k = JSON.createObjectNode();
    k.put("keytype", type.name());
    if (type != KeyType.NOOP && type != KeyType.ID_FLOOR) {
      if (subject == null) {
        k.putNull("subject");
      } else {
        k.put("subject", subject);
      }
    }
    if (type == KeyType.SCHEMA) {
      k.put("version", version);
    }
    k.put("magic", type == KeyType.SCHEMA ? 1 : 0);
    return write(k);
  }

  public byte[] valueBytes() {
    return value == null ? null : write(value);
  }

  /** Decodes a record; returns null for keys it does not understand (skipped, logged by the caller). */
  public static StoreRecord decode(byte[] key, byte[] value) throws IOException {
    if (key == null) {
      return null;
    }
    JsonNode k = JSON.readTree(key);
    JsonNode typeNode = k.get("keytype");
    if (typeNode == null) {
      return null;
    }
    KeyType type;
    try {
      type = KeyType.valueOf(typeNode.asText());
    } catch (IllegalArgumentException e) {
      return null;
    }
    JsonNode s = k.get("subject");
    String subject = s == null || s.isNull() ? null : s.asText();
    int version = k.has("version") ? k.get("version").asInt() : 0;
    JsonNode v = value == null ? null : JSON.readTree(value);
    if (type == KeyType.DELETE_SUBJECT && v != null) {
      version = v.path("version").asInt();
    }
    return new StoreRecord(type, subject, version, v);
  }

  /** Round-trips a record through its bytes (what a reader sees). */
  public static StoreRecord decodeQuietly(StoreRecord r) {
    try {
      return decode(r.keyBytes(), r.valueBytes());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] write(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
