package io.tributary.registry.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Avro deserializer of Confluent's wire format. Writer schemas are fetched by id once and cached; a
 * reader schema ({@code avro.reader.schema}, or the generated class with {@code specific.avro.reader})
 * lets an old writer's data be read as a newer shape (Avro schema resolution).
 */
public class KafkaAvroDeserializer implements Deserializer<Object> {
  private RegistryClient client;
  private boolean specific;
  private Schema readerSchema;
  private final Map<Integer, DatumReader<Object>> readers = new ConcurrentHashMap<>();
  private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();

  public KafkaAvroDeserializer() {}

  public KafkaAvroDeserializer(RegistryClient client) {
    this.client = client;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    if (client == null) {
      client = SerdeConfig.client(configs);
    }
    specific = SerdeConfig.bool(configs, SerdeConfig.SPECIFIC_AVRO_READER, false);
    Object reader = configs.get(SerdeConfig.AVRO_READER_SCHEMA);
    if (reader instanceof Schema s) {
      readerSchema = s;
    } else if (reader != null) {
      readerSchema = new Schema.Parser().parse(reader.toString());
    }
  }

  @Override
  public Object deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (data.length < 5 || data[0] != KafkaAvroSerializer.MAGIC) {
      throw new SerializationException("Unknown magic byte in a record of topic '" + topic
          + "': not in the schema-registry wire format (byte 0, 4-byte id, Avro)");
    }
    int id = ByteBuffer.wrap(data, 1, 4).getInt();
    DatumReader<Object> reader = readers.get(id);
    if (reader == null) {
      reader = newReader(topic, id);
      readers.put(id, reader);
    }
    try {
      BinaryDecoder dec = DecoderFactory.get().binaryDecoder(data, 5, data.length - 5, decoders.get());
      decoders.set(dec);
      return reader.read(null, dec);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("Error deserializing an Avro record of topic '" + topic
          + "' with schema id " + id + ": " + e, e);
    }
  }

  private DatumReader<Object> newReader(String topic, int id) {
    Schema writer;
    try {
      writer = new Schema.Parser().parse(client.schemaById(id));
    } catch (IOException e) {
      throw new SerializationException("Error fetching schema id " + id + " for a record of topic '"
          + topic + "': " + e.getMessage(), e);
    }
    if (specific) {
      Schema reader = readerSchema;
      if (reader == null && writer.getType() == Schema.Type.RECORD) {
        Class<?> cls = SpecificData.get().getClass(writer);
        reader = cls == null ? writer : SpecificData.get().getSchema(cls);
      }
      return new SpecificDatumReader<>(writer, reader == null ? writer : reader);
    }
    return new GenericDatumReader<>(writer, readerSchema == null ? writer : readerSchema);
  }

  @Override
  public void close() {}
}
