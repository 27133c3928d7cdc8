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
 * <p><b>Exactly once</b>, as Kafka Connect's exactly-once sources (KIP-618): each batch the engine hands over is
 * produced in one transaction (transactional id {@code connect-<pipeline>}) together with the engine's position
 * after it, written to the engine's offsets topic as the engine itself writes it ({@link EngineOffsets}). The
 * engine reads that topic with {@code read_committed}, so after kill -9 it resumes exactly after the last
 * committed batch: a change is in the topics (for {@code read_committed} readers) once, never twice, never not.
 * A new task's {@code initTransactions} fences a previous owner of the pipeline and aborts what it left open.
 * A kill during the snapshot makes the engine redo it (a snapshot cannot resume in the middle of a table): the
 * rows are read again, and rows the interrupted snapshot sent that were deleted before the redo are retracted
 * when the redo completes ({@link SnapshotRedo}). The engine also flushes its position on its own every
 * {@value #OFFSET_FLUSH_INTERVAL_MS} ms (after the transaction that holds it), which confirms the position to
 * the replication slot so that PostgreSQL can recycle its WAL.
 */
public final class PostgresSourceTask implements PipelineTask {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresSourceTask.class);
  /** How often the engine confirms its position to the replication slot (and writes it again, outside a transaction). */
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
    // the offsets store's consumer (it is given every engine setting): positions of aborted batches do not count
    p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
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
    p.setProperty("tombstones.on.delete", "false"); // made with the delete, in its transaction (ChangeEvents)
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
      EngineOffsets positions = new EngineOffsets(source.offsetsTopic(), pipeline.name());
      // fences a previous owner of this pipeline and aborts the transaction it left open, before the engine reads
      // its position (a read_committed read would otherwise wait for that transaction)
      producer.initTransactions();
      DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> consumer = (batch, committer) -> {
        List<Future<RecordMetadata>> sent = new ArrayList<>(batch.size() + 1);
        Consumer<ChangeEvents.Change> send = c -> {
          if (topics.add(c.topic())) {
            ensureTopic(c.topic());
          }
          byte[] key = c.key() == null ? null : keys.serialize(c.topic(), c.key());
          byte[] value = c.value() == null ? null : values.serialize(c.topic(), c.value());
          sent.add(producer.send(new ProducerRecord<>(c.topic(), key, value)));
        };
        producer.beginTransaction();
        try {
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
              ChangeEvents.tombstoneOf(c).ifPresent(send);
            }
            if (phase == SnapshotPhase.LAST_READ) {
              // in the transaction that holds the last read's position, hence that says the snapshot completed:
              // a kill before its commit redoes the snapshot and its retractions
              retract(snapshot.getAndSet(null), send);
            }
          }
          int changes = sent.size();
          EngineOffsets.latest(batch.stream().map(RecordChangeEvent::record).toList())
              .forEach((partition, offset) -> sent.add(producer.send(positions.record(partition, offset))));
          producer.commitTransaction(); // sends what it holds first; fails if any send failed
          acknowledged.addAndGet(changes);
        } catch (RuntimeException e) {
          abortQuietly(producer);
          if (stopping) {
            throw e; // the engine interrupted the batch to stop
          }
          // not marked processed: the engine stops, and a restart resumes after the last committed batch
          throw new IllegalStateException("pipeline " + pipeline.name() + ": the log cluster did not take a batch of "
              + batch.size() + " changes (its transaction is aborted): " + firstFailure(sent, e), e);
        }
        for (RecordChangeEvent<SourceRecord> r : batch) {
          committer.markProcessed(r);
        }
        committer.markBatchFinished();
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

  /** Aborts the open transaction; a fenced or closed producer cannot, and its transaction is aborted for it. */
  private void abortQuietly(KafkaProducer<byte[], byte[]> producer) {
    try {
      producer.abortTransaction();
    } catch (RuntimeException e) {
      LOG.warn("pipeline {}: aborting the transaction: {}", pipeline.name(), e.toString());
    }
  }

  /** Why a batch failed: the first send the log cluster refused, else {@code e} itself. */
  private static String firstFailure(List<Future<RecordMetadata>> sent, RuntimeException e) {
    for (Future<RecordMetadata> f : sent) {
      if (f.isDone()) {
        try {
          f.get();
        } catch (ExecutionException failed) {
          return failed.getCause().toString();
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    return e.toString();
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
