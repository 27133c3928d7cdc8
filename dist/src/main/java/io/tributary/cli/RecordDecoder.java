package io.tributary.cli;

import io.tributary.registry.serde.KafkaAvroDeserializer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Turns a record's key or value into text for {@code consume}: bytes in the schema registry's wire format (magic
 * byte 0, a 4-byte schema id, Avro) are decoded with the writer's schema from the registry and printed as JSON,
 * as kafka-avro-console-consumer does; anything else is UTF-8 text.
 */
final class RecordDecoder {
  /** Magic byte and schema id: the registry's wire format has at least these before the Avro body. */
  static final int WIRE_FORMAT_HEADER_BYTES = 5;

  /** A decoded key or value; {@code json} when the text is JSON (an Avro datum), not plain text. */
  record Decoded(String text, boolean json) {}

  private final RegistryOption registry;
  private final boolean raw;
  private KafkaAvroDeserializer avro;

  RecordDecoder(RegistryOption registry, boolean raw) {
    this.registry = registry;
    this.raw = raw;
  }

  static boolean inWireFormat(byte[] data) {
    return data != null && data.length >= WIRE_FORMAT_HEADER_BYTES && data[0] == 0;
  }

  Decoded decode(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (raw || !inWireFormat(data)) {
      return new Decoded(new String(data, StandardCharsets.UTF_8), false);
    }
    if (avro == null) {
      avro = new KafkaAvroDeserializer(registry.client());
    }
    try {
      return new Decoded(GenericData.get().toString(avro.deserialize(topic, data)), true);
    } catch (SerializationException e) {
      throw new CliException("cannot decode a record of topic " + topic + " through the schema registry at "
          + registry.url + ": " + Errors.message(e) + " (--raw prints the bytes as text)");
    }
  }
}
