package io.tributary.registry.store;

import io.tributary.registry.Errors;
import io.tributary.registry.RegistryException;
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

  private void ensureTopic() {
    Map<String, Object> a = new HashMap<>();
    a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    a.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    a.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, initTimeoutMs));
    try (Admin admin = Admin.create(a)) {
      Set<String> names = admin.listTopics().names().get(initTimeoutMs, TimeUnit.MILLISECONDS);
      if (names.contains(topic)) {
        return;
      }
      int brokers = admin.describeCluster().nodes().get(initTimeoutMs, TimeUnit.MILLISECONDS).size();
      int rf = Math.max(1, Math.min(replicationFactor, brokers));
      if (rf < replicationFactor) {
        LOG.warn("Creating topic {} with replication factor {} (asked {}): only {} brokers are live",
            topic, rf, replicationFactor, brokers);
      }
      NewTopic t = new NewTopic(topic, 1, (short) rf).configs(Map.of("cleanup.policy", "compact"));
      try {
        admin.createTopics(List.of(t)).all().get(initTimeoutMs, TimeUnit.MILLISECONDS);
        LOG.info("Created topic {} (1 partition, replication factor {}, compacted)", topic, rf);
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
          StoreRecord rec;
          try {
            rec = StoreRecord.decode(r.key(), r.value());
          } catch (Exception e) {
            LOG.warn("Skipping undecodable record at {} offset {}: {}", tp, r.offset(), e.toString());
            rec = null;
          }
          if (rec == null) {
            state.advanceTo(r.offset());
          } else {
            state.apply(r.offset(), rec);
          }
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
