package io.tributary.log.storage;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All partition logs of a broker's log.dirs. A partition lives in {@code <logdir>/<topic>-<partition>}; its
 * topic overrides are kept next to it in {@code topic-overrides.properties} so that a restart loads it with
 * the right configuration before the cluster metadata is known. One daemon thread runs retention,
 * compaction (when a compacted log's dirty ratio reaches min.cleanable.dirty.ratio) and the flush.ms policy.
 */
public final class LogManager implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(LogManager.class);
  static final String OVERRIDES_FILE = "topic-overrides.properties";
  /** Kafka's default of replica.high.watermark.checkpoint.interval.ms. */
  static final long DEFAULT_HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS = 5_000;
  /** Kafka's default of log.flush.offset.checkpoint.interval.ms. */
  static final long DEFAULT_RECOVERY_POINT_CHECKPOINT_INTERVAL_MS = 60_000;

  private final List<Path> logDirs;
  private final Map<String, String> brokerTopicDefaults;
  private final Time time;
  /** log.cleaner.dedupe.buffer.size: the cleaner's offset map holds at most this many bytes (one cleaner thread). */
  private final long dedupeBufferBytes;
  private final ConcurrentHashMap<TopicPartition, PartitionLog> logs = new ConcurrentHashMap<>();
  private final Map<TopicPartition, Map<String, String>> overrides = new ConcurrentHashMap<>();
  /** Partitions whose new log a caller is creating outside the lock; guarded by this. */
  private final Map<TopicPartition, Reservation> creating = new HashMap<>();
  private final List<FileChannel> lockChannels = new ArrayList<>();
  private ExecutorService creationPool;
  private ScheduledExecutorService scheduler;
  private volatile boolean closed;

  public LogManager(List<Path> logDirs, Map<String, String> brokerTopicDefaults, Time time) {
    this(logDirs, brokerTopicDefaults, time, LogCleaner.DEFAULT_DEDUPE_BUFFER_BYTES);
  }

  public LogManager(List<Path> logDirs, Map<String, String> brokerTopicDefaults, Time time, long dedupeBufferBytes) {
    if (dedupeBufferBytes < DedupeOffsetMap.MIN_BUFFER_BYTES) {
      throw new IllegalArgumentException("log.cleaner.dedupe.buffer.size must be at least " + DedupeOffsetMap.MIN_BUFFER_BYTES
          + " bytes (one key), got " + dedupeBufferBytes);
    }
    this.dedupeBufferBytes = dedupeBufferBytes;
    if (logDirs == null || logDirs.isEmpty()) {
      throw new IllegalArgumentException("At least one log directory is required");
    }
    this.logDirs = List.copyOf(logDirs);
    this.brokerTopicDefaults = brokerTopicDefaults == null ? Map.of() : Map.copyOf(brokerTopicDefaults);
    this.time = time;
    LogConfig.fromMap(this.brokerTopicDefaults, Map.of()); // fail fast on bad broker defaults
  }

  /**
   * Locks every log dir ({@code .lock}, so two brokers never share one), then loads and recovers every
   * partition directory found in them.
   */
  public synchronized void startup() throws IOException {
    ensureOpen();
    for (Path logDir : logDirs) {
      Files.createDirectories(logDir);
      lock(logDir);
    }
    for (Path logDir : logDirs) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(logDir, Files::isDirectory)) {
        for (Path p : ds) {
          String name = p.getFileName().toString();
          if (name.endsWith("-delete")) {
            deleteRecursively(p);
            continue;
          }
          Optional<TopicPartition> tp = parse(name);
          if (tp.isEmpty()) {
            LOG.warn("Ignoring directory {}: not named <topic>-<partition>", p);
            continue;
          }
          if (logs.containsKey(tp.get())) {
            LOG.error("Partition {} found twice ({} and {}); keeping the first", tp.get(), logs.get(tp.get()).dir(), p);
            continue;
          }
          Map<String, String> o = readOverrides(p);
          PartitionLog log = PartitionLog.open(p, tp.get(), null, LogConfig.fromMap(brokerTopicDefaults, o), time);
          logs.put(tp.get(), log);
          overrides.put(tp.get(), o);
        }
      }
      restoreHighWatermarks(logDir);
    }
    LOG.info("Loaded {} partition logs from {}", logs.size(), logDirs);
  }

  /**
   * Gives each partition of the log dir the high watermark it had before the restart (never above its log end
   * nor below its start), so that a restarted leader's consumers never see the latest offset go backwards.
   * An unreadable checkpoint is logged and ignored: the high watermarks then start at the log start, as before.
   */
  private void restoreHighWatermarks(Path logDir) {
    Path file = logDir.resolve(PartitionOffsetsFile.HIGH_WATERMARKS);
    Map<TopicPartition, Long> checkpointed;
    try {
      checkpointed = PartitionOffsetsFile.read(file);
    } catch (IOException e) {
      LOG.warn("Ignoring the high watermark checkpoint: {}", e.getMessage());
      return;
    }
    checkpointed.forEach((tp, hw) -> {
      PartitionLog log = logs.get(tp);
      if (log != null && log.dir().getParent().equals(logDir)) {
        log.updateHighWatermark(Math.max(log.logStartOffset(), Math.min(hw, log.logEndOffset())));
      }
    });
  }

  /**
   * Writes each log dir's {@code replication-offset-checkpoint}: the known high watermark of every online
   * partition in it. Runs every {@code replica.high.watermark.checkpoint.interval.ms} and at shutdown.
   */
  public void checkpointHighWatermarks() throws IOException {
    writePerLogDir(PartitionOffsetsFile.HIGH_WATERMARKS, logs.values(), PartitionLog::knownHighWatermark);
  }

  /** Writes {@code fileName} in every log dir: the offset of each of its online logs that has one. */
  private void writePerLogDir(String fileName, Collection<PartitionLog> partitionLogs, Function<PartitionLog, OptionalLong> offsetOf)
      throws IOException {
    for (Path logDir : logDirs) {
      Map<TopicPartition, Long> offsets = new HashMap<>();
      for (PartitionLog log : partitionLogs) {
        if (log.dir().getParent().equals(logDir) && !log.isOffline()) {
          offsetOf.apply(log).ifPresent(offset -> offsets.put(log.topicPartition(), offset));
        }
      }
      PartitionOffsetsFile.write(logDir.resolve(fileName), offsets);
    }
  }

  /**
   * fsyncs the segments rolled since the last pass (moving each log's recovery point to its active segment)
   * and writes each log dir's {@code recovery-point-offset-checkpoint}. Runs every
   * {@code log.flush.offset.checkpoint.interval.ms}; the file is written at shutdown too.
   */
  public void checkpointRecoveryPoints() throws IOException {
    for (PartitionLog log : logs.values()) {
      try {
        log.flushRolledSegments();
      } catch (KafkaStorageException e) {
        LOG.debug("Skipping the recovery point of {}: {}", log.topicPartition(), e.getMessage());
      }
    }
    writeRecoveryPoints(logs.values());
  }

  private void writeRecoveryPoints(Collection<PartitionLog> partitionLogs) throws IOException {
    writePerLogDir(PartitionOffsetsFile.RECOVERY_POINTS, partitionLogs, log -> OptionalLong.of(log.recoveryPoint()));
  }

  private void lock(Path logDir) throws IOException {
    FileChannel ch = FileChannel.open(logDir.resolve(".lock"),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      ch.close();
      throw new IOException("Log directory " + logDir + " is in use by another broker (" + logDir.resolve(".lock")
          + " is locked); give each broker its own log.dirs");
    }
    lockChannels.add(ch);
  }

  static Optional<TopicPartition> parse(String dirName) {
    int dash = dirName.lastIndexOf('-');
    if (dash <= 0 || dash == dirName.length() - 1) {
      return Optional.empty();
    }
    try {
      int partition = Integer.parseInt(dirName.substring(dash + 1));
      return partition < 0 ? Optional.empty() : Optional.of(new TopicPartition(dirName.substring(0, dash), partition));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * The log of a partition, created if absent. An existing log of another topic id (a deleted and recreated
   * topic) is deleted first. Changed overrides are applied to an existing log. A new log's directory entry in its
   * log dir is fsynced before the log is returned (or seen by anyone else).
   */
  public PartitionLog getOrCreate(TopicPartition tp, Uuid topicId, Map<String, String> topicOverrides) throws IOException {
    Object got = reserveOrGet(tp, topicId, topicOverrides);
    if (got instanceof PartitionLog existing) {
      return existing;
    }
    Reservation r = (Reservation) got;
    PartitionLog log;
    try {
      log = build(r);
      CheckpointFile.fsyncDir(r.dir().getParent());
    } catch (IOException | RuntimeException e) {
      abandon(r, e);
      throw e;
    }
    publish(r, log);
    return log;
  }

  /** One partition asked of {@link #getOrCreateAll}: its topic id and topic overrides. */
  public record LogSpec(TopicPartition tp, Uuid topicId, Map<String, String> topicOverrides) {}

  /** What {@link #getOrCreateAll} got: the log of each partition, or why it could not be opened. */
  public record Opened(Map<TopicPartition, PartitionLog> logs, Map<TopicPartition, Exception> failures) {}

  /**
   * {@link #getOrCreate} for many partitions at once (the new partitions of one metadata image: 50 for a fresh
   * {@code __consumer_offsets}): the new logs are created in parallel on up to {@link #LOG_CREATION_THREADS} threads,
   * then each log dir that got new partition directories is fsynced once, and only then are the new logs published.
   * A partition that fails is reported in {@link Opened#failures()}; the others are not affected.
   */
  public Opened getOrCreateAll(Collection<LogSpec> specs) {
    Map<TopicPartition, LogSpec> unique = new LinkedHashMap<>();
    specs.forEach(s -> unique.putIfAbsent(s.tp(), s)); // one reservation per partition: never wait on our own
    Map<TopicPartition, PartitionLog> logsOut = new LinkedHashMap<>();
    Map<TopicPartition, Exception> failures = new LinkedHashMap<>();
    Map<Reservation, Future<PartitionLog>> building = new LinkedHashMap<>();
    for (LogSpec s : unique.values()) {
      try {
        Object got = reserveOrGet(s.tp(), s.topicId(), s.topicOverrides());
        if (got instanceof PartitionLog existing) {
          logsOut.put(s.tp(), existing);
        } else {
          Reservation r = (Reservation) got;
          try {
            building.put(r, creationPool().submit(() -> build(r)));
          } catch (RuntimeException e) { // closing: nobody must wait for this reservation
            abandon(r, e);
            throw e;
          }
        }
      } catch (IOException | RuntimeException e) {
        failures.put(s.tp(), e);
      }
    }
    Map<Reservation, PartitionLog> built = new LinkedHashMap<>();
    Set<Path> logDirsToSync = new HashSet<>();
    building.forEach((r, f) -> {
      try {
        built.put(r, awaitBuilt(f));
        logDirsToSync.add(r.dir().getParent());
      } catch (IOException | RuntimeException e) {
        abandon(r, e);
        failures.put(r.tp(), e);
      }
    });
    logDirsToSync.forEach(CheckpointFile::fsyncDir); // once per log dir, not once per new log
    built.forEach((r, log) -> {
      try {
        publish(r, log);
        logsOut.put(r.tp(), log);
      } catch (IOException | RuntimeException e) {
        failures.put(r.tp(), e);
      }
    });
    return new Opened(logsOut, failures);
  }

  private static PartitionLog awaitBuilt(Future<PartitionLog> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while creating a log", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(e.getCause());
    }
  }

  /** A partition whose log this caller creates; others asking for it meanwhile wait for {@code done}. */
  private record Reservation(TopicPartition tp, Uuid topicId, Map<String, String> overrides, LogConfig config, Path dir,
                             CompletableFuture<PartitionLog> done) {}

  /**
   * Under the lock, which only guards the maps: the partition's log (an existing one, or one another caller just
   * finished creating), or a {@link Reservation} to create it. Waits, without the lock, for a creation in flight.
   */
  private Object reserveOrGet(TopicPartition tp, Uuid topicId, Map<String, String> topicOverrides) throws IOException {
    Map<String, String> o = topicOverrides == null ? Map.of() : Map.copyOf(topicOverrides);
    LogConfig config = LogConfig.fromMap(brokerTopicDefaults, o);
    while (true) {
      CompletableFuture<PartitionLog> inFlight;
      synchronized (this) {
        ensureOpen();
        Reservation other = creating.get(tp);
        PartitionLog existing = logs.get(tp);
        switch (LogCreationStep.decide(other != null, existing == null ? null : existing.topicId(), topicId)) {
          case AWAIT_CREATOR -> inFlight = other.done();
          case USE_EXISTING -> {
            if (!o.equals(overrides.get(tp))) {
              existing.updateConfig(config);
              writeOverrides(existing.dir(), o, true);
              overrides.put(tp, o);
            }
            return existing;
          }
          case REPLACE_EXISTING -> {
            LOG.warn("Partition {} in {} belongs to topic id {}, now {}: deleting the old data (topic recreated)", tp,
                existing.dir(), existing.topicId(), topicId);
            delete(tp);
            return reserve(tp, topicId, o, config);
          }
          default -> {
            return reserve(tp, topicId, o, config);
          }
        }
      }
      inFlight.handle((log, error) -> null).join(); // its outcome is read again under the lock
    }
  }

  private Reservation reserve(TopicPartition tp, Uuid topicId, Map<String, String> o, LogConfig config) {
    assert Thread.holdsLock(this);
    Path dir = chooseLogDir().resolve(tp.topic() + "-" + tp.partition());
    Reservation r = new Reservation(tp, topicId, o, config, dir, new CompletableFuture<>());
    creating.put(tp, r);
    return r;
  }

  /** The I/O of a new log, without the lock: its directory, overrides file and first segment. Not yet published. */
  private PartitionLog build(Reservation r) throws IOException {
    Path dir = r.dir();
    if (Files.exists(dir)) { // left over (e.g. not loaded): check its topic id
      Optional<Uuid> stored = PartitionMetadata.read(dir);
      Uuid topicId = r.topicId();
      if (stored.isPresent() && topicId != null && !topicId.equals(Uuid.ZERO_UUID) && !stored.get().equals(topicId)) {
        LOG.warn("Deleting stale directory {} of topic id {} (now {})", dir, stored.get(), topicId);
        deleteRecursively(dir);
      }
    }
    Files.createDirectories(dir);
    // Not fsynced for a new log: the file only lets a restart load the log with its topic's configs before the
    // metadata arrives, and the metadata's getOrCreate rewrites it before the partition serves; a young log
    // loaded with the broker defaults meanwhile loses nothing (a fresh topic of 50 partitions: 100 fsyncs less).
    writeOverrides(dir, r.overrides(), false);
    return PartitionLog.open(dir, r.tp(), r.topicId(), r.config(), time);
  }

  /** Makes a built log the partition's (its directory entry is fsynced by now) and wakes those waiting for it. */
  private void publish(Reservation r, PartitionLog log) throws IOException {
    IllegalStateException refused;
    synchronized (this) {
      creating.remove(r.tp(), r);
      if (closed) {
        refused = new IllegalStateException("LogManager is closed"); // it closed while this log was being created
      } else if (logs.putIfAbsent(r.tp(), log) != null) {
        // The reservation keeps every other creator of this partition waiting: nobody can have put one meanwhile.
        refused = new IllegalStateException("two logs created for " + r.tp() + " (a bug): keeping the first");
      } else {
        overrides.put(r.tp(), r.overrides());
        r.done().complete(log);
        return;
      }
    }
    log.close();
    r.done().completeExceptionally(refused);
    throw refused;
  }

  private void abandon(Reservation r, Exception cause) {
    synchronized (this) {
      creating.remove(r.tp(), r);
    }
    r.done().completeExceptionally(cause);
  }

  /** Threads creating new logs in parallel ({@link #getOrCreateAll}); mostly waiting on fsyncs, not on a CPU. */
  static final int LOG_CREATION_THREADS = 8;

  private synchronized ExecutorService creationPool() {
    ensureOpen();
    if (creationPool == null) {
      AtomicInteger n = new AtomicInteger();
      ThreadPoolExecutor pool = new ThreadPoolExecutor(LOG_CREATION_THREADS, LOG_CREATION_THREADS,
          LOG_CREATION_THREAD_IDLE_MS, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "log-creator-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
          });
      pool.allowCoreThreadTimeOut(true); // new logs come in bursts (a topic created); idle the rest of the time
      creationPool = pool;
    }
    return creationPool;
  }

  /** How long an idle log creation thread lives. */
  private static final long LOG_CREATION_THREAD_IDLE_MS = 30_000;

  /** The log dir holding the fewest partitions (those being created included). */
  private Path chooseLogDir() {
    Map<Path, Integer> counts = new HashMap<>();
    for (Path d : logDirs) {
      counts.put(d, 0);
    }
    for (PartitionLog l : logs.values()) {
      Path parent = l.dir().getParent();
      counts.computeIfPresent(parent, (k, v) -> v + 1);
    }
    for (Reservation r : creating.values()) {
      counts.computeIfPresent(r.dir().getParent(), (k, v) -> v + 1);
    }
    Path best = logDirs.get(0);
    for (Path d : logDirs) {
      if (counts.get(d) < counts.get(best)) {
        best = d;
      }
    }
    return best;
  }

  public Optional<PartitionLog> get(TopicPartition tp) {
    return Optional.ofNullable(logs.get(tp));
  }

  public Collection<PartitionLog> all() {
    return Collections.unmodifiableCollection(new ArrayList<>(logs.values()));
  }

  /** Topic deletion: closes the log and removes its directory. */
  public synchronized void delete(TopicPartition tp) throws IOException {
    PartitionLog log = logs.remove(tp);
    overrides.remove(tp);
    if (log != null) {
      log.deleteFiles();
    }
  }

  /** Starts the daemon scheduler with Kafka's default checkpoint intervals. */
  public synchronized void startBackgroundTasks(long retentionCheckIntervalMs, long flushCheckIntervalMs) {
    startBackgroundTasks(retentionCheckIntervalMs, flushCheckIntervalMs, DEFAULT_HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS,
        DEFAULT_RECOVERY_POINT_CHECKPOINT_INTERVAL_MS);
  }

  /**
   * Starts the daemon scheduler: retention + compaction every retentionCheckIntervalMs, flush.ms checks every
   * flushCheckIntervalMs, the high watermark checkpoint every highWatermarkCheckpointIntervalMs, the flush of
   * rolled segments and the recovery point checkpoint every recoveryPointCheckpointIntervalMs.
   */
  public synchronized void startBackgroundTasks(long retentionCheckIntervalMs, long flushCheckIntervalMs, long highWatermarkCheckpointIntervalMs,
      long recoveryPointCheckpointIntervalMs) {
    ensureOpen();
    if (scheduler != null) {
      return;
    }
    scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "log-manager-scheduler");
      t.setDaemon(true);
      return t;
    });
    scheduleEvery(retentionCheckIntervalMs, "Retention/compaction pass", this::runRetentionAndCompactionNow);
    scheduler.scheduleWithFixedDelay(() -> {
      long now = time.milliseconds();
      for (PartitionLog l : logs.values()) {
        try {
          l.flushIfDue(now);
        } catch (Throwable t) {
          LOG.error("Flush of {} failed", l.topicPartition(), t);
        }
      }
    }, flushCheckIntervalMs, flushCheckIntervalMs, TimeUnit.MILLISECONDS);
    scheduleEvery(highWatermarkCheckpointIntervalMs, "Writing the high watermark checkpoint", this::checkpointHighWatermarks);
    scheduleEvery(recoveryPointCheckpointIntervalMs, "Writing the recovery point checkpoint", this::checkpointRecoveryPoints);
  }

  /**
   * Every {@code checkIntervalMs}, forgets in every log the producers idle for {@code expirationMs} with no open
   * transaction (Kafka's producer.id.expiration.ms and producer.id.expiration.check.interval.ms). Needs the
   * scheduler of {@link #startBackgroundTasks}.
   */
  public synchronized void startProducerExpiration(long expirationMs, long checkIntervalMs) {
    ensureOpen();
    if (scheduler == null) {
      throw new IllegalStateException("startBackgroundTasks first: producer expiration runs on its scheduler");
    }
    scheduleEvery(checkIntervalMs, "Producer id expiration", () -> {
      long now = time.milliseconds();
      for (PartitionLog l : logs.values()) {
        int removed = l.removeExpiredProducers(now, expirationMs);
        if (removed > 0) {
          LOG.debug("{}: forgot {} producer(s) idle for {} ms or more", l.topicPartition(), removed, expirationMs);
        }
      }
    });
  }

  private interface Task {
    void run() throws IOException;
  }

  /** Runs the task every intervalMs on the scheduler; a failure is logged and the next run happens anyway. */
  private void scheduleEvery(long intervalMs, String what, Task task) {
    scheduler.scheduleWithFixedDelay(() -> {
      try {
        task.run();
      } catch (Throwable t) {
        LOG.error("{} failed", what, t);
      }
    }, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
  }

  /** One retention pass over every log, then compaction of compacted logs whose dirty ratio is reached. */
  public void runRetentionAndCompactionNow() throws IOException {
    long now = time.milliseconds();
    IOException first = null;
    for (PartitionLog l : logs.values()) {
      try {
        l.deleteExpiredSegments(now);
        LogConfig cfg = l.config();
        if (cfg.compact() && l.dirtyRatio() >= cfg.minCleanableDirtyRatio() && l.dirtyRatio() > 0) {
          LogCleaner.clean(l, now, dedupeBufferBytes);
        }
      } catch (IOException e) {
        LOG.error("Retention/compaction of {} failed", l.topicPartition(), e);
        if (first == null) {
          first = e;
        }
      } catch (KafkaStorageException e) {
        LOG.debug("Skipping closed log {}", l.topicPartition());
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("LogManager is closed");
    }
  }

  /** Stops the scheduler and closes every log cleanly. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (creationPool != null) {
      creationPool.shutdown(); // a creation in flight finishes and closes its log (see publish)
    }
    if (scheduler != null) {
      scheduler.shutdownNow();
      try {
        scheduler.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    IOException first = null;
    try {
      checkpointHighWatermarks();
    } catch (IOException e) {
      LOG.error("Writing the high watermark checkpoint at shutdown failed", e);
      first = e;
    }
    for (PartitionLog l : logs.values()) {
      try {
        l.close();
      } catch (IOException e) {
        LOG.error("Closing {} failed", l.topicPartition(), e);
        if (first == null) {
          first = e;
        }
      }
    }
    try {
      writeRecoveryPoints(logs.values()); // closed logs: each recovery point is its log end
    } catch (IOException e) {
      LOG.error("Writing the recovery point checkpoint at shutdown failed", e);
      if (first == null) {
        first = e;
      }
    }
    logs.clear();
    for (FileChannel ch : lockChannels) {
      ch.close(); // releases the lock
    }
    lockChannels.clear();
    if (first != null) {
      throw first;
    }
  }

  // ---- overrides file

  private static Map<String, String> readOverrides(Path dir) throws IOException {
    Path f = dir.resolve(OVERRIDES_FILE);
    if (!Files.exists(f)) {
      return Map.of();
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    Map<String, String> out = new TreeMap<>();
    for (String k : p.stringPropertyNames()) {
      out.put(k, p.getProperty(k));
    }
    return out;
  }

  private static void writeOverrides(Path dir, Map<String, String> o, boolean sync) throws IOException {
    Properties p = new Properties();
    p.putAll(o);
    StringWriter sw = new StringWriter();
    try (Writer w = sw) {
      p.store(w, "topic configuration overrides");
    }
    CheckpointFile.write(dir.resolve(OVERRIDES_FILE), sw.toString(), sync);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
