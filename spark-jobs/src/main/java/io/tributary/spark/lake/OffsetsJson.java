package io.tributary.spark.lake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Next offsets per partition of one topic in Spark's Kafka-source JSON ({@code {"orders":{"0":42,"1":7}}}):
 * the format of {@code startingOffsets}, so what a commit stores can start a stream directly.
 */
public final class OffsetsJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private OffsetsJson() {}

  public static String format(String topic, Map<Integer, Long> next) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode parts = root.putObject(topic);
    new TreeMap<>(next).forEach((p, o) -> parts.put(Integer.toString(p), o));
    return root.toString();
  }

  /** The offsets of {@code topic} in {@code json}; empty when the topic is not in it. */
  public static Map<Integer, Long> parse(String json, String topic) {
    Map<Integer, Long> out = new TreeMap<>();
    try {
      JsonNode parts = JSON.readTree(json).path(topic);
      parts.fields().forEachRemaining(e -> out.put(Integer.parseInt(e.getKey()), e.getValue().asLong()));
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable offsets " + json, e);
    }
    return out;
  }

  /** Per partition the larger of the two (offsets only grow). */
  public static Map<Integer, Long> max(Map<Integer, Long> a, Map<Integer, Long> b) {
    Map<Integer, Long> out = new TreeMap<>(a);
    b.forEach((p, o) -> out.merge(p, o, Math::max));
    return out;
  }
}
