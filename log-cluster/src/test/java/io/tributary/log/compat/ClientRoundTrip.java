package io.tributary.log.compat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A producer/consumer round trip written against the public client API only, so that the same class
 * runs with any kafka-clients version on its classpath (the compatibility test runs it in a child JVM
 * with a 4.x jar). Prints {@code RESULT version=<v> produced=<n> consumed=<n> ordered=<bool>}.
 */
public final class ClientRoundTrip {
  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String topic = args[1];
    int records = Integer.parseInt(args[2]);
    int partitions = Integer.parseInt(args[3]);

    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("key.serializer", ByteArraySerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    p.put("acks", "all");
    p.put("enable.idempotence", "true");
    long[] sent = new long[partitions];
    AtomicReference<Exception> failure = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      for (int i = 0; i < records; i++) {
        int part = i % partitions;
        ByteBuffer v = ByteBuffer.allocate(100).putInt(part).putLong(sent[part]++);
        producer.send(new ProducerRecord<>(topic, part, null, v.array()), (md, e) -> {
          if (e != null) {
            failure.compareAndSet(null, e);
          }
        });
      }
      producer.flush();
    }
    if (failure.get() != null) {
      failure.get().printStackTrace();
      System.exit(3);
    }

    Properties c = new Properties();
    c.put("bootstrap.servers", bootstrap);
    c.put("key.deserializer", ByteArrayDeserializer.class.getName());
    c.put("value.deserializer", ByteArrayDeserializer.class.getName());
    c.put("enable.auto.commit", "false");
    long consumed = 0;
    boolean ordered = true;
    long[] next = new long[partitions];
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int i = 0; i < partitions; i++) {
        tps.add(new TopicPartition(topic, i));
      }
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      long deadline = System.currentTimeMillis() + 240_000;
      while (consumed < records && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          ByteBuffer v = ByteBuffer.wrap(r.value());
          int part = v.getInt();
          long seq = v.getLong();
          if (part != r.partition() || seq != next[part] || r.offset() != seq) {
            ordered = false;
          }
          next[part] = seq + 1;
          consumed++;
        }
      }
    }
    System.out.println("RESULT version=" + clientVersion() + " produced=" + records + " consumed=" + consumed + " ordered=" + ordered);
    System.exit(consumed == records && ordered ? 0 : 4);
  }

  /** The kafka-clients version on the classpath, from the properties file every release ships. */
  static String clientVersion() throws java.io.IOException {
    Properties props = new Properties();
    try (var in = KafkaProducer.class.getClassLoader().getResourceAsStream("kafka/kafka-version.properties")) {
      if (in != null) {
        props.load(in);
      }
    }
    return props.getProperty("version", "unknown");
  }
}
