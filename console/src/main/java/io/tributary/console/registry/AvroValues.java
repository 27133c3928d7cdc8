package io.tributary.console.registry;

import io.tributary.console.BadInput;
import io.tributary.registry.serde.KafkaAvroSerializer;
import io.tributary.registry.serde.RegistryClient;
import io.tributary.registry.serde.SerdeConfig;
import java.io.IOException;
import java.util.Map;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Values typed into the produce form as JSON, written as Avro in the registry's wire format with the latest
 * schema of the topic's subject ({@code <topic>-value}, TopicNameStrategy), as a Confluent producer with
 * {@code use.latest.version=true, auto.register.schemas=false} would. The JSON is Avro's JSON encoding (a
 * union's value is wrapped in its type: {@code {"string": "x"}}).
 */
public final class AvroValues {
  private AvroValues() {}

  public static byte[] encode(String registryUrl, String topic, String json) {
    return encode(new RegistryClient(registryUrl), topic, json);
  }

  /** As above, through {@code client} (which carries the registry's credentials). */
  public static byte[] encode(RegistryClient client, String topic, String json) {
    Schema schema;
    String subject = topic + "-value";
    try {
      schema = new Schema.Parser().parse(client.latest(subject).schema());
    } catch (IOException e) {
      throw new BadInput("no schema for subject '" + subject + "' in the registry: " + e.getMessage());
    }
    Object value;
    try {
      value = new GenericDatumReader<>(schema).read(null, DecoderFactory.get().jsonDecoder(schema, json));
    } catch (IOException | AvroTypeException e) {
      throw new BadInput("the value does not fit the latest schema of '" + subject + "': " + e.getMessage());
    }
    try (KafkaAvroSerializer serializer = new KafkaAvroSerializer(client)) {
      serializer.configure(Map.of(SerdeConfig.USE_LATEST_VERSION, "true", SerdeConfig.AUTO_REGISTER_SCHEMAS, "false"),
          false);
      return serializer.serialize(topic, value);
    } catch (SerializationException e) {
      throw new BadInput("cannot write the value as Avro: " + e.getMessage());
    }
  }
}
