package io.tributary.cli;

import io.tributary.registry.serde.KafkaAvroSerializer;
import io.tributary.registry.serde.SerdeConfig;
import java.io.IOException;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.errors.SerializationException;

/**
 * {@code produce --schema-file/--schema-id}: a line of Avro JSON (Avro's JSON encoding, as
 * kafka-avro-console-producer reads it) into the registry's wire format, with the registry's serializer under the
 * subject {@code TOPIC-value}.
 */
final class AvroLineEncoder {
  private final Schema schema;
  private final GenericDatumReader<Object> reader;
  private final KafkaAvroSerializer serializer;

  /**
   * @param registerSchema true: register the schema under the subject (a schema file); false: it must already be
   *     registered there (a schema id)
   */
  AvroLineEncoder(String schemaText, RegistryOption registry, boolean registerSchema) {
    try {
      this.schema = new Schema.Parser().parse(schemaText);
    } catch (AvroRuntimeException e) {
      throw new CliException("not an Avro schema: " + e.getMessage(), 2);
    }
    this.reader = new GenericDatumReader<>(schema);
    this.serializer = new KafkaAvroSerializer(registry.client());
    serializer.configure(Map.of(SerdeConfig.AUTO_REGISTER_SCHEMAS, Boolean.toString(registerSchema)), false);
  }

  static AvroLineEncoder forSchemaId(int id, RegistryOption registry) {
    String schema = registry.call("GET", "/schemas/ids/" + id, null).path("schema").asText();
    return new AvroLineEncoder(schema, registry, false);
  }

  byte[] encode(String topic, String line, long lineNumber) {
    Object datum;
    try {
      datum = reader.read(null, DecoderFactory.get().jsonDecoder(schema, line));
    } catch (IOException | AvroRuntimeException e) {
      throw new CliException("line " + lineNumber + " does not match the Avro schema " + schema.getFullName() + ": "
          + e.getMessage());
    }
    try {
      return serializer.serialize(topic, datum);
    } catch (SerializationException e) {
      throw new CliException("cannot serialize line " + lineNumber + " through the schema registry: "
          + Errors.message(e));
    }
  }
}
