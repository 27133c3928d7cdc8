package io.tributary.registry.connect;

import io.tributary.registry.serde.RegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.storage.Converter;

/**
 * A Kafka Connect {@link Converter} in Confluent's wire format (byte 0, the 4-byte schema id, Avro binary) backed
 * by our schema registry: the drop-in for {@code io.confluent.connect.avro.AvroConverter}. Put
 * {@code value.converter=io.tributary.registry.connect.AvroConverter} and
 * {@code value.converter.schema.registry.url=http://...} in a worker or connector configuration (the same for
 * keys). Keys as Confluent's: {@link AvroConverterConfig}. Schemas map as {@link ConnectAvroSchemas} says;
 * schema ids are cached per (subject, schema) and writer schemas per id, so a steady stream makes no HTTP calls.
 */
public class AvroConverter implements Converter {
  private static final byte MAGIC = 0;
  /** Registry calls from inside a Connect task: give up in bounded time so the task fails visibly. */
  private static final Duration REGISTRY_TIMEOUT = Duration.ofSeconds(30);

  private RegistryClient client;
  private AvroConverterConfig config;
  private boolean isKey;
  private final Map<org.apache.kafka.connect.data.Schema, Schema> avroSchemas = new ConcurrentHashMap<>();
  private final Map<String, Map<Schema, Integer>> ids = new ConcurrentHashMap<>();
  private final Map<String, Integer> latestIds = new ConcurrentHashMap<>();
  private final Map<Integer, Schema> writerSchemas = new ConcurrentHashMap<>();
  private final Map<Integer, org.apache.kafka.connect.data.Schema> connectSchemas = new ConcurrentHashMap<>();

  public AvroConverter() {}

  /** With a client of one's own (tests). */
  public AvroConverter(RegistryClient client) {
    this.client = client;
  }

  @Override
  public ConfigDef config() {
    return AvroConverterConfig.DEF;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    this.isKey = isKey;
    this.config = AvroConverterConfig.of(configs);
    if (client == null) {
      client = new RegistryClient(config.registryUrls(), REGISTRY_TIMEOUT, config.security());
    }
  }

  @Override
  public byte[] fromConnectData(String topic, org.apache.kafka.connect.data.Schema schema, Object value) {
    if (schema == null && value == null) {
      return null; // a tombstone stays one
    }
    if (schema == null) {
      throw new DataException("Cannot write a " + what() + " of topic '" + topic + "' without a Connect schema ("
          + value.getClass().getName() + "): the Avro converter needs the connector to give schemas");
    }
    Schema avro;
    try {
      avro = avroSchemas.computeIfAbsent(schema, ConnectAvroSchemas::toAvro);
    } catch (DataException e) {
      throw new DataException("Cannot map the Connect schema of the " + what() + " of topic '" + topic
          + "' to Avro: " + e.getMessage(), e);
    }
    SubjectNameStrategy strategy = isKey ? config.keyStrategy() : config.valueStrategy();
    String subject = strategy.subject(topic, isKey, avro);
    int id = schemaId(subject, avro);
    // with use.latest.version the value is built in the subject's latest schema, field by field by name
    Schema writer = config.useLatestVersion() ? writerSchema(id, topic) : avro;
    Object avroValue;
    try {
      avroValue = ConnectAvroValues.toAvro(schema, writer, value, "");
    } catch (DataException e) {
      throw new DataException("Cannot convert the " + what() + " of a record of topic '" + topic + "' to Avro: "
          + e.getMessage(), e);
    }
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(64);
      out.write(MAGIC);
      out.write(ByteBuffer.allocate(4).putInt(id).array());
      BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
      new GenericDatumWriter<>(writer).write(avroValue, enc);
      enc.flush();
      return out.toByteArray();
    } catch (IOException | RuntimeException e) {
      throw new DataException("Cannot write the " + what() + " of a record of topic '" + topic + "' with schema id "
          + id + " of subject '" + subject + "': " + e.getMessage(), e);
    }
  }

  @Override
  public SchemaAndValue toConnectData(String topic, byte[] value) {
    if (value == null) {
      return SchemaAndValue.NULL;
    }
    if (value.length < 5 || value[0] != MAGIC) {
      throw new DataException("The " + what() + " of a record of topic '" + topic + "' is not in the schema-registry"
          + " wire format (magic byte 0, 4-byte schema id, Avro): " + value.length + " bytes starting with "
          + (value.length == 0 ? "nothing" : "byte " + value[0]));
    }
    int id = ByteBuffer.wrap(value, 1, 4).getInt();
    Schema writer = writerSchema(id, topic);
    org.apache.kafka.connect.data.Schema connect;
    Object avro;
    try {
      connect = connectSchemas.computeIfAbsent(id, i -> ConnectAvroSchemas.toConnect(writer));
      avro = new GenericDatumReader<>(writer).read(null,
          DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null));
      return new SchemaAndValue(connect, ConnectAvroValues.toConnect(connect, avro, ""));
    } catch (IOException | RuntimeException e) {
      throw new DataException("Cannot read the " + what() + " of a record of topic '" + topic + "' with schema id "
          + id + ": " + e.getMessage(), e);
    }
  }

  private int schemaId(String subject, Schema avro) {
    try {
      if (config.useLatestVersion()) {
        Integer id = latestIds.get(subject);
        if (id == null) {
          id = client.latest(subject).id();
          latestIds.put(subject, id);
        }
        return id;
      }
      Map<Schema, Integer> cache = ids.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
      Integer id = cache.get(avro);
      if (id == null) {
        id = config.autoRegister() ? client.register(subject, avro.toString())
            : client.lookup(subject, avro.toString()).id();
        cache.put(avro, id);
      }
      return id;
    } catch (IOException e) {
      throw new DataException("Cannot " + (config.autoRegister() ? "register" : "look up") + " the Avro schema of "
          + "subject '" + subject + "' in the registry: " + e.getMessage(), e);
    }
  }

  private Schema writerSchema(int id, String topic) {
    Schema s = writerSchemas.get(id);
    if (s == null) {
      try {
        s = new Schema.Parser().parse(client.schemaById(id));
      } catch (IOException e) {
        throw new DataException("Cannot fetch schema id " + id + " for a record of topic '" + topic + "': "
            + e.getMessage(), e);
      }
      writerSchemas.put(id, s);
    }
    return s;
  }

  private String what() {
    return isKey ? "key" : "value";
  }
}
