package io.tributary.registry.testing;

/** Avro schemas used across tests. */
public final class Schemas {
  private Schemas() {}

  public static String record(String name, String... fields) {
    StringBuilder sb = new StringBuilder("{\"type\":\"record\",\"name\":\"" + name + "\",\"namespace\":\"t\",\"fields\":[");
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(fields[i]);
    }
    return sb.append("]}").toString();
  }

  public static String field(String name, String type) {
    return "{\"name\":\"" + name + "\",\"type\":\"" + type + "\"}";
  }

  public static String fieldWithDefault(String name, String type, String defaultJson) {
    return "{\"name\":\"" + name + "\",\"type\":\"" + type + "\",\"default\":" + defaultJson + "}";
  }
}
