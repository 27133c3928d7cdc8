package io.tributary.connect.cdc;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.tributary.connect.Pipeline;
import io.tributary.connect.Sink;
import io.tributary.connect.Source;
import io.tributary.connect.runtime.PipelineMetrics;
import io.tributary.connect.runtime.PipelineRunner;
import io.tributary.connect.runtime.PipelineTask;
import io.tributary.connect.runtime.SourceProducers;
import io.tributary.registry.serde.KafkaAvroDeserializer;
import io.tributary.registry.serde.KafkaAvroSerializer;
import io.tributary.registry.serde.SerdeConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code postgres} source into {@code topic} sinks: Debezium's embedded engine reads a snapshot of the tables
 * and then their changes from a logical replication slot ({@code pgoutput}); each change goes, Avro through the
 * registry, to topic {@code <topic.prefix>.<schema>.<table>} keyed by the primary key ({@link ChangeEvents}).
 *
 * <p>No loss across restarts, kill -9 included: a batch's records are acknowledged by the log cluster (idempotent
 * producer, acks=all) before the engine is told they are processed, and the engine keeps its position (the
 * LSN, and how far the snapshot got) in the offsets topic of the log cluster, flushed every
 * {@value #OFFSET_FLUSH_INTERVAL_MS} ms. A restart resumes from the last flushed position and may repeat the
 * changes after it; the Hudi sink orders a key's changes by {@code __lsn}, so a repeat changes nothing. A kill
 * during the snapshot makes the engine redo it; rows the interrupted snapshot sent and that were deleted before
 * the redo are retracted when the redo completes ({@link SnapshotRedo}).
 */
public final class PostgresSourceTask implements PipelineTask {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresSourceTask.class);
  /** How often the engine writes its position to the offsets topic: what a restart may repeat, at most. */
  static final long OFFSET_FLUSH_INTERVAL_MS = 1000;
  static final long TOPIC_CREATION_TIMEOUT_SECONDS = 60;

  private final Pipeline pipeline;
  private final Source.Postgres source;
  private final Sink.Topic sink;
  private final Map<String, Object> overrides;
  private final AtomicLong recordsIn = new AtomicLong();
  private final AtomicLong acknowledged = new AtomicLong();
  private volatile long lastAckMillis;
  private volatile DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
  private volatile boolean stopping;

  private PostgresSourceTask(Pipeline pipeline, Map<String, Object> overrides) {
    this.pipeline = pipeline;
    this.source = (Source.Postgres) pipeline.source();
    this.sink = (Sink.Topic) pipeline.sink();
    this.overrides = Map.copyOf(pipeline.security().kafkaWith(overrides));
  }

  /** The task of a postgres -> topic pipeline. */
  public static PostgresSourceTask create(Pipeline pipeline, Map<String, Object> clientOverrides) {
    if (!(pipeline.source() instanceof Source.Postgres) || !(pipeline.sink() instanceof Sink.Topic sink)
        || sink.topicPrefix().isEmpty()) {
      throw new PipelineRunner.NotRunnableException(pipeline.file() + ": not a postgres -> topic pipeline with "
          + "sink.topic.prefix");
    }
    return new PostgresSourceTask(pipeline, clientOverrides);
  }

  @Override
  public String name() {
    return pipeline.name();
  }

  /** The engine's settings: connector, offsets in the log cluster, pgoutput, and scalar column types. */
  Properties engineProperties() {
    Properties p = new Properties();
    p.setProperty("name", pipeline.name());
    p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
    p.setProperty("offset.storage", "org.apache.kafka.connect.storage.KafkaOffsetBackingStore");
    p.setProperty("offset.storage.topic", source.offsetsTopic());
    p.setProperty("offset.storage.partitions", "1");
    p.setProperty("offset.storage.replication.factor", String.valueOf(overrides.getOrDefault(
        "offset.storage.replication.factor", "-1"))); // -1: the cluster's default.replication.factor
    p.setProperty("offset.flush.interval.ms", String.valueOf(OFFSET_FLUSH_INTERVAL_MS));
    p.setProperty("bootstrap.servers", sink.bootstrapServers());
    // the offsets store's Kafka clients take the worker-level security keys, as in Kafka Connect
    pipeline.security().kafka().forEach(p::setProperty);
    p.setProperty("topic.prefix", sink.topicPrefix().orElseThrow());
    p.setProperty("database.hostname", source.hostname());
    p.setProperty("database.port", String.valueOf(source.port()));
    p.setProperty("database.user", source.user());
    if (source.password() != null) {
      p.setProperty("database.password", source.password());
    }
    p.setProperty("database.dbname", source.database());
    // Debezium's include lists are regular expressions: the dot of schema.table is meant literally
    p.setProperty("table.include.list", String.join(",", source.tables().stream()
        .map(t -> t.replace(".", "\\.")).toList()));
    p.setProperty("plugin.name", "pgoutput");
    p.setProperty("slot.name", source.slotName());
    p.setProperty("publication.name", source.publicationName());
    p.setProperty("publication.autocreate.mode", "filtered");
    p.setProperty("snapshot.mode", source.snapshotMode());
    p.setProperty("tombstones.on.delete", "true");
    p.setProperty("decimal.handling.mode", "string");
    p.setProperty("field.name.adjustment.mode", "avro");
    p.setProperty("schema.name.adjustment.mode", "avro");
    return p;
  }

  @Override
  public void run() throws Exception {
    Properties producerProps = SourceProducers.properties(sink.bootstrapServers(), pipeline.name(), Map.of(),
        overrides);
    String registryUrl = pipeline.schema().registryUrl().toString();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    try {
      capture(producerProps, registryUrl, failure);
    } catch (InterruptException e) {
      if (!stopping) {
        throw e;
      }
      // the engine interrupts the thread that runs it when it stops; a stop is no failure
      Thread.interrupted();
    }
    Throwable t = failure.get();
    if (t != null) {
      throw new IllegalStateException("pipeline " + pipeline.name() + " failed: " + t.getMessage(), t);
    }
  }

  /** Runs the engine until it stops, handing each batch of changes to the producer. */
  private void capture(Properties producerProps, String registryUrl, AtomicReference<Throwable> failure)
      throws Exception {
    try (KafkaProducer<byte[], byte[]> producer =
             new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer());
         KafkaAvroSerializer keys = new KafkaAvroSerializer();
         KafkaAvroSerializer values = new KafkaAvroSerializer()) {
      keys.configure(pipeline.security().serdeConfigs(registryUrl), true);
      values.configure(pipeline.security().serdeConfigs(registryUrl), false);
      ChangeEvents events = new ChangeEvents();
      Set<String> topics = new HashSet<>();
      // a snapshot under way (possibly the redo of an interrupted one): what it must retract when it completes
      AtomicReference<SnapshotRedo> snapshot = new AtomicReference<>();
      DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> consumer = (batch, committer) -> {
        List<Future<RecordMetadata>> sent = new ArrayList<>(batch.size());
        Consumer<ChangeEvents.Change> send = c -> {
          if (topics.add(c.topic())) {
            ensureTopic(c.topic());
          }
          byte[] key = c.key() == null ? null : keys.serialize(c.topic(), c.key());
          byte[] value = c.value() == null ? null : values.serialize(c.topic(), c.value());
          sent.add(producer.send(new ProducerRecord<>(c.topic(), key, value)));
        };
        for (RecordChangeEvent<SourceRecord> r : batch) {
          recordsIn.incrementAndGet();
          SnapshotPhase phase = SnapshotPhase.of(r.record());
          if (phase == SnapshotPhase.STREAMING && snapshot.get() != null) {
            retract(snapshot.getAndSet(null), send); // a snapshot without its last read: it is over all the same
          }
          if ((phase == SnapshotPhase.READ || phase == SnapshotPhase.LAST_READ) && snapshot.get() == null) {
            snapshot.set(startSnapshot(registryUrl));
          }
          Optional<ChangeEvents.Change> change = events.convert(r.record());
          if (change.isPresent()) {
            ChangeEvents.Change c = change.get();
            if (phase == SnapshotPhase.READ || phase == SnapshotPhase.LAST_READ) {
              snapshot.get().read(c.topic(), c.key(), SnapshotPhase.lsn(r.record()),
                  SnapshotPhase.sourceTsMs(r.record()));
            }
            send.accept(c);
          }
          if (phase == SnapshotPhase.LAST_READ) {
            // sent and acknowledged below before the last read is marked processed, hence before the engine's
            // offsets can say that the snapshot completed: a kill before that redoes the snapshot and its retractions
            retract(snapshot.getAndSet(null), send);
          }
        }
        producer.flush();
        for (Future<RecordMetadata> f : sent) {
          try {
            f.get();
          } catch (ExecutionException e) {
            // not marked processed: the engine stops, and a restart resends from the last flushed position
            throw new IllegalStateException("pipeline " + pipeline.name() + ": the log cluster did not take a change: "
                + e.getCause(), e.getCause());
          }
        }
        for (RecordChangeEvent<SourceRecord> r : batch) {
          committer.markProcessed(r);
        }
        committer.markBatchFinished();
        acknowledged.addAndGet(sent.size());
        lastAckMillis = System.currentTimeMillis();
      };
      engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
          .using(engineProperties())
          .notifying(consumer)
          .using((success, message, error) -> {
            if (!success && !stopping) {
              failure.set(error != null ? error : new IllegalStateException(message));
            }
          })
          .build();
      LOG.info("pipeline {}: {} -> topics {}.<schema>.<table> at {} (offsets in topic {})", pipeline.name(), source,
          sink.topicPrefix().get(), sink.bootstrapServers(), source.offsetsTopic());
      if (!stopping) {
        engine.run(); // returns when stopped or failed
      }
      engine.close();
      if (stopping) {
        // the engine interrupts this thread to stop; the producer's close below must not see it
        Thread.interrupted();
      }
    }
  }

  /**
   * A snapshot starts: remembers the rows live in the table topics before it sends anything, so that those it
   * does not read again (deleted since an interrupted snapshot sent them) are retracted when it completes.
   */
  private SnapshotRedo startSnapshot(String registryUrl) {
    Properties consumerProps = new Properties();
    consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, sink.bootstrapServers());
    overrides.forEach((k, v) -> {
      if (ConsumerConfig.configNames().contains(k)) {
        consumerProps.put(k, v);
      }
    });
    List<String> tableTopics = source.tables().stream().map(t -> sink.topicPrefix().orElseThrow() + "." + t).toList();
    try (KafkaAvroDeserializer keys = new KafkaAvroDeserializer();
         KafkaAvroDeserializer values = new KafkaAvroDeserializer()) {
      keys.configure(pipeline.security().serdeConfigs(registryUrl), true);
      values.configure(pipeline.security().serdeConfigs(registryUrl), false);
      SnapshotRedo redo = new SnapshotRedo(LiveRows.read(consumerProps, tableTopics, keys, values));
      LOG.info("pipeline {}: a snapshot starts; {} rows already in topics {} are deleted when it completes "
          + "without reading them", pipeline.name(), redo.pending(), tableTopics);
      return redo;
    }
  }

  private void retract(SnapshotRedo redo, Consumer<ChangeEvents.Change> send) {
    List<ChangeEvents.Change> retractions = redo.retractions();
    if (!retractions.isEmpty()) {
      LOG.info("pipeline {}: the snapshot completed; {} rows it did not read are deleted", pipeline.name(),
          retractions.size() / 2);
    }
    retractions.forEach(send);
  }

  /**
   * Creates a table's topic on its first change: one partition (a table's changes stay in WAL order for every
   * reader) with the cluster's default replication factor. An existing topic is left as it is.
   */
  private void ensureTopic(String topic) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, sink.bootstrapServers());
    props.putAll(pipeline.security().kafka());
    try (Admin admin = Admin.create(props)) {
      admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty()))).all()
          .get(TOPIC_CREATION_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      LOG.info("pipeline {}: created topic {}", pipeline.name(), topic);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("pipeline " + pipeline.name() + ": cannot create topic " + topic + ": "
            + e.getCause(), e.getCause());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + topic, e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("pipeline " + pipeline.name() + ": creating topic " + topic + " took more than "
          + TOPIC_CREATION_TIMEOUT_SECONDS + " s", e);
    }
  }

  @Override
  public void stop() {
    stopping = true;
    DebeziumEngine<RecordChangeEvent<SourceRecord>> e = engine;
    if (e != null) {
      try {
        e.close();
      } catch (Exception ex) {
        LOG.warn("pipeline {}: stopping the engine: {}", pipeline.name(), ex.toString());
      }
    }
  }

  @Override
  public PipelineMetrics metrics() {
    long last = lastAckMillis;
    return new PipelineMetrics(recordsIn.get(), acknowledged.get(), 0, 0, OptionalLong.empty(),
        last == 0 ? OptionalLong.empty() : OptionalLong.of(last));
  }
}
