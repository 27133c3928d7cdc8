package io.tributary.registry.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.registry.RegistryConfig;
import io.tributary.registry.RegistryServer;
import io.tributary.registry.serde.KafkaAvroDeserializer;
import io.tributary.registry.serde.KafkaAvroSerializer;
import io.tributary.registry.serde.SerdeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * 100,000 records through the log cluster with the serdes: a v1 producer, then a consumer reading with
 * v2 (a new field with a default). The registry is backed by the same cluster.
 */
class SerdeRoundTripTest {
  static final int RECORDS = 100_000;
  static final Schema V1 = new Schema.Parser().parse(
      "{\"type\":\"record\",\"name\":\"Event\",\"namespace\":\"rt\",\"fields\":["
          + "{\"name\":\"seq\",\"type\":\"long\"},{\"name\":\"name\",\"type\":\"string\"}]}");
  static final Schema V2 = new Schema.Parser().parse(
      "{\"type\":\"record\",\"name\":\"Event\",\"namespace\":\"rt\",\"fields\":["
          + "{\"name\":\"seq\",\"type\":\"long\"},{\"name\":\"name\",\"type\":\"string\"},"
          + "{\"name\":\"region\",\"type\":\"string\",\"default\":\"eu\"}]}");

  @Test
  void v1WriterV2Reader() throws Exception {
    Path dir = Files.createTempDirectory("registry-roundtrip");
    try (EmbeddedCluster cluster = EmbeddedCluster.start(3, dir);
        RegistryServer registry = new RegistryServer(new RegistryConfig(Map.of(
            RegistryConfig.LISTENERS, "http://127.0.0.1:0",
            RegistryConfig.BOOTSTRAP, cluster.bootstrapServers(),
            RegistryConfig.TOPIC_RF, ClusterTesting.replicationFactor()))).start()) {
      String topic = "events";
      cluster.createTopic(topic, 3, Integer.parseInt(ClusterTesting.replicationFactor()), Map.of());

      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
      p.put(SerdeConfig.SCHEMA_REGISTRY_URL, registry.url());
      long requestsBefore;
      try (KafkaProducer<String, Object> producer =
          new KafkaProducer<>(p, new StringSerializer(), withConfig(new KafkaAvroSerializer(), p))) {
        producer.send(new ProducerRecord<>(topic, "k0", event(0))).get();
        requestsBefore = registry.requestCount();
        for (int i = 1; i < RECORDS; i++) {
          producer.send(new ProducerRecord<>(topic, "k" + i, event(i)));
        }
        producer.flush();
      }
      assertEquals(requestsBefore, registry.requestCount(), "the cached serializer made HTTP calls");

      Properties c = new Properties();
      c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
      c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
      c.put(SerdeConfig.SCHEMA_REGISTRY_URL, registry.url());
      c.put(SerdeConfig.AVRO_READER_SCHEMA, V2.toString());
      boolean[] seen = new boolean[RECORDS];
      int count = 0;
      try (KafkaConsumer<String, Object> consumer =
          new KafkaConsumer<>(c, new StringDeserializer(), withConfig(new KafkaAvroDeserializer(), c))) {
        List<TopicPartition> tps = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1),
            new TopicPartition(topic, 2));
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        long deadline = System.currentTimeMillis() + 120_000;
        while (count < RECORDS) {
          assertTrue(System.currentTimeMillis() < deadline, "only " + count + " records read");
          for (ConsumerRecord<String, Object> r : consumer.poll(Duration.ofMillis(500))) {
            GenericRecord g = (GenericRecord) r.value();
            assertEquals(V2, g.getSchema());
            int seq = (int) (long) (Long) g.get("seq");
            assertEquals("k" + seq, r.key());
            assertEquals("name-" + seq, g.get("name").toString());
            assertEquals("eu", g.get("region").toString());
            assertTrue(!seen[seq], "duplicate " + seq);
            seen[seq] = true;
            count++;
          }
        }
      }
      assertEquals(RECORDS, count);
    }
  }

  static GenericRecord event(long seq) {
    GenericRecord r = new GenericData.Record(V1);
    r.put("seq", seq);
    r.put("name", "name-" + seq);
    return r;
  }

  @SuppressWarnings("unchecked")
  static <T extends org.apache.kafka.common.serialization.Serializer<Object>> T withConfig(T s, Properties p) {
    s.configure((Map<String, ?>) (Map<?, ?>) p, false);
    return s;
  }

  @SuppressWarnings("unchecked")
  static KafkaAvroDeserializer withConfig(KafkaAvroDeserializer d, Properties p) {
    d.configure((Map<String, ?>) (Map<?, ?>) p, false);
    return d;
  }
}
