package io.tributary.connect.hudi;

import io.tributary.connect.Pipeline;
import io.tributary.connect.Sink;
import io.tributary.connect.Source;
import io.tributary.connect.runtime.PipelineMetrics;
import io.tributary.connect.runtime.PipelineRunner;
import io.tributary.connect.runtime.PipelineTask;
import io.tributary.registry.serde.KafkaAvroDeserializer;
import io.tributary.registry.serde.RegistryClient;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.hudi.common.model.DefaultHoodieRecordPayload;
import org.apache.hudi.common.model.HoodieRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code topic} source upserted into a {@code hudi} sink, exactly once.
 *
 * <p>The consumer is assigned every partition of the topic (no group membership: the table, not the group,
 * owns the position). On start the position is the checkpoint of the table's last completed commit (see
 * {@link KafkaCheckpoint}), else {@code source.start}. Each value is decoded, transformed and validated
 * ({@link ValueConverter}); rows are buffered and upserted in one Hudi commit whose metadata holds the next
 * offset of every partition, so data and position land together or not at all. Bad records go to the
 * dead-letter topic (acknowledged before the commit that moves past them) or, with {@code errors.tolerance:
 * none}, stop the pipeline after committing the rows before them. After each commit the offsets are also
 * committed to {@code source.group}, for {@code group describe}'s lag; that copy is informational.
 */
public final class TopicToHudiTask implements PipelineTask {
  private static final Logger LOG = LoggerFactory.getLogger(TopicToHudiTask.class);
  /** Client overrides with this prefix go (without it) to the Hadoop configuration, e.g. hadoop.dfs.replication. */
  public static final String HADOOP_PREFIX = "hadoop.";
  static final long REGISTRY_RETRY_MS = 60_000;

  /** Told of each completed commit: when it completed and the source timestamps of the records in it. */
  public interface CommitListener {
    void committed(String instant, long completedMillis, long[] recordTimestamps);
  }

  private final Pipeline pipeline;
  private final Source.Topic source;
  private final Sink.Hudi sink;
  private final Map<String, Object> overrides;
  private final AtomicLong recordsIn = new AtomicLong();
  private final AtomicLong recordsOut = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();
  private final AtomicLong filtered = new AtomicLong();
  private final AtomicLong commits = new AtomicLong();
  /** Records removed by retention before this pipeline read them, skipped with {@code on.data.loss: continue}. */
  private final AtomicLong lost = new AtomicLong();
  private volatile long lag = -1;
  private volatile long lastCommitMillis;
  private volatile String lastInstant = "";
  private volatile boolean stopping;
  private long progressIntervalMs = 5000;
  private Consumer<String> progress = LOG::info;
  private CommitListener listener;
  private volatile CommitMeter commitMeter = (durationMs, records, bytes) -> { };

  private TopicToHudiTask(Pipeline pipeline, Map<String, Object> overrides) {
    this.pipeline = pipeline;
    this.source = (Source.Topic) pipeline.source();
    this.sink = (Sink.Hudi) pipeline.sink();
    // the pipeline's security section first: every Kafka client of the task authenticates the same way
    this.overrides = Map.copyOf(pipeline.security().kafkaWith(overrides));
  }

  /** The task of a topic -> hudi pipeline; throws {@link PipelineRunner.NotRunnableException} naming what is wrong. */
  public static TopicToHudiTask create(Pipeline pipeline, Map<String, Object> clientOverrides) {
    if (!(pipeline.source() instanceof Source.Topic) || !(pipeline.sink() instanceof Sink.Hudi sink)) {
      throw new PipelineRunner.NotRunnableException(pipeline.file() + ": not a topic -> hudi pipeline");
    }
    if (KeyMaker.fields(sink.precombineField()).size() != 1) {
      throw new PipelineRunner.NotRunnableException(pipeline.file() + ": sink.precombine.field '"
          + sink.precombineField() + "': the hudi sink orders by one field; name one");
    }
    if (pipeline.errors().tolerance() == Pipeline.Tolerance.ALL && pipeline.errors().deadLetterTopic().isEmpty()) {
      throw new PipelineRunner.NotRunnableException(pipeline.file() + ": errors.tolerance 'all' needs "
          + "errors.dead.letter.topic");
    }
    return new TopicToHudiTask(pipeline, clientOverrides);
  }

