package io.tributary.registry.store;

import io.tributary.config.InternalTopicReplication;
import io.tributary.registry.Errors;
import io.tributary.registry.RegistryConfig;
import io.tributary.registry.RegistryException;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thin Kafka I/O around {@link RegistryState}: an idempotent acks=all producer that returns the
 * offset of each record, and one reader thread that consumes partition 0 of the topic from the
 * beginning (assign + seek, no consumer group) and applies every record in order.
 */
public final class KafkaLogStore implements LogStore {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaLogStore.class);
  private static final long POLL_MS = 100;
  /** How often start-up looks again for enough live brokers to create the topic. */
  private static final long BROKER_WAIT_POLL_MS = 500;
  /** Timeout of one admin request while start-up looks for (or creates) the topic. */
  private static final long ADMIN_REQUEST_TIMEOUT_MS = 10_000;

  private final String bootstrap;
  private final String topic;
  private final int replicationFactor;
  private final long initTimeoutMs;
  private final Map<String, Object> overrides;
  private final RegistryState state = new RegistryState();
  private final TopicPartition tp;
  private KafkaProducer<byte[], byte[]> producer;
  private KafkaConsumer<byte[], byte[]> consumer;
  private Thread reader;
  private volatile boolean running;
  private volatile Throwable readerFailure;

  public KafkaLogStore(String bootstrap, String topic, int replicationFactor, long initTimeoutMs,
      Map<String, Object> overrides) {
    this.bootstrap = bootstrap;
    this.topic = topic;
    this.replicationFactor = replicationFactor;
    this.initTimeoutMs = initTimeoutMs;
    this.overrides = overrides;
    this.tp = new TopicPartition(topic, 0);
  }

  @Override
  public void start() {
    ensureTopic();
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "schema-registry-producer");
    p.putAll(overrides);
    producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());

    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, "schema-registry-reader");
    c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
    c.putAll(overrides);
    consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    consumer.assign(List.of(tp));
    consumer.seekToBeginning(List.of(tp));
    long end = consumer.endOffsets(List.of(tp), Duration.ofMillis(initTimeoutMs)).getOrDefault(tp, 0L);

    running = true;
    reader = new Thread(this::readLoop, "schema-registry-reader-" + topic);
    reader.setDaemon(true);
    reader.start();
    if (end > 0) {
      try {
        if (!state.awaitApplied(end - 1, initTimeoutMs)) {
          throw Errors.timeout("Timed out after " + initTimeoutMs + " ms reading topic " + topic
              + " up to offset " + end + " at start-up (read up to " + state.appliedOffset() + ")");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw Errors.timeout("Interrupted while reading " + topic + " at start-up");
      }
    }
    LOG.info("Read topic {} up to offset {}: {} subjects, max id {}", topic, end,
        state.subjects(true).size(), state.maxId());
  }

  /**
   * Creates the topic if it does not exist, at its configured replication factor: waits (up to the init
   * timeout) for that many brokers to be live rather than creating it with fewer copies
   * ({@link InternalTopicReplication}), then fails with a message that says to retry.
   */
  private void ensureTopic() {
    Map<String, Object> a = new HashMap<>();
    a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    // The admin client refuses an API timeout below its request timeout: a short init timeout shortens both.
    a.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(ADMIN_REQUEST_TIMEOUT_MS, initTimeoutMs));
    a.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, initTimeoutMs));
    // kafkastore.* client keys (security.protocol, sasl.*, ssl.*) apply to the admin client too
    overrides.forEach((k, v) -> {
      if (AdminClientConfig.configNames().contains(k)) {
        a.put(k, v);
      }
    });
    long startNs = System.nanoTime();
    try (Admin admin = Admin.create(a)) {
      boolean waitLogged = false;
      while (true) {
        Set<String> names = admin.listTopics().names().get(initTimeoutMs, TimeUnit.MILLISECONDS);
        if (names.contains(topic)) {
          return;
        }
        int brokers = admin.describeCluster().nodes().get(initTimeoutMs, TimeUnit.MILLISECONDS).size();
        if (InternalTopicReplication.enoughBrokers(RegistryConfig.TOPIC_RF, replicationFactor, brokers)) {
          break;
        }
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        if (waitedMs >= initTimeoutMs) {
          throw Errors.storeError("Cannot create topic " + topic + ": " + RegistryConfig.TOPIC_RF + " is " + replicationFactor
              + " but " + brokers + " broker(s) are live after waiting " + waitedMs + " ms (" + RegistryConfig.INIT_TIMEOUT_MS
              + "); start the registry again once enough brokers are up, or lower " + RegistryConfig.TOPIC_RF, null);
        }
        if (!waitLogged) {
          LOG.warn("Waiting for {} live brokers to create topic {} ({}); {} live", replicationFactor, topic,
              RegistryConfig.TOPIC_RF, brokers);
          waitLogged = true;
        }
        Thread.sleep(Math.min(BROKER_WAIT_POLL_MS, initTimeoutMs - waitedMs));
      }
      NewTopic t = new NewTopic(topic, 1, (short) replicationFactor).configs(InternalTopicReplication.configs(replicationFactor));
      try {
        admin.createTopics(List.of(t)).all().get(initTimeoutMs, TimeUnit.MILLISECONDS);
        LOG.info("Created topic {} (1 partition, replication factor {}, compacted)", topic, replicationFactor);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      throw Errors.storeError("Cannot create or find topic " + topic + " on " + bootstrap + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Errors.storeError("Interrupted while checking topic " + topic, e);
    }
  }

  private void readLoop() {
    try {
      while (running) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(POLL_MS));
        for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
          applyRecord(state, tp, r.offset(), r.key(), r.value());
        }
        long position = consumer.position(tp);
        state.advanceTo(position - 1);
      }
    } catch (WakeupException e) {
      // closing
    } catch (Throwable t) {
      readerFailure = t;
      LOG.error("Reader of topic {} stopped: the registry serves stale data until restarted", topic, t);
    }
  }

  /**
   * Applies one record of the topic as read. A record that cannot be decoded or applied (not our JSON, for
   * example one written by a plain producer) is skipped with an error naming its partition and offset:
   * stopping the reader would leave the registry stale until someone removed the record.
   */
  static void applyRecord(RegistryState state, TopicPartition tp, long offset, byte[] key, byte[] value) {
    StoreRecord rec;
    try {
      rec = StoreRecord.decode(key, value);
    } catch (IOException | RuntimeException e) {
      LOG.error("Skipping a record that cannot be decoded at {} offset {}: {}", tp, offset, e.toString());
      rec = null;
    }
    if (rec == null) {
      state.advanceTo(offset);
      return;
    }
    try {
      state.apply(offset, rec);
    } catch (RuntimeException e) {
      LOG.error("Skipping a record that cannot be applied at {} offset {}: {}", tp, offset, e.toString());
      state.advanceTo(offset);
    }
  }

  @Override
  public long append(StoreRecord record) {
    if (readerFailure != null) {
      throw Errors.storeError("The reader of topic " + topic + " has failed: " + readerFailure, readerFailure);
    }
    try {
      RecordMetadata md = producer.send(new ProducerRecord<>(topic, 0, record.keyBytes(), record.valueBytes())).get();
      return md.offset();
    } catch (ExecutionException e) {
      throw Errors.storeError("Error writing to topic " + topic + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Errors.storeError("Interrupted while writing to topic " + topic, e);
    }
  }

  @Override
  public void waitApplied(long offset, long timeoutMs) {
    try {
      if (!state.awaitApplied(offset, timeoutMs)) {
        throw Errors.timeout("Write at offset " + offset + " of " + topic + " was not read back within "
            + timeoutMs + " ms (read up to " + state.appliedOffset() + ")");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException(500, Errors.OPERATION_TIMEOUT, "Interrupted while waiting for offset " + offset);
    }
  }

  @Override
  public RegistryState state() {
    return state;
  }

  @Override
  public void close() {
    running = false;
    if (consumer != null) {
      consumer.wakeup();
    }
    if (reader != null) {
      try {
        reader.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (consumer != null) {
      consumer.close(Duration.ofSeconds(2));
    }
    if (producer != null) {
      producer.close(Duration.ofSeconds(2));
    }
  }
}
