package io.tributary.spark.testing;

import io.tributary.registry.serde.KafkaAvroSerializer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The connectors' generator events ({@code key, seq, updatedAt, region, status, amount}) in Avro through
 * the registry serializer, and raw bytes for malformed records.
 */
public final class Events {
  public static final Schema SCHEMA = new Schema.Parser().parse("""
      {"type":"record","name":"GeneratedRecord","fields":[
        {"name":"key","type":"string"},
        {"name":"seq","type":"long"},
        {"name":"updatedAt","type":"long"},
        {"name":"region","type":"string"},
        {"name":"status","type":"string"},
        {"name":"amount","type":"double"}]}""");

  public static final String[] REGIONS = {"eu", "us", "apac", "latam"};

  private Events() {}

  public static GenericRecord event(Schema schema, String key, long seq, long updatedAt, String region, double amount) {
    GenericRecord r = new GenericData.Record(schema);
    r.put("key", key);
    r.put("seq", seq);
    r.put("updatedAt", updatedAt);
    r.put("region", region);
    r.put("status", "NEW");
    r.put("amount", amount);
    return r;
  }

  public static GenericRecord event(String key, long seq, long updatedAt, String region, double amount) {
    return event(SCHEMA, key, seq, updatedAt, region, amount);
  }

  /** A producer of Avro values (registry serializer) with idempotence and acks=all. */
  public static KafkaProducer<byte[], Object> avroProducer(TestCluster c) {
    Properties p = c.cluster.producerProps();
    KafkaAvroSerializer values = new KafkaAvroSerializer();
    values.configure(Map.of("schema.registry.url", c.registryUrl()), false);
    return new KafkaProducer<>(p, new ByteArraySerializer(), values);
  }

  /** A producer of raw bytes (for malformed values). */
  public static KafkaProducer<byte[], byte[]> rawProducer(TestCluster c) {
    return new KafkaProducer<>(c.cluster.producerProps(), new ByteArraySerializer(), new ByteArraySerializer());
  }

  public static ProducerRecord<byte[], Object> record(String topic, Integer partition, GenericRecord value) {
    Object key = value.get("key");
    return new ProducerRecord<>(topic, partition, key == null ? null : key.toString().getBytes(StandardCharsets.UTF_8), value);
  }
}