  /** Where progress lines go (default: the log, every 5 s). */
  public TopicToHudiTask progress(Consumer<String> sink, long intervalMs) {
    this.progress = sink;
    this.progressIntervalMs = intervalMs;
    return this;
  }

  /** Measures each completed commit (the metrics listener's Hudi commit time and size). */
  public interface CommitMeter {
    void committed(long durationMs, long records, long bytes);
  }

  /** Sets what measures every completed commit. */
  public TopicToHudiTask meterCommits(CommitMeter meter) {
    this.commitMeter = meter;
    return this;
  }

  /** Told of every commit (benchmarks measure freshness with it). */
  public TopicToHudiTask onCommit(CommitListener listener) {
    this.listener = listener;
    return this;
  }

  @Override
  public String name() {
    return pipeline.name();
  }

  @Override
  public void stop() {
    stopping = true;
  }

  @Override
  public PipelineMetrics metrics() {
    long l = lag;
    long c = lastCommitMillis;
    return new PipelineMetrics(recordsIn.get(), recordsOut.get(), deadLettered.get(), filtered.get(),
        l < 0 ? OptionalLong.empty() : OptionalLong.of(l), c == 0 ? OptionalLong.empty() : OptionalLong.of(c));
  }

  /** Records skipped because retention removed them before they were read ({@code on.data.loss: continue}). */
  public long lostRecords() {
    return lost.get();
  }

  /** One line: counts, lag and the last commit. */
  public String summary() {
    PipelineMetrics m = metrics();
    return "pipeline " + pipeline.name() + ": topic " + source.topic() + " -> hudi " + sink.tablePath() + ": "
        + m.recordsIn() + " records in, " + m.recordsOut() + " upserted in " + commits.get() + " commits, "
        + m.deadLettered() + " dead-lettered, " + m.droppedByFilter() + " dropped by filter, "
        + (lost.get() > 0 ? lost.get() + " lost to retention (skipped), " : "") + "lag "
        + (m.lag().isPresent() ? m.lag().getAsLong() : "unknown")
        + (m.lastCommitMillis().isPresent() ? ", last commit " + lastInstant + " at "
            + Instant.ofEpochMilli(m.lastCommitMillis().getAsLong()) : ", no commit yet")
        + (stopping ? " (stopped)" : "");
  }

  /** Hadoop settings: the defaults of the classpath's *-site.xml, plus the hadoop.* overrides. */
  Configuration hadoopConf() {
    Configuration conf = new Configuration();
    // Hadoop closes every cached FileSystem in a shutdown hook; on SIGTERM that would pull the file system
    // from under the final commit this task makes while stopping
    conf.setBoolean("fs.automatic.close", false);
    overrides.forEach((k, v) -> {
      if (k.startsWith(HADOOP_PREFIX)) {
        conf.set(k.substring(HADOOP_PREFIX.length()), String.valueOf(v));
      }
    });
    return conf;
  }

