package io.tributary.connect.cdc;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The records in which Debezium's engine keeps its position (its offsets topic), made by the task itself so that
 * they are written in the same transaction as the changes they account for, as Kafka Connect's exactly-once
 * sources do (KIP-618). They are, byte for byte, what the engine's own {@code OffsetStorageWriter} writes: the key
 * is the JSON array {@code [engine name, source partition]} and the value the source offset, both JSON without
 * schemas; so the engine's reader finds them when it starts.
 */
final class EngineOffsets {
  private final String topic;
  private final String engineName;
  private final JsonConverter keys = new JsonConverter();
  private final JsonConverter values = new JsonConverter();

  /** Records for the engine named {@code engineName} (its {@code name} setting) in offsets topic {@code topic}. */
  EngineOffsets(String topic, String engineName) {
    this.topic = topic;
    this.engineName = engineName;
    // the engine's offset converters: JsonConverter with schemas.enable=false
    keys.configure(Map.of("schemas.enable", "false"), true);
    values.configure(Map.of("schemas.enable", "false"), false);
  }

  /**
   * The last offset of each source partition in {@code batch}: the position after the whole batch, which is what
   * the engine would store once every record of it is marked processed. Records without an offset are skipped.
   */
  static Map<Map<String, ?>, Map<String, ?>> latest(List<SourceRecord> batch) {
    Map<Map<String, ?>, Map<String, ?>> latest = new LinkedHashMap<>();
    for (SourceRecord r : batch) {
      if (r.sourcePartition() != null && r.sourceOffset() != null) {
        latest.put(r.sourcePartition(), r.sourceOffset());
      }
    }
    return latest;
  }

  /** The record that stores {@code offset} as the engine's position in source partition {@code partition}. */
  ProducerRecord<byte[], byte[]> record(Map<String, ?> partition, Map<String, ?> offset) {
    byte[] key = keys.fromConnectData(engineName, null, Arrays.asList(engineName, partition));
    byte[] value = values.fromConnectData(engineName, null, offset);
    return new ProducerRecord<>(topic, key, value);
  }
}
