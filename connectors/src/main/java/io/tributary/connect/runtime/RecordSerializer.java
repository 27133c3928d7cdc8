package io.tributary.connect.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.registry.serde.KafkaAvroSerializer;
import io.tributary.registry.serde.SerdeConfig;
import java.io.Closeable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Turns a record (a map of field to value) into a topic value: Avro in Confluent's wire format through the
 * registry serde (schema derived from the record's fields and Java types, registered under the topic's
 * {@code <topic>-value} subject), or JSON bytes when no registry is used.
 */
public interface RecordSerializer extends Closeable {

  byte[] serialize(String topic, Map<String, Object> record);

  @Override
  default void close() {}

  /** JSON object, fields in order. */
  static RecordSerializer json() {
    ObjectMapper mapper = new ObjectMapper();
    return (topic, record) -> {
      try {
        return mapper.writeValueAsBytes(record);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot write a record as JSON: " + e.getMessage(), e);
      }
    };
  }

  /** Avro through {@link KafkaAvroSerializer} against the registry at {@code registryUrl}. */
  static RecordSerializer avro(String registryUrl) {
    return new Avro(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl), "GeneratedRecord");
  }

  /** Avro through {@link KafkaAvroSerializer} with serde settings (schema.registry.url, basic.auth.*, ...). */
  static RecordSerializer avro(Map<String, Object> serdeConfigs) {
    return new Avro(serdeConfigs, "GeneratedRecord");
  }

  /** Avro via the registry serde; one schema per distinct list of (field, type), cached. */
  final class Avro implements RecordSerializer {
    private final KafkaAvroSerializer serde = new KafkaAvroSerializer();
    private final Map<List<Object>, Schema> schemas = new HashMap<>();
    private final String recordName;

    Avro(String registryUrl) {
      this(registryUrl, "GeneratedRecord");
    }

    Avro(String registryUrl, String recordName) {
      this(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl), recordName);
    }

    Avro(Map<String, Object> serdeConfigs, String recordName) {
      this.recordName = recordName;
      serde.configure(serdeConfigs, false);
    }

    @Override
    public byte[] serialize(String topic, Map<String, Object> record) {
      List<Object> signature = new ArrayList<>(record.size() * 2);
      record.forEach((k, v) -> {
        signature.add(k);
        signature.add(v == null ? null : v.getClass());
      });
      Schema schema = schemas.computeIfAbsent(signature, s -> schemaFor(recordName, record));
      GenericRecord r = new GenericData.Record(schema);
      record.forEach((k, v) -> r.put(k, v instanceof Integer i ? Long.valueOf(i)
          : v instanceof Float f ? Double.valueOf(f) : v));
      return serde.serialize(topic, r);
    }

    @Override
    public void close() {
      serde.close();
    }
  }

  /**
   * The Avro record schema of a record: strings, longs (and ints), doubles (and floats), booleans; a null
   * value gives a nullable string. Field names must be Avro names (a rename to e.g. {@code order-id} fails
   * here with a clear message).
   */
  static Schema schemaFor(String name, Map<String, Object> record) {
    SchemaBuilder.FieldAssembler<Schema> fields =
        SchemaBuilder.record(name).namespace("io.tributary.connect.generated").fields();
    for (Map.Entry<String, Object> e : record.entrySet()) {
      String f = e.getKey();
      if (!f.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new IllegalArgumentException("field '" + f + "' is not a valid Avro field name "
            + "(a letter or '_', then letters, digits, '_'): rename it to write Avro values");
      }
      Object v = e.getValue();
      if (v == null) {
        fields = fields.name(f).type().nullable().stringType().noDefault();
      } else if (v instanceof String) {
        fields = fields.name(f).type().stringType().noDefault();
      } else if (v instanceof Long || v instanceof Integer) {
        fields = fields.name(f).type().longType().noDefault();
      } else if (v instanceof Double || v instanceof Float) {
        fields = fields.name(f).type().doubleType().noDefault();
      } else if (v instanceof Boolean) {
        fields = fields.name(f).type().booleanType().noDefault();
      } else {
        throw new IllegalArgumentException("field '" + f + "' has a value of type "
            + v.getClass().getSimpleName() + ", which has no Avro mapping here");
      }
    }
    return fields.endRecord();
  }
}