  @Override
  public void run() throws Exception {
    Configuration conf = hadoopConf();
    String registryUrl = pipeline.schema().registryUrl().toString();
    RegistryClient registry = new RegistryClient(registryUrl, Duration.ofSeconds(10),
        pipeline.security().serdeConfigs(registryUrl));
    Optional<Schema> values = valueSchema(registry, conf);
    if (values.isEmpty()) {
      return; // stopped while waiting for a schema
    }
    Optional<Schema> schema = Optional.of(afterTransforms(values.get()));
    checkFields(schema.get());
    DeleteMarker deletes;
    try {
      deletes = DeleteMarker.of(sink.deleteMode(), schema.get());
    } catch (IllegalArgumentException e) {
      throw new PipelineRunner.NotRunnableException(pipeline.file() + ": " + e.getMessage());
    }
    KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer(registry);
    deserializer.configure(Map.of(), false);
    boolean json = pipeline.schema().format() == Pipeline.ValueFormat.JSON;
    ValueConverter converter = new ValueConverter(registry, deserializer, pipeline.transforms(), schema.get(),
        sink.recordKey(), sink.precombineField(), deletes, json ? values.get() : null);
    boolean deadLettering = pipeline.errors().tolerance() == Pipeline.Tolerance.ALL;
    try (KafkaConsumer<byte[], byte[]> consumer = newConsumer();
         DeadLetters dlq = deadLettering ? new DeadLetters(pipeline.errors().deadLetterTopic().get(),
             source.bootstrapServers(), pipeline.name(), overrides) : null) {
      LOG.info("pipeline {}: topic {} at {} -> hudi {} table {} at {} ({} rows per commit at most, every {} ms)",
          pipeline.name(), source.topic(), source.bootstrapServers(), sink.tableType(), sink.tableName(),
          sink.tablePath(), sink.commitRecords(), sink.commitIntervalMs());
      Loop loop = new Loop(HudiTable.open(sink, schema.get(), conf), conf, consumer, dlq, converter,
          new KeyMaker(sink));
      try {
        loop.run();
      } finally {
        if (loop.table != null) { // null only when reopening for a wider schema failed
          loop.table.close();
        }
      }
    } catch (Exception | Error e) {
      LOG.error("pipeline {} failed", pipeline.name(), e);
      throw e;
    } finally {
      deserializer.close();
      LOG.info(summary());
    }
  }

  /** The table's schema: the values' schema after the transforms. */
  private Schema afterTransforms(Schema values) {
    try {
      return TableSchemas.afterTransforms(values, pipeline.transforms());
    } catch (IllegalArgumentException e) {
      throw new PipelineRunner.NotRunnableException(pipeline.file() + ": " + pipeline.schema().file()
          .map(f -> "schema.file '" + f + "'").orElse("schema.subject '" + pipeline.schema().subject() + "'")
          + ": " + e.getMessage());
    }
  }

  /** The values' schema: schema.file's, else the subject's latest, else (subject not registered) the table's own. */
  private Optional<Schema> valueSchema(RegistryClient registry, Configuration conf) throws Exception {
    if (pipeline.schema().file().isPresent()) {
      return Optional.of(SchemaFiles.read(pipeline.schema().file().get(), conf, pipeline.file()));
    }
    String subject = pipeline.schema().subject();
    long failingSince = 0;
    boolean toldWaiting = false;
    while (!stopping) {
      try {
        return Optional.of(new Schema.Parser().parse(registry.latest(subject).schema()));
      } catch (RegistryClient.RegistryClientException e) {
        if (e.status() != 404) {
          throw new IOException("pipeline " + pipeline.name() + ": the schema registry answered: " + e.getMessage(), e);
        }
        Optional<Schema> existing = HudiTable.existingSchema(sink, conf);
        if (existing.isPresent()) {
          LOG.warn("pipeline {}: subject '{}' is not in the registry; using the table's schema", pipeline.name(),
              subject);
          return existing;
        }
        if (!toldWaiting) {
          LOG.info("pipeline {}: waiting for subject '{}' to be registered (the table is created with its schema)",
              pipeline.name(), subject);
          toldWaiting = true;
        }
      } catch (IOException e) {
        long now = System.currentTimeMillis();
        failingSince = failingSince == 0 ? now : failingSince;
        if (now - failingSince > REGISTRY_RETRY_MS) {
          throw new IOException("pipeline " + pipeline.name() + ": the schema registry at "
              + pipeline.schema().registryUrl() + " is unreachable: " + e.getMessage(), e);
        }
        LOG.warn("pipeline {}: schema registry unreachable, retrying: {}", pipeline.name(), e.getMessage());
      }
      Thread.sleep(1000);
    }
    return Optional.empty();
  }

