package io.tributary.connect.hudi;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The dead-letter topic: each bad record is produced there as it was read (same key and value bytes), with
 * Kafka Connect's {@code __connect.errors.*} headers saying where it came from and why it was rejected, plus
 * {@code __tributary.errors.reason} holding the {@link Rejection.Reason} code. Idempotent, acks=all;
 * {@link #flush()} is called before every Hudi commit so that no offset is committed past a bad record whose
 * dead letter is not acknowledged. After a crash the records since the last Hudi commit are read again, so a
 * dead letter can appear twice (its headers identify it); none is lost.
 */
final class DeadLetters implements AutoCloseable {
  static final String HEADER_TOPIC = "__connect.errors.topic";
  static final String HEADER_PARTITION = "__connect.errors.partition";
  static final String HEADER_OFFSET = "__connect.errors.offset";
  static final String HEADER_CONNECTOR = "__connect.errors.connector.name";
  static final String HEADER_TASK = "__connect.errors.task.id";
  static final String HEADER_STAGE = "__connect.errors.stage";
  static final String HEADER_CLASS = "__connect.errors.class.name";
  static final String HEADER_EXCEPTION_CLASS = "__connect.errors.exception.class.name";
  static final String HEADER_EXCEPTION_MESSAGE = "__connect.errors.exception.message";
  static final String HEADER_EXCEPTION_STACKTRACE = "__connect.errors.exception.stacktrace";
  static final String HEADER_REASON = "__tributary.errors.reason";

  private final String topic;
  private final String pipeline;
  private final Producer<byte[], byte[]> producer;
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicReference<Exception> failure = new AtomicReference<>();

  DeadLetters(String topic, String bootstrapServers, String pipeline, Map<String, Object> overrides) {
    this.topic = topic;
    this.pipeline = pipeline;
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "connect-" + pipeline + "-dlq");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    overrides.forEach((k, v) -> {
      if (ProducerConfig.configNames().contains(k)) {
        props.put(k, v);
      }
    });
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  String topic() {
    return topic;
  }

  /** Sends {@code record} with the headers of {@code why}; failures surface at {@link #flush()}. */
  void send(ConsumerRecord<byte[], byte[]> record, Rejection why) {
    ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(topic, null, record.key(), record.value());
    Headers h = out.headers();
    record.headers().forEach(h::add);
    put(h, HEADER_TOPIC, record.topic());
    put(h, HEADER_PARTITION, Integer.toString(record.partition()));
    put(h, HEADER_OFFSET, Long.toString(record.offset()));
    put(h, HEADER_CONNECTOR, pipeline);
    put(h, HEADER_TASK, "0");
    put(h, HEADER_STAGE, why.reason().stage());
    put(h, HEADER_CLASS, ValueConverter.class.getName());
    Throwable cause = why.cause();
    put(h, HEADER_EXCEPTION_CLASS, cause == null ? InvalidRecordException.class.getName() : cause.getClass().getName());
    put(h, HEADER_EXCEPTION_MESSAGE, why.toString());
    if (cause != null) {
      StringWriter trace = new StringWriter();
      cause.printStackTrace(new PrintWriter(trace));
      put(h, HEADER_EXCEPTION_STACKTRACE, trace.toString());
    }
    put(h, HEADER_REASON, why.reason().code());
    producer.send(out, (md, e) -> {
      if (e == null) {
        acknowledged.incrementAndGet();
      } else {
        failure.compareAndSet(null, e);
      }
    });
  }

  private static void put(Headers h, String key, String value) {
    h.remove(key);
    h.add(key, value.getBytes(StandardCharsets.UTF_8));
  }

  /** Waits until every dead letter sent is acknowledged; throws if one failed (nothing may be committed then). */
  void flush() {
    producer.flush();
    Exception e = failure.get();
    if (e != null) {
      throw new IllegalStateException("pipeline " + pipeline + ": a record could not be written to the dead-letter "
          + "topic '" + topic + "': " + e.getMessage(), e);
    }
  }

  long acknowledged() {
    return acknowledged.get();
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }

  /** The exception class named in dead letters whose rejection had no underlying exception. */
  static final class InvalidRecordException extends RuntimeException {
    private InvalidRecordException() {}
  }
}
