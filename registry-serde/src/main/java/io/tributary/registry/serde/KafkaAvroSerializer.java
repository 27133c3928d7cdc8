package io.tributary.registry.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro serializer in Confluent's wire format: byte 0, the 4-byte big-endian schema id, Avro binary.
 * Subjects follow TopicNameStrategy. Ids are cached per (subject, schema), so after the first record
 * of a schema no HTTP call is made.
 */
public class KafkaAvroSerializer implements Serializer<Object> {
  static final byte MAGIC = 0;

  private RegistryClient client;
  private boolean isKey;
  private boolean autoRegister = true;
  private boolean useLatest;
  private final Map<String, Map<Schema, Integer>> ids = new ConcurrentHashMap<>();
  private final Map<String, Latest> latest = new ConcurrentHashMap<>();
  private final Map<Schema, DatumWriter<Object>> writers = new ConcurrentHashMap<>();
  private final ThreadLocal<BinaryEncoder> encoders = new ThreadLocal<>();

  private record Latest(int id, Schema schema) {}

  public KafkaAvroSerializer() {}

  /** With a client of one's own (tests and benchmarks). */
  public KafkaAvroSerializer(RegistryClient client) {
    this.client = client;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    this.isKey = isKey;
    if (client == null) {
      client = SerdeConfig.client(configs);
    }
    autoRegister = SerdeConfig.bool(configs, SerdeConfig.AUTO_REGISTER_SCHEMAS, true);
    useLatest = SerdeConfig.bool(configs, SerdeConfig.USE_LATEST_VERSION, false);
  }

  @Override
  public byte[] serialize(String topic, Object data) {
    if (data == null) {
      return null;
    }
    String subject = SerdeConfig.subject(topic, isKey);
    Schema schema = schemaOf(data);
    int id;
    try {
      if (useLatest) {
        Latest l = latest.get(subject);
        if (l == null) {
          RegistryClient.SubjectVersion v = client.latest(subject);
          l = new Latest(v.id(), new Schema.Parser().parse(v.schema()));
          latest.put(subject, l);
        }
        id = l.id();
        schema = l.schema();
      } else {
        Map<Schema, Integer> cache = ids.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        Integer cached = cache.get(schema);
        if (cached == null) {
          cached = autoRegister ? client.register(subject, schema.toString())
              : client.lookup(subject, schema.toString()).id();
          cache.put(schema, cached);
        }
        id = cached;
      }
    } catch (IOException e) {
      throw new SerializationException("Error registering or looking up the Avro schema of subject '"
          + subject + "': " + e.getMessage(), e);
    }
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(64);
      out.write(MAGIC);
      out.write(ByteBuffer.allocate(4).putInt(id).array());
      BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, encoders.get());
      encoders.set(enc);
      writerFor(schema, data).write(data, enc);
      enc.flush();
      return out.toByteArray();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("Error serializing an Avro record for subject '" + subject
          + "' with schema id " + id + ": " + e, e);
    }
  }

  private DatumWriter<Object> writerFor(Schema schema, Object data) {
    return writers.computeIfAbsent(schema, s -> data instanceof SpecificRecord
        ? new SpecificDatumWriter<>(s) : new GenericDatumWriter<>(s));
  }

  private static final Map<Class<?>, Schema> PRIMITIVES = Map.of(
      String.class, Schema.create(Schema.Type.STRING),
      Integer.class, Schema.create(Schema.Type.INT),
      Long.class, Schema.create(Schema.Type.LONG),
      Float.class, Schema.create(Schema.Type.FLOAT),
      Double.class, Schema.create(Schema.Type.DOUBLE),
      Boolean.class, Schema.create(Schema.Type.BOOLEAN),
      byte[].class, Schema.create(Schema.Type.BYTES));

  static Schema schemaOf(Object data) {
    if (data instanceof GenericContainer c) {
      return c.getSchema();
    }
    Schema s = PRIMITIVES.get(data.getClass());
    if (s == null) {
      throw new SerializationException("Cannot serialize a " + data.getClass().getName()
          + " with Avro: use a GenericRecord, a SpecificRecord or a primitive");
    }
    return s;
  }

  @Override
  public void close() {}
}