  private void checkFields(Schema schema) {
    List<String> problems = new ArrayList<>();
    for (String[] key : new String[][] {
        {"sink.record.key", sink.recordKey()}, {"sink.precombine.field", sink.precombineField()},
        {"sink.partition.path", sink.partitionPath().orElse("")}}) {
      List<String> missing = TableSchemas.missingFields(schema, key[1]);
      if (!missing.isEmpty()) {
        problems.add(key[0] + " names " + missing + ", not fields of the values (after transforms)");
      }
    }
    if (!problems.isEmpty()) {
      throw new PipelineRunner.NotRunnableException(pipeline.file() + ": " + String.join("; ", problems)
          + "; the fields are " + schema.getFields().stream().map(Schema.Field::name).toList());
    }
  }

  private KafkaConsumer<byte[], byte[]> newConsumer() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, source.bootstrapServers());
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "connect-" + pipeline.name());
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, (int) Math.min(sink.commitRecords(), 5000));
    overrides.forEach((k, v) -> {
      if (ConsumerConfig.configNames().contains(k)) {
        props.put(k, v);
      }
    });
    props.put(ConsumerConfig.GROUP_ID_CONFIG, source.group());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // the table's checkpoint, or source.start, decides where to read; never a silent reset
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** Rows read since the last hand-off, with the position after them: what one Hudi commit will hold. */
  private static final class Batch {
    final List<HoodieRecord<DefaultHoodieRecordPayload>> rows = new ArrayList<>();
    long[] timestamps = new long[1024];
    long consumed;
    /** Bytes of the keys and values read into this batch ({@code commit.bytes}). */
    long bytes;
    long deadLettered;
    KafkaCheckpoint checkpoint;

    void add(HoodieRecord<DefaultHoodieRecordPayload> row, long timestamp) {
      if (rows.size() == timestamps.length) {
        timestamps = Arrays.copyOf(timestamps, timestamps.length * 2);
      }
      timestamps[rows.size()] = timestamp;
      rows.add(row);
    }
  }

  /**
   * The consuming loop of one run. The consumer, the batch being filled and the position are confined to the
   * run thread; a batch handed off is upserted on the committer thread while the next one fills, at most one
   * at a time, and its completion is taken back on the run thread (metrics, group offsets) in order.
   */
  private final class Loop {
    /** The table, reopened with a wider schema when values gain columns. */
    private HudiTable table;
    private final Configuration conf;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final DeadLetters dlq;
    private ValueConverter converter;
    private final KeyMaker keys;
    private final TreeMap<Integer, Long> next = new TreeMap<>();
    private final ExecutorService committer;
    private Batch filling = new Batch();
    private Batch writing;
    private Future<HudiTable.CommitResult> inFlight;
    private long handedOffAt;
    private List<TopicPartition> partitions;
    private CommitPolicy policy;

    Loop(HudiTable table, Configuration conf, KafkaConsumer<byte[], byte[]> consumer, DeadLetters dlq,
        ValueConverter converter, KeyMaker keys) {
      this.table = table;
      this.conf = conf;
      this.consumer = consumer;
      this.dlq = dlq;
      this.converter = converter;
      this.keys = keys;
      this.committer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "hudi-commit-" + pipeline.name());
        t.setDaemon(true);
        return t;
      });
    }

    void run() throws Exception {
      try {
        partitions = awaitPartitions();
        if (partitions == null) {
          return;
        }
        seek(table.lastCheckpoint());
        policy = new CommitPolicy(sink.commitIntervalMs(), sink.commitRecords(), sink.commitBytes(),
            System.currentTimeMillis());
        consume();
        if (filling.consumed > 0) {
          handOff(); // a clean stop commits what it holds
        }
        finishInFlight(true);
      } finally {
        if (inFlight != null) {
          // failing for another reason: let the write finish (or fail) before the table is closed under it
          try {
            inFlight.get(5, TimeUnit.MINUTES);
          } catch (Exception ignored) {
            // the run is failing already; an unfinished instant is rolled back at the next start
          }
        }
        committer.shutdownNow();
      }
    }

    private void consume() throws Exception {
      long nextProgress = System.currentTimeMillis() + progressIntervalMs;
      while (!stopping) {
        ConsumerRecords<byte[], byte[]> records;
        try {
          long wait = Math.max(1, Math.min(200, policy.msUntilInterval(System.currentTimeMillis())));
          records = consumer.poll(Duration.ofMillis(wait));
        } catch (OffsetOutOfRangeException e) {
          onDataLoss(e.offsetOutOfRangePartitions());
          continue;
        }
        for (ConsumerRecord<byte[], byte[]> r : records) {
          take(r);
          if (policy.full(filling.rows.size(), filling.bytes)) {
            finishInFlight(true); // a full batch waits for the one being written: memory stays bounded
            handOff();
          }
        }
        updateLag();
        finishInFlight(false);
        long now = System.currentTimeMillis();
        if (inFlight == null && policy.due(filling.rows.size(), filling.bytes, filling.consumed, now)) {
          handOff();
        }
        if (now >= nextProgress) {
          progress.accept(summary());
          nextProgress = System.currentTimeMillis() + progressIntervalMs;
        }
      }
    }

    /** Handles one record; with errors.tolerance none a rejected one commits what came before it, then throws. */
    private void take(ConsumerRecord<byte[], byte[]> r) throws Exception {
      recordsIn.incrementAndGet();
      filling.bytes += Math.max(0, r.serializedKeySize()) + Math.max(0, r.serializedValueSize());
      ValueConverter.Outcome outcome = convert(r);
      if (outcome instanceof ValueConverter.SchemaChanged changed) {
        evolve(changed.tableSchema());
        outcome = convert(r);
      }
      if (outcome instanceof ValueConverter.Row row) {
        filling.add(keys.record(row.value()), r.timestamp());
      } else if (outcome instanceof ValueConverter.Tombstone tombstone) {
        filling.add(keys.tombstone(tombstone.key()), r.timestamp());
      } else if (outcome instanceof ValueConverter.Filtered) {
        filtered.incrementAndGet();
      } else if (outcome instanceof ValueConverter.Rejected rejected) {
        Rejection why = rejected.rejection();
        if (dlq == null) {
          if (filling.consumed > 0) {
            finishInFlight(true);
            handOff();
          }
          finishInFlight(true);
          throw new InvalidRecordException("pipeline " + pipeline.name() + ": the record at topic " + r.topic()
              + " partition " + r.partition() + " offset " + r.offset() + " is rejected: " + why
              + " (errors.tolerance is none: the pipeline stops; the records before it are committed)", why.cause());
        }
        dlq.send(r, why);
        filling.deadLettered++;
        LOG.debug("pipeline {}: {}-{}@{} dead-lettered: {}", pipeline.name(), r.topic(), r.partition(), r.offset(), why);
      }
      next.put(r.partition(), r.offset() + 1);
      filling.consumed++;
    }

    /**
     * Values gained columns (a new registry version): the rows buffered so far are committed with the table's
     * schema, then the table is reopened with {@code evolved}, and Hudi evolves its schema on the next write
     * (older rows read the new columns as null).
     */
    private void evolve(Schema evolved) throws Exception {
      List<String> added = evolved.getFields().stream().map(Schema.Field::name)
          .filter(f -> table.schema().getField(f) == null).toList();
      LOG.info("pipeline {}: the values gained columns {}; the Hudi table's schema evolves", pipeline.name(), added);
      if (filling.consumed > 0) {
        finishInFlight(true);
        handOff();
      }
      finishInFlight(true);
      table.close();
      table = null;
      table = HudiTable.open(sink, evolved, conf);
      converter = converter.withTableSchema(evolved);
    }

    /**
     * The next offset of some partitions is below their log start: retention (or delete-records) removed
     * records this table never read. {@code on.data.loss: fail} stops naming them; {@code continue} moves to
     * the earliest offset, warns and counts; the next commit's checkpoint records the skip.
     */
    private void onDataLoss(Map<TopicPartition, Long> expected) {
      Map<TopicPartition, Long> earliest = consumer.beginningOffsets(expected.keySet(), Duration.ofSeconds(30));
      List<String> gaps = new ArrayList<>();
      List<Map.Entry<TopicPartition, Long>> byPartition = expected.entrySet().stream()
          .sorted(Comparator.comparingInt(e -> e.getKey().partition())).toList();
      for (Map.Entry<TopicPartition, Long> e : byPartition) {
        TopicPartition tp = e.getKey();
        long first = earliest.getOrDefault(tp, -1L);
        gaps.add("topic " + tp.topic() + " partition " + tp.partition() + ": expected offset " + e.getValue()
            + ", earliest offset " + first);
      }
      if (source.onDataLoss() == Source.DataLossPolicy.FAIL) {
        throw new DataLossException("pipeline " + pipeline.name() + ": records were removed from the topic before "
            + "this table read them (retention, delete-records, or a recreated topic): " + String.join("; ", gaps)
            + ". on.data.loss is fail: the pipeline stops; with on.data.loss: continue it skips to the earliest "
            + "offset");
      }
      for (Map.Entry<TopicPartition, Long> e : expected.entrySet()) {
        TopicPartition tp = e.getKey();
        long first = earliest.get(tp);
        long skipped = Math.max(0, first - e.getValue());
        lost.addAndGet(skipped);
        consumer.seek(tp, first);
        next.put(tp.partition(), first);
        filling.consumed++; // the position moved: the next commit records it even if nothing else arrives
      }
      LOG.warn("pipeline {}: {} records lost to retention, skipped (on.data.loss: continue): {}", pipeline.name(),
          lost.get(), String.join("; ", gaps));
    }

    /** Converts, retrying while the registry is unreachable (an outage is not the record's fault). */
    private ValueConverter.Outcome convert(ConsumerRecord<byte[], byte[]> r) {
      long failingSince = 0;
      while (true) {
        try {
          return converter.convert(r.topic(), r.key(), r.value());
        } catch (ValueConverter.RegistryUnavailableException e) {
          long now = System.currentTimeMillis();
          failingSince = failingSince == 0 ? now : failingSince;
          if (now - failingSince > REGISTRY_RETRY_MS || stopping) {
            throw new IllegalStateException("pipeline " + pipeline.name() + " stopped at topic " + r.topic()
                + " partition " + r.partition() + " offset " + r.offset() + ": " + e.getMessage(), e);
          }
          LOG.warn("pipeline {}: {}; retrying", pipeline.name(), e.getMessage());
          try {
            Thread.sleep(1000);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ie);
          }
        }
      }
    }

    /**
     * Hands the filling batch to the committer (none may be in flight). Its dead letters are acknowledged first,
     * so the commit that moves past their offsets never precedes them.
     */
    private void handOff() {
      if (dlq != null) {
        dlq.flush();
      }
      Batch b = filling;
      b.checkpoint = KafkaCheckpoint.of(source.topic(), next);
      filling = new Batch();
      writing = b;
      handedOffAt = System.currentTimeMillis();
      inFlight = committer.submit(() -> table.upsert(b.rows, b.checkpoint));
      policy.committed(handedOffAt); // the next interval counts from here: commits follow each other
    }

    /** Takes back a finished commit (waiting for it if {@code block}); rethrows its failure. */
    private void finishInFlight(boolean block) throws Exception {
      if (inFlight == null || (!block && !inFlight.isDone())) {
        return;
      }
      HudiTable.CommitResult result;
      try {
        result = inFlight.get();
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        throw cause instanceof Exception ex ? ex : new IllegalStateException(cause);
      } finally {
        inFlight = null;
      }
      Batch b = writing;
      writing = null;
      long done = System.currentTimeMillis();
      recordsOut.addAndGet(b.rows.size());
      deadLettered.addAndGet(b.deadLettered);
      commits.incrementAndGet();
      lastInstant = result.instant();
      lastCommitMillis = done;
      commitMeter.committed(done - handedOffAt, result.recordsWritten(), result.bytesWritten());
      LOG.info("pipeline {}: commit {}: {} rows ({} inserts, {} updates after combining), {} dead-lettered, {} ms; {}",
          pipeline.name(), result.instant(), b.rows.size(), result.inserts(), result.updates(), b.deadLettered,
          done - handedOffAt, b.checkpoint.format());
      if (listener != null) {
        listener.committed(result.instant(), done, Arrays.copyOf(b.timestamps, b.rows.size()));
      }
      commitToGroup(b.checkpoint);
    }

    /** A copy of the position for the consumer group (lag in {@code group describe}); the table stays the truth. */
    private void commitToGroup(KafkaCheckpoint checkpoint) {
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
      checkpoint.nextOffsets().forEach((p, o) ->
          offsets.put(new TopicPartition(source.topic(), p), new OffsetAndMetadata(o)));
      try {
        consumer.commitSync(offsets, Duration.ofSeconds(10));
      } catch (KafkaException e) {
        LOG.warn("pipeline {}: offsets committed to the table but not to group {}: {}", pipeline.name(),
            source.group(), e.toString());
      }
    }

    private void updateLag() {
      long sum = 0;
      for (TopicPartition tp : partitions) {
        OptionalLong l = consumer.currentLag(tp);
        if (l.isEmpty()) {
          return;
        }
        sum += l.getAsLong();
      }
      lag = sum;
    }

    /** The topic's partitions, waiting for the topic to exist; null if stopped while waiting. */
    private List<TopicPartition> awaitPartitions() throws InterruptedException {
      boolean told = false;
      while (!stopping) {
        List<PartitionInfo> infos;
        try {
          infos = consumer.partitionsFor(source.topic(), Duration.ofSeconds(10));
        } catch (TimeoutException e) {
          infos = List.of();
        }
        if (infos != null && !infos.isEmpty()) {
          return infos.stream().map(i -> new TopicPartition(i.topic(), i.partition()))
              .sorted(Comparator.comparingInt(TopicPartition::partition)).toList();
        }
        if (!told) {
          LOG.info("pipeline {}: waiting for topic '{}' at {}", pipeline.name(), source.topic(),
              source.bootstrapServers());
          told = true;
        }
        Thread.sleep(1000);
      }
      return null;
    }

    private void seek(Optional<KafkaCheckpoint> checkpoint) {
      if (checkpoint.isPresent() && !checkpoint.get().topic().equals(source.topic())) {
        throw new PipelineRunner.NotRunnableException(pipeline.file() + ": the table at " + sink.tablePath()
            + " was fed from topic '" + checkpoint.get().topic() + "', not '" + source.topic()
            + "'; use another table.path");
      }
      consumer.assign(partitions);
      List<TopicPartition> fresh = new ArrayList<>();
      for (TopicPartition tp : partitions) {
        Long at = checkpoint.map(c -> c.nextOffsets().get(tp.partition())).orElse(null);
        if (at != null) {
          consumer.seek(tp, at);
        } else {
          fresh.add(tp);
        }
      }
      if (!fresh.isEmpty()) {
        if (checkpoint.isPresent() || source.start() == Source.StartPosition.EARLIEST) {
          consumer.seekToBeginning(fresh); // a partition added since the checkpoint is read from its start
        } else {
          consumer.seekToEnd(fresh);
        }
      }
      for (TopicPartition tp : partitions) {
        next.put(tp.partition(), consumer.position(tp, Duration.ofSeconds(30)));
      }
      LOG.info("pipeline {}: {} at {}", pipeline.name(),
          checkpoint.isPresent() ? "resuming from the table's last commit" : "no checkpoint in the table, starting "
              + source.start().name().toLowerCase(Locale.ROOT), KafkaCheckpoint.of(source.topic(), next).format());
    }
  }

  /** Records were removed before they were read and {@code on.data.loss} is fail. */
  public static final class DataLossException extends IllegalStateException {
    DataLossException(String message) {
      super(message);
    }
  }

  /** A record was rejected and {@code errors.tolerance} is none. */
  public static final class InvalidRecordException extends RuntimeException {
    InvalidRecordException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
