package io.tributary.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * {@code consume --format json}: one line of JSON a record, {@code {"topic", "partition", "offset", "timestamp",
 * "key", "value", "headers": {...}}}; an Avro key or value is embedded as its JSON, text as a string.
 */
final class RecordJson {
  private RecordJson() {}

  static String of(ConsumerRecord<?, ?> r, RecordDecoder.Decoded key, RecordDecoder.Decoded value) {
    ObjectNode o = Table.JSON.createObjectNode();
    o.put("topic", r.topic());
    o.put("partition", r.partition());
    o.put("offset", r.offset());
    o.put("timestamp", r.timestamp());
    o.set("key", node(key));
    o.set("value", node(value));
    ObjectNode headers = o.putObject("headers");
    for (Header h : r.headers()) {
      headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
    }
    try {
      return Table.JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  private static JsonNode node(RecordDecoder.Decoded d) {
    if (d == null) {
      return Table.JSON.nullNode();
    }
    if (d.json()) {
      try {
        return Table.JSON.readTree(d.text());
      } catch (JsonProcessingException notStrictJson) {
        // Avro's toString of a few types (bytes, NaN) is not strict JSON: keep the text.
      }
    }
    return Table.JSON.getNodeFactory().textNode(d.text());
  }
}
