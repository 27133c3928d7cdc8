package io.tributary.connect.hudi;

import io.tributary.connect.Sink;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hudi.client.HoodieJavaWriteClient;
import org.apache.hudi.client.WriteStatus;
import org.apache.hudi.client.common.HoodieJavaEngineContext;
import org.apache.hudi.client.transaction.lock.InProcessLockProvider;
import org.apache.hudi.common.config.HoodieMetadataConfig;
import org.apache.hudi.common.config.HoodieStorageConfig;
import org.apache.hudi.common.config.RecordMergeMode;
import org.apache.hudi.common.engine.EngineType;
import org.apache.hudi.common.model.DefaultHoodieRecordPayload;
import org.apache.hudi.common.model.HoodieCleaningPolicy;
import org.apache.hudi.common.model.HoodieCommitMetadata;
import org.apache.hudi.common.model.HoodieFailedWritesCleaningPolicy;
import org.apache.hudi.common.model.HoodieRecord;
import org.apache.hudi.common.model.HoodieTableType;
import org.apache.hudi.common.schema.HoodieSchema;
import org.apache.hudi.common.table.HoodieTableMetaClient;
import org.apache.hudi.common.table.TableSchemaResolver;
import org.apache.hudi.common.table.timeline.HoodieInstant;
import org.apache.hudi.common.table.timeline.HoodieTimeline;
import org.apache.hudi.common.util.Option;
import org.apache.hudi.config.HoodieArchivalConfig;
import org.apache.hudi.config.HoodieCleanConfig;
import org.apache.hudi.config.HoodieCompactionConfig;
import org.apache.hudi.config.HoodieIndexConfig;
import org.apache.hudi.config.HoodieLockConfig;
import org.apache.hudi.config.HoodieWriteConfig;
import org.apache.hudi.hadoop.fs.HadoopFSUtils;
import org.apache.hudi.index.HoodieIndex;
import org.apache.hudi.storage.StorageConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Hudi table written with Hudi's Java write client: created on first open, then upserted batch by batch,
 * each batch one commit (a delta commit on MERGE_ON_READ) whose extra metadata carries the consumed
 * {@link KafkaCheckpoint}. Not thread-safe.
 *
 * <p>Settings and why:
 * <ul>
 *   <li>Index: SIMPLE (non-global) for a non-partitioned table; GLOBAL_SIMPLE with partition-path updates
 *       for a partitioned one, so a key whose partition field changes moves instead of being stored twice.
 *       Both look keys up in the files themselves, so nothing is lost when the process restarts.</li>
 *   <li>Merging: event-time ordering on the precombine field, in a batch and against the table.</li>
 *   <li>Failed writes: rolled back eagerly at the next commit's start (single writer), so an instant left
 *       inflight by a crash never becomes visible.</li>
 *   <li>Cleaner keeps the files of the last {@value #CLEANER_COMMITS_RETAINED} commits and runs every as many
 *       commits; archival on Hudi's defaults.</li>
 *   <li>MERGE_ON_READ: the writer schedules a compaction every {@value #DELTA_COMMITS_PER_COMPACTION}
 *       delta commits and a second client in this process executes it in the background (one at a time, the
 *       two clients serialised on the metadata table by an in-process lock); a compaction left unfinished by a
 *       crash is rolled back and redone. Updates always go to log files (no small-file rewrites).</li>
 *   <li>No embedded timeline server and direct markers: one process writes, and a crash leaves nothing but
 *       files under the table path to clean up.</li>
 * </ul>
 */
public final class HudiTable implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HudiTable.class);

  static final int CLEANER_COMMITS_RETAINED = 5;
  static final int DELTA_COMMITS_PER_COMPACTION = 5;
  /** Set (tests only) to pause after a batch's files are written and before its commit, so a kill lands there. */
  public static final String PAUSE_BEFORE_COMMIT_PROPERTY = "tributary.test.hudi.pauseBeforeCommit";
  /** What the task prints to stdout when it pauses there. */
  public static final String PAUSE_MARKER = "TRIBUTARY-TEST paused between write and commit of instant ";
  /** What the task prints to stdout right before the failed-writes rollback of an open. */
  public static final String ROLLBACK_MARKER = "TRIBUTARY-TEST rolling back failed writes";

  private final Sink.Hudi sink;
  private final Schema schema;
  private final StorageConfiguration<Configuration> storageConf;
  private final HoodieWriteConfig writeConfig;
  private final HoodieJavaWriteClient<DefaultHoodieRecordPayload> client;
  /** MERGE_ON_READ: a second client that executes the compactions the writer schedules, off the ingest path. */
  private final HoodieJavaWriteClient<DefaultHoodieRecordPayload> compactor;
  private final ExecutorService compactions;
  private Future<?> compacting;

  /** What a commit wrote. */
  public record CommitResult(String instant, long recordsWritten, long inserts, long updates, long bytesWritten) {}

  private HudiTable(Sink.Hudi sink, Schema schema, Configuration hadoopConf) {
    this.sink = sink;
    this.schema = schema;
    this.storageConf = HadoopFSUtils.getStorageConf(hadoopConf);
    this.writeConfig = writeConfig(sink, schema);
    this.client = new HoodieJavaWriteClient<>(new HoodieJavaEngineContext(storageConf), writeConfig);
    if (sink.tableType() == Sink.TableType.MERGE_ON_READ) {
      this.compactor = new HoodieJavaWriteClient<>(new HoodieJavaEngineContext(storageConf), writeConfig);
      this.compactions = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "hudi-compaction-" + sink.tableName());
        t.setDaemon(true);
        return t;
      });
    } else {
      this.compactor = null;
      this.compactions = null;
    }
  }

  /**
   * Opens the table at {@code sink.tablePath()}, creating it with {@code schema} (the values' Avro schema,
   * without Hudi's meta fields) when it does not exist, and rolls back what a crashed writer left inflight.
   */
  public static HudiTable open(Sink.Hudi sink, Schema schema, Configuration hadoopConf) throws IOException {
    if (!exists(sink, hadoopConf)) {
      create(sink, schema, hadoopConf);
    }
    HudiTable table = new HudiTable(sink, schema, hadoopConf);
    try {
      table.rollbackFailedWrites();
    } catch (RuntimeException e) {
      table.close();
      throw e;
    }
    return table;
  }

  /** Whether a Hudi table (its {@code .hoodie/hoodie.properties}) is at the sink's path. */
  public static boolean exists(Sink.Hudi sink, Configuration hadoopConf) throws IOException {
    Path props = new Path(new Path(sink.tablePath().toString(), ".hoodie"), "hoodie.properties");
    FileSystem fs = props.getFileSystem(hadoopConf);
    return fs.exists(props);
  }

  /** The table's current schema (without meta fields), if the table exists and has a commit. */
  public static Optional<Schema> existingSchema(Sink.Hudi sink, Configuration hadoopConf) throws IOException {
    if (!exists(sink, hadoopConf)) {
      return Optional.empty();
    }
    HoodieTableMetaClient meta = metaClient(sink.tablePath().toString(), HadoopFSUtils.getStorageConf(hadoopConf));
    try {
      Option<HoodieSchema> s =
          new TableSchemaResolver(meta).getTableSchemaIfPresent(false);
      return s.isPresent() ? Optional.of(s.get().toAvroSchema()) : Optional.empty();
    } catch (RuntimeException e) {
      throw new IOException("cannot read the schema of the Hudi table at " + sink.tablePath() + ": " + e, e);
    }
  }

  private static void create(Sink.Hudi sink, Schema schema, Configuration hadoopConf) throws IOException {
    LOG.info("creating Hudi table {} ({}) at {}", sink.tableName(), sink.tableType(), sink.tablePath());
    HoodieTableMetaClient.newTableBuilder()
        .setTableType(HoodieTableType.valueOf(sink.tableType().name()))
        .setTableName(sink.tableName())
        .setTableCreateSchema(schema.toString())
        .setRecordKeyFields(sink.recordKey())
        .setPartitionFields(sink.partitionPath().orElse(""))
        .setOrderingFields(sink.precombineField())
        .setRecordMergeMode(RecordMergeMode.EVENT_TIME_ORDERING)
        .setPayloadClassName(DefaultHoodieRecordPayload.class.getName())
        .setKeyGeneratorType(KeyMaker.keyGeneratorType(sink).name())
        .setPopulateMetaFields(true)
        .initTable(HadoopFSUtils.getStorageConf(hadoopConf), sink.tablePath().toString());
  }

  static HoodieWriteConfig writeConfig(Sink.Hudi sink, Schema schema) {
    boolean partitioned = sink.partitionPath().isPresent();
    Map<String, String> props = new HashMap<>();
    props.put("hoodie.datasource.write.recordkey.field", sink.recordKey());
    props.put("hoodie.datasource.write.partitionpath.field", sink.partitionPath().orElse(""));
    props.put("hoodie.datasource.write.keygenerator.type", KeyMaker.keyGeneratorType(sink).name());
    props.put("hoodie.table.ordering.fields", sink.precombineField());
    props.put("hoodie.payload.ordering.field", sink.precombineField());
    props.putAll(DeleteMarker.of(sink.deleteMode(), schema).hudiProperties());
    HoodieWriteConfig.Builder b = HoodieWriteConfig.newBuilder()
        .withEngineType(EngineType.JAVA)
        .withPath(sink.tablePath().toString())
        .forTable(sink.tableName())
        .withSchema(schema.toString())
        .withProps(props)
        .withPreCombineField(sink.precombineField())
        .withRecordMergeMode(RecordMergeMode.EVENT_TIME_ORDERING)
        .withWritePayLoad(DefaultHoodieRecordPayload.class.getName())
        .withEmbeddedTimelineServerEnabled(false)
        .withMarkersType("DIRECT")
        .withRollbackUsingMarkers(true)
        .withIndexConfig(HoodieIndexConfig.newBuilder()
            .withIndexType(partitioned ? HoodieIndex.IndexType.GLOBAL_SIMPLE : HoodieIndex.IndexType.SIMPLE)
            .withGlobalSimpleIndexUpdatePartitionPath(true)
            .build())
        .withCleanConfig(HoodieCleanConfig.newBuilder()
            .withAutoClean(true)
            .withCleanerPolicy(HoodieCleaningPolicy.KEEP_LATEST_COMMITS)
            .retainCommits(CLEANER_COMMITS_RETAINED)
            // a clean is planned every few commits, not after each: each plan costs a pass over the timeline
            .withMaxCommitsBeforeCleaning(CLEANER_COMMITS_RETAINED)
            .withFailedWritesCleaningPolicy(HoodieFailedWritesCleaningPolicy.EAGER)
            .build())
        .withArchivalConfig(HoodieArchivalConfig.newBuilder().build())
        // the writer and the compactor (two clients of this process) both commit to the metadata table
        .withLockConfig(HoodieLockConfig.newBuilder()
            .withLockProvider(InProcessLockProvider.class).build())
        .withCompactionConfig(compactionConfig(sink))
        // Snappy, not Hudi's default gzip: a copy-on-write commit rewrites whole base files, and gzip spends most of
        // that time compressing (Spark's own Parquet default is Snappy too)
        .withStorageConfig(HoodieStorageConfig.newBuilder()
            .parquetCompressionCodec("snappy").build())
        // the metadata table lists files (no directory listings on HDFS); column and partition statistics
        // would cost every commit a pass over its rows, for data skipping a streaming sink's readers rarely use
        .withMetadataConfig(HoodieMetadataConfig.newBuilder().enable(sink.metadataTable()).fromProperties(metadataProps()).build());
    return b.build();
  }

  private static HoodieCompactionConfig compactionConfig(Sink.Hudi sink) {
    boolean mor = sink.tableType() == Sink.TableType.MERGE_ON_READ;
    // the writer only schedules compactions (a plan on the timeline); another client executes them while
    // ingestion goes on, as Hudi's own streaming writers do: a compaction rewrites the table and would otherwise
    // stop ingestion for as long
    HoodieCompactionConfig.Builder b = HoodieCompactionConfig.newBuilder()
        .withInlineCompaction(false)
        .withScheduleInlineCompaction(mor)
        .withMaxNumDeltaCommitsBeforeCompaction(DELTA_COMMITS_PER_COMPACTION);
    if (mor) {
      // Hudi otherwise merges the updates of a base file under the small-file limit (100 MB) into a new base
      // file, copy-on-write style: every commit would rewrite a young table. Updates go to log files instead;
      // compaction folds them in.
      b.compactionSmallFileSize(0);
    }
    return b.build();
  }

  private static Properties metadataProps() {
    Properties p = new Properties();
    p.setProperty("hoodie.metadata.index.column.stats.enable", "false");
    p.setProperty("hoodie.metadata.index.partition.stats.enable", "false");
    return p;
  }

  private static HoodieTableMetaClient metaClient(String basePath, StorageConfiguration<?> conf) {
    return HoodieTableMetaClient.builder().setConf(conf).setBasePath(basePath).setLoadActiveTimelineOnLoad(true)
        .build();
  }

  /** Rolls back instants a crashed writer left requested or inflight (and finishes a half-done rollback). */
  private void rollbackFailedWrites() {
    if (System.getProperty(PAUSE_BEFORE_COMMIT_PROPERTY) != null) {
      System.out.println(ROLLBACK_MARKER);
      System.out.flush();
    }
    HoodieTableMetaClient meta = metaClient(sink.tablePath().toString(), storageConf);
    client.rollbackFailedWrites(meta);
  }

  /**
   * The checkpoint of the last completed commit that has one (compactions and cleans have none), walking
   * back the active timeline as Hudi's streamer does.
   */
  public Optional<KafkaCheckpoint> lastCheckpoint() throws IOException {
    return lastCheckpoint(sink, storageConf);
  }

  /** {@link #lastCheckpoint()} without opening a writer: safe while another process writes the table. */
  public static Optional<KafkaCheckpoint> readLastCheckpoint(Sink.Hudi sink, Configuration hadoopConf)
      throws IOException {
    return exists(sink, hadoopConf) ? lastCheckpoint(sink, HadoopFSUtils.getStorageConf(hadoopConf))
        : Optional.empty();
  }

  private static Optional<KafkaCheckpoint> lastCheckpoint(Sink.Hudi sink, StorageConfiguration<?> conf)
      throws IOException {
    HoodieTableMetaClient meta = metaClient(sink.tablePath().toString(), conf);
    HoodieTimeline commits = meta.getActiveTimeline().getCommitsTimeline().filterCompletedInstants();
    List<HoodieInstant> newestFirst = commits.getReverseOrderedInstants().toList();
    for (HoodieInstant instant : newestFirst) {
      HoodieCommitMetadata md = commits.readCommitMetadata(instant);
      String text = md.getMetadata(KafkaCheckpoint.METADATA_KEY);
      if (text != null && !text.isEmpty()) {
        try {
          return Optional.of(KafkaCheckpoint.parse(text));
        } catch (IllegalArgumentException e) {
          throw new IOException("Hudi table " + sink.tablePath() + ", commit " + instant.requestedTime() + ": "
              + e.getMessage(), e);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Upserts {@code records} and commits them with {@code checkpoint} in the commit's extra metadata: both land
   * in the table, or (after a crash) neither. An empty batch still commits, to move the checkpoint past
   * records that were filtered out or dead-lettered.
   */
  public CommitResult upsert(List<HoodieRecord<DefaultHoodieRecordPayload>> records, KafkaCheckpoint checkpoint) {
    String instant = client.startCommit();
    List<WriteStatus> statuses = client.upsert(records, instant);
    long errors = 0;
    long written = 0;
    long inserts = 0;
    long updates = 0;
    long bytes = 0;
    List<String> samples = new ArrayList<>();
    for (WriteStatus s : statuses) {
      errors += s.getTotalErrorRecords();
      written += s.getStat().getNumWrites();
      inserts += s.getStat().getNumInserts();
      updates += s.getStat().getNumUpdateWrites();
      bytes += s.getStat().getTotalWriteBytes();
      if (s.hasErrors() && samples.size() < 3) {
        samples.add(String.valueOf(s.getGlobalError() != null ? s.getGlobalError() : s.getErrors()));
      }
    }
    if (errors > 0) {
      // leave the instant inflight: the next start (or commit) rolls it back
      throw new IllegalStateException("Hudi write of instant " + instant + " to " + sink.tablePath() + " failed for "
          + errors + " records: " + samples);
    }
    pauseBeforeCommitIfTesting(instant);
    Map<String, String> extra = Map.of(KafkaCheckpoint.METADATA_KEY, checkpoint.format());
    boolean ok = client.commit(instant, statuses, Option.of(extra));
    if (!ok) {
      throw new IllegalStateException("Hudi commit of instant " + instant + " to " + sink.tablePath() + " failed");
    }
    compactInBackground();
    return new CommitResult(instant, written, inserts, updates, bytes);
  }

  /**
   * MERGE_ON_READ: executes the oldest pending compaction (scheduled by the writer's commits, or left by a crash)
   * on the compaction thread, unless one runs already. A failed compaction is logged and retried later: the
   * table stays correct without it, only its log files grow.
   */
  private void compactInBackground() {
    if (compactor == null || (compacting != null && !compacting.isDone())) {
      return;
    }
    HoodieTableMetaClient meta = metaClient(sink.tablePath().toString(), storageConf);
    Option<HoodieInstant> pending = meta.getActiveTimeline().filterPendingCompactionTimeline().firstInstant();
    if (pending.isEmpty()) {
      return;
    }
    String instant = pending.get().requestedTime();
    compacting = compactions.submit(() -> {
      long t0 = System.currentTimeMillis();
      try {
        compactor.compact(instant, true);
        LOG.info("Hudi table {}: compaction {} done in {} ms", sink.tableName(), instant,
            System.currentTimeMillis() - t0);
      } catch (RuntimeException e) {
        LOG.warn("Hudi table {}: compaction {} failed; it is retried after a later commit", sink.tableName(),
            instant, e);
      }
    });
  }

  private static void pauseBeforeCommitIfTesting(String instant) {
    if (System.getProperty(PAUSE_BEFORE_COMMIT_PROPERTY) == null) {
      return;
    }
    File flag = new File(System.getProperty(PAUSE_BEFORE_COMMIT_PROPERTY));
    if (!flag.exists()) {
      return; // pause only while the test's flag file exists
    }
    System.out.println(PAUSE_MARKER + instant);
    System.out.flush();
    while (flag.exists()) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  public Sink.Hudi sink() {
    return sink;
  }

  public Schema schema() {
    return schema;
  }

  /** Waits for a running compaction (a clean stop lets it finish), then closes the clients. */
  @Override
  public void close() {
    try {
      if (compacting != null) {
        compacting.get(10, TimeUnit.MINUTES);
      }
    } catch (Exception e) {
      LOG.warn("Hudi table {}: compaction not finished at close ({}); the next start redoes it", sink.tableName(),
          e.toString());
    } finally {
      if (compactions != null) {
        compactions.shutdownNow();
        compactor.close();
      }
      client.close();
    }
  }
}
