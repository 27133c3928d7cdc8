package io.tributary.log.storage;

import io.tributary.log.storage.BatchValidator.Source;
import io.tributary.log.storage.BatchValidator.ValidatedBatches;
import io.tributary.log.storage.LogLoader.LoadedLog;
import io.tributary.log.storage.RetentionPolicy.SegmentFacts;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.FileRecords;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of one partition: a directory of segments plus its checkpoints (see the package files
 * {@link Segment}, {@link ProducerStateManager}, {@link LeaderEpochCache}, {@link RecoveryCheckpoint},
 * {@link OffsetCheckpoint}, {@link PartitionMetadata}). Appends, truncation, retention and compaction swaps are
 * serialised on this object; reads run concurrently and see only whole appended batches (the segment file size
 * grows after the bytes are written). Removed segments are renamed {@code .deleted} and closed after
 * {@code file.delete.delay.ms} ({@link DelayedSegmentDeletes}), so slices handed to in-flight fetches stay readable.
 *
 * <p>This class is the log core: offsets, appends, reads, rolls, truncation, flushes, retention and the
 * compaction swap. A request's batches are checked by {@link BatchValidator} before anything is written;
 * {@link LogLoader} opens and recovers the directory; {@link LogSegments} holds the segments;
 * {@link RetentionPolicy} decides which of them retention deletes.
 *
 * <p>Why one file of ~750 lines: every write path here (append, roll, truncate, compaction swap, flush) shares
 * the lock, the segment map and the offline state a failed write sets (a write that cannot be undone takes
 * the log offline, KAFKA_STORAGE_ERROR from then on); splitting them would pass that state between classes.
 */
public final class PartitionLog implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionLog.class);

  private final Path dir;
  private final TopicPartition tp;
  private final Uuid topicId;
  private final Time time;
  private volatile LogConfig config;
  private final LogSegments segments;
  private final ProducerStateManager producers;
  private final LeaderEpochCache epochCache;
  private final DelayedSegmentDeletes delayedDeletes = new DelayedSegmentDeletes();
  private volatile long logStartOffset;
  private volatile long logEndOffset;
  private volatile long recoveryPoint;
  private long unflushedMessages;
  private long lastFlushMs;
  private long cleanerCheckpoint;
  private volatile boolean closed;
  /** Why this log's directory went offline (a torn append, a failed fsync), or null while it is usable. */
  private volatile String offlineReason;
  private volatile long highWatermark = Long.MAX_VALUE;
  /** Counts truncations: a cleaning pass planned before one is abandoned (its offset map may name lost records). */
  private volatile long truncations;
  /** Held by a cleaning pass for its whole length, so passes of this log never overlap; appends never take it. */
  private final Object cleaningLock = new Object();

  private PartitionLog(Path dir, TopicPartition tp, Uuid topicId, LogConfig config, Time time, LoadedLog loaded) {
    this.dir = dir;
    this.tp = tp;
    this.topicId = topicId;
    this.config = config;
    this.time = time;
    this.segments = loaded.segments();
    this.producers = loaded.producers();
    this.epochCache = loaded.epochCache();
    this.logStartOffset = loaded.logStartOffset();
    this.logEndOffset = loaded.logEndOffset();
    this.recoveryPoint = loaded.logEndOffset();
    this.cleanerCheckpoint = loaded.cleanerCheckpoint();
    this.lastFlushMs = loaded.loadedAtMs();
  }

  /** Opens (creating if absent) the partition directory, loads segments and recovers after an unclean stop. */
  public static PartitionLog open(Path dir, TopicPartition tp, Uuid topicId, LogConfig config, Time time) throws IOException {
    Uuid id = LogLoader.resolveTopicId(dir, topicId);
    LoadedLog loaded = new LogLoader(dir, tp, config, time).load();
    return new PartitionLog(dir, tp, id, config, time, loaded);
  }

  // ------------------------------------------------------------------ accessors

  public TopicPartition topicPartition() {
    return tp;
  }

  public Uuid topicId() {
    return topicId;
  }

  public Path dir() {
    return dir;
  }

  public LogConfig config() {
    return config;
  }

  public long logStartOffset() {
    return logStartOffset;
  }

  public long logEndOffset() {
    return logEndOffset;
  }

  /** Bytes of all segments. */
  public long size() {
    return segments.sizeInBytes();
  }

  long recoveryPoint() {
    return recoveryPoint;
  }

  List<Long> segmentBaseOffsets() {
    return segments.baseOffsets();
  }

  List<Segment> segmentList() {
    return new ArrayList<>(segments.all());
  }

  Time time() {
    return time;
  }

  // ------------------------------------------------------------------ appends

  /** The same bytes as a MemoryRecords whose buffer starts at position 0 (sizeInBytes() is the buffer's limit). */
  private static MemoryRecords fromPositionZero(MemoryRecords records) {
    if (records == null || records.buffer().position() == 0) {
      return records;
    }
    return MemoryRecords.readableRecords(records.buffer().slice());
  }

  /** Leader append: validates everything, assigns offsets, stamps the leader epoch (and LogAppendTime), writes. */
  public synchronized AppendResult appendAsLeader(MemoryRecords records, int leaderEpoch) throws IOException {
    return appendAsLeader(records, leaderEpoch, false, null);
  }

  /**
   * Leader append of a client's produce under transaction verification (KIP-890 part 1): a transactional batch of
   * a producer with no transaction open here is written only with the partition's live guard for that producer
   * ({@link #maybeStartTransactionVerification}, then the coordinator said yes), else refused with
   * InvalidTxnStateException and nothing is written.
   *
   * @param requestGuard the guard obtained before asking the coordinator, or {@link VerificationGuard#SENTINEL}
   */
  public synchronized AppendResult appendAsLeader(MemoryRecords records, int leaderEpoch, VerificationGuard requestGuard)
      throws IOException {
    return appendAsLeader(records, leaderEpoch, false, Objects.requireNonNull(requestGuard, "requestGuard"));
  }

  /** See {@link ProducerStateManager#maybeStartTransactionVerification}. */
  public VerificationGuard maybeStartTransactionVerification(long producerId, short producerEpoch) {
    return producers.maybeStartTransactionVerification(producerId, producerEpoch);
  }

  /** Whether the producer has a transaction open on this partition at this epoch. */
  public boolean hasOngoingTransaction(long producerId, short producerEpoch) {
    return producers.hasOngoingTransaction(producerId, producerEpoch);
  }

  /**
   * Leader append of a transaction marker ({@link TransactionMarkers#endTransaction}) asked for by the transaction
   * coordinator: the only way a control batch enters a leader's log.
   */
  public synchronized AppendResult appendMarkerAsLeader(MemoryRecords marker, int leaderEpoch) throws IOException {
    return appendAsLeader(marker, leaderEpoch, true, null);
  }

  /** @param requestGuard null when no verification applies (coordinator writes, appends without it) */
  private AppendResult appendAsLeader(MemoryRecords records, int leaderEpoch, boolean fromCoordinator,
      VerificationGuard requestGuard) throws IOException {
    ensureOpen();
    records = fromPositionZero(records);
    ValidatedBatches v = BatchValidator.forConfig(tp, config).validate(records, logEndOffset, Source.PRODUCER);
    long now = time.milliseconds();
    boolean logAppendTime = config.messageTimestampType() == TimestampType.LOG_APPEND_TIME;
    ProducerStateManager.Staged staged = producers.stage();
    long next = logEndOffset;
    for (MutableRecordBatch batch : v.batches()) {
      if (batch.isControlBatch() != fromCoordinator || (fromCoordinator && !batch.hasProducerId())) {
        throw new InvalidRecordException(fromCoordinator
            ? "Transaction marker for " + tp + " is not a control batch of a producer"
            : "Control batch from a client refused on " + tp + ": only the transaction coordinator writes transaction markers");
      }
      if (batch.hasProducerId()) {
        ProducerStateManager.BatchMetadata dup = staged.checkLeader(batch, next);
        if (dup != null) {
          LOG.debug("Duplicate batch from producer {} seq {}..{} on {}: returning offsets {}..{}", batch.producerId(),
              batch.baseSequence(), batch.lastSequence(), tp, dup.firstOffset(), dup.lastOffset());
          return new AppendResult(dup.firstOffset(), dup.lastOffset(), -1, logStartOffset, v.batches().size(), v.recordCount(), true);
        }
        if (requestGuard != null && batch.isTransactional() && !staged.hasOngoingTransaction(batch.producerId(), batch.producerEpoch())
            && !producers.verificationGuard(batch.producerId()).verify(requestGuard)) {
          // The coordinator does not know this partition is in the transaction (or no longer): writing would
          // open a transaction no marker will ever close (a hanging transaction holding the LSO).
          throw new InvalidTxnStateException("Record was not part of an ongoing transaction: producer "
              + batch.producerId() + " (epoch " + batch.producerEpoch() + ") on " + tp + " has no verified transaction");
        }
      }
      long delta = batch.lastOffset() - batch.baseOffset();
      batch.setLastOffset(next + delta);
      batch.setPartitionLeaderEpoch(leaderEpoch);
      if (logAppendTime) {
        batch.setMaxTimestamp(TimestampType.LOG_APPEND_TIME, now);
      }
      if (batch.hasProducerId()) {
        staged.stage(batch);
      }
      next += delta + 1;
    }
    long first = logEndOffset;
    write(records, first, next - 1, now);
    epochCache.assign(leaderEpoch, first);
    indexAborted(producers.commit(staged));
    afterAppend(v.recordCount(), now);
    return new AppendResult(first, next - 1, logAppendTime ? now : -1, logStartOffset, v.batches().size(), v.recordCount(), false);
  }

  /**
   * Follower append: batches keep their offsets and epochs. The first must start at or after the log end
   * and offsets must grow (gaps are allowed: a compacted leader log has them).
   */
  public synchronized AppendResult appendAsFollower(MemoryRecords records) throws IOException {
    ensureOpen();
    records = fromPositionZero(records);
    ValidatedBatches v = BatchValidator.forConfig(tp, config).validate(records, logEndOffset, Source.LEADER_LOG);
    long now = time.milliseconds();
    long expected = logEndOffset;
    ProducerStateManager.Staged staged = producers.stage();
    for (MutableRecordBatch batch : v.batches()) {
      if (batch.baseOffset() < expected) {
        throw new OffsetOutOfRangeException("Follower append to " + tp + " at offset " + batch.baseOffset()
            + " overlaps the log, whose next offset is " + expected + "; truncate first");
      }
      if (batch.hasProducerId()) {
        staged.stage(batch);
      }
      expected = batch.lastOffset() + 1;
    }
    long first = v.batches().get(0).baseOffset();
    long last = expected - 1;
    write(records, first, last, now);
    for (MutableRecordBatch batch : v.batches()) {
      epochCache.assign(batch.partitionLeaderEpoch(), batch.baseOffset());
    }
    indexAborted(producers.commit(staged));
    afterAppend(v.recordCount(), now);
    return new AppendResult(first, last, -1, logStartOffset, v.batches().size(), v.recordCount(), false);
  }

  /**
   * Writes assigned batches to the active segment (rolling first if due). On failure nothing in memory has
   * changed and the segment was put back as before ({@link Segment#append}), so the caller's state stays
   * consistent; when it could not be put back, the log goes offline.
   */
  private void write(MemoryRecords records, long firstOffset, long lastOffset, long now) {
    Segment active = null;
    try {
      active = maybeRoll(records.sizeInBytes(), firstOffset, lastOffset, now);
      active.append(records);
    } catch (TornSegmentException e) {
      throw goOffline(e);
    } catch (IOException e) {
      Path file = active != null ? active.logPath() : dir;
      throw new KafkaStorageException("Write to " + file + " for " + tp + " at offset " + firstOffset + " failed (the log is as before): " + e, e);
    }
    logEndOffset = lastOffset + 1;
  }

  /** Records the transactions the appended ABORT markers closed in the segment that took the markers. */
  private void indexAborted(List<AbortedTxn> aborted) {
    if (aborted.isEmpty()) {
      return;
    }
    Segment active = segments.active();
    try {
      for (AbortedTxn txn : aborted) {
        active.txnIndex().append(txn);
      }
    } catch (IOException e) {
      // The markers are in the log but the index misses them: read_committed fetches would show aborted records.
      throw goOffline(e);
    }
  }

  private Segment maybeRoll(int size, long firstOffset, long lastOffset, long now) throws IOException {
    Segment active = segments.active();
    LogConfig cfg = config;
    boolean full = active.sizeInBytes() > 0 && (long) active.sizeInBytes() + size > cfg.segmentBytes();
    boolean old = active.sizeInBytes() > 0 && now - active.createdMs() > cfg.segmentMs();
    boolean indexFull = active.indexFull();
    boolean offsetOverflow = !active.canHoldOffset(lastOffset);
    if (full || old || indexFull || offsetOverflow) {
      return roll(Math.max(firstOffset, logEndOffset), now);
    }
    return active;
  }

  /** Starts a new active segment at newBase; the previous one gets its final time-index entry and a producer snapshot is taken. */
  private Segment roll(long newBase, long now) throws IOException {
    Segment prev = segments.active();
    if (prev.sizeInBytes() == 0 && prev.baseOffset() == newBase) {
      return prev;
    }
    prev.onBecomeInactive();
    producers.takeSnapshot(logEndOffset, false);
    Segment seg = Segment.create(dir, newBase, config, now);
    segments.add(seg);
    if (prev.sizeInBytes() == 0) { // an empty previous segment is useless
      segments.remove(prev.baseOffset());
      prev.deleteFiles();
    }
    LOG.debug("Rolled {} to a new segment at offset {}", tp, newBase);
    return seg;
  }

  private void afterAppend(int recordCount, long now) throws IOException {
    unflushedMessages += recordCount;
    if (unflushedMessages >= config.flushMessages()) {
      flush();
    }
  }

  // ------------------------------------------------------------------ reads

  /**
   * Reads whole batches from startOffset (the first may start before it) up to maxBytes, excluding batches
   * whose last offset is >= maxOffsetExclusive; with minOneBatch, the first batch is returned even if larger
   * than maxBytes. Zero copy: a slice of one segment file.
   */
  public LogReadResult read(long startOffset, int maxBytes, long maxOffsetExclusive, boolean minOneBatch) throws IOException {
    ensureOnline();
    long end = logEndOffset;
    long start = logStartOffset;
    if (startOffset == end) {
      return new LogReadResult(MemoryRecords.EMPTY, start, end);
    }
    if (startOffset < start || startOffset > end) {
      throw new OffsetOutOfRangeException("Offset " + startOffset + " is out of range for " + tp + ": the log holds offsets ["
          + start + ", " + end + ")");
    }
    FileRecords r = segments.read(startOffset, maxBytes, maxOffsetExclusive, minOneBatch);
    return new LogReadResult(r != null ? r : MemoryRecords.EMPTY, logStartOffset, logEndOffset);
  }

  /**
   * ListOffsets by timestamp: the first record at or after the log start whose timestamp is >= timestampMs.
   * -2 (earliest) gives the log start offset and -1 (latest) the log end offset, as in ListOffsets.
   */
  public synchronized Optional<FileRecords.TimestampAndOffset> offsetForTimestamp(long timestampMs) throws IOException {
    ensureOnline();
    if (timestampMs == -2L) {
      return Optional.of(new FileRecords.TimestampAndOffset(RecordBatch.NO_TIMESTAMP, logStartOffset, Optional.empty()));
    }
    if (timestampMs == -1L) {
      OptionalInt epoch = latestEpoch();
      return Optional.of(new FileRecords.TimestampAndOffset(RecordBatch.NO_TIMESTAMP, logEndOffset,
          epoch.isPresent() ? Optional.of(epoch.getAsInt()) : Optional.empty()));
    }
    return Optional.ofNullable(segments.findOffsetByTimestamp(timestampMs, logStartOffset));
  }

  // ------------------------------------------------------------------ transactions

  /**
   * The last stable offset for a high watermark: below it, and below the first offset of the oldest open
   * transaction (never below the log start, as Kafka: the open transaction's start may have been deleted).
   */
  public long lastStableOffset(long highWatermark) {
    long lso = OpenTransactions.lastStableOffset(highWatermark, producers.firstUnstableOffset());
    return Math.max(lso, Math.min(logStartOffset, highWatermark));
  }

  /** The aborted transactions overlapping [fetchOffset, upperBoundOffset): see {@link LogSegments#abortedTransactions}. */
  public List<AbortedTxn> abortedTransactions(long fetchOffset, long upperBoundOffset) {
    return segments.abortedTransactions(fetchOffset, upperBoundOffset);
  }

  /** The state of every producer this partition knows (DescribeProducers). */
  public List<ProducerState> producerStates() {
    return producers.producerStates();
  }

  // ------------------------------------------------------------------ truncation

  /** Drops everything at or after offset (whole batches; a batch holding offset goes too). */
  public synchronized void truncateTo(long offset) throws IOException {
    ensureOpen();
    if (offset >= logEndOffset) {
      return;
    }
    if (offset < 0) {
      throw new IllegalArgumentException("Cannot truncate " + tp + " to negative offset " + offset);
    }
    if (offset <= logStartOffset && offset <= segments.firstBaseOffset()) {
      truncateFullyAndStartAt(offset);
      return;
    }
    LOG.info("Truncating {} to offset {} (log end was {})", tp, offset, logEndOffset);
    truncations++;
    for (long base : segments.baseOffsetsAbove(offset)) {
      if (segments.count() > 1) {
        scheduleDelete(segments.remove(base));
      }
    }
    Segment active = segments.active();
    active.truncateTo(offset);
    logEndOffset = active.nextOffset();
    if (logStartOffset > logEndOffset) {
      logStartOffset = logEndOffset;
      OffsetCheckpoint.write(dir, OffsetCheckpoint.LOG_START_FILE, logStartOffset);
    }
    epochCache.truncateFromEnd(logEndOffset);
    producers.deleteSnapshotsAbove(logEndOffset);
    LogLoader.rebuildProducerState(producers, segments.all(), logEndOffset);
    if (cleanerCheckpoint > logEndOffset) {
      cleanerCheckpoint = logEndOffset;
      OffsetCheckpoint.write(dir, OffsetCheckpoint.CLEANER_FILE, cleanerCheckpoint);
    }
    recoveryPoint = Math.min(recoveryPoint, logEndOffset);
    active.flush();
    RecoveryCheckpoint.write(dir, recoveryPoint);
  }

  /** Drops the whole log and starts it empty at offset (log start = log end = offset). */
  public synchronized void truncateFullyAndStartAt(long offset) throws IOException {
    ensureOpen();
    LOG.info("Truncating {} fully and starting at offset {}", tp, offset);
    truncations++;
    long now = time.milliseconds();
    for (Segment s : segments.removeAll()) {
      delayedDeletes.schedule(s, now + config.fileDeleteDelayMs()); // frees the base offset for the new segment
    }
    segments.add(Segment.create(dir, offset, config, now));
    logStartOffset = offset;
    logEndOffset = offset;
    epochCache.clear();
    producers.clear();
    producers.deleteSnapshotsAbove(-1);
    recoveryPoint = offset;
    cleanerCheckpoint = offset;
    OffsetCheckpoint.write(dir, OffsetCheckpoint.LOG_START_FILE, offset);
    OffsetCheckpoint.write(dir, OffsetCheckpoint.CLEANER_FILE, offset);
    RecoveryCheckpoint.write(dir, offset);
  }

  // ------------------------------------------------------------------ flush

  /** fsyncs every segment holding data above the recovery point, then moves the recovery point to the log end. */
  public synchronized void flush() throws IOException {
    if (closed) {
      return;
    }
    long target = logEndOffset;
    if (target > recoveryPoint || unflushedMessages > 0) {
      ensureOnline();
      try {
        for (Segment s : segments.from(recoveryPoint)) {
          s.flush();
        }
      } catch (IOException e) {
        // After a failed fsync the page cache may have dropped the dirty pages: what is on disk is unknown.
        throw goOffline(e);
      }
      recoveryPoint = target;
      RecoveryCheckpoint.write(dir, recoveryPoint, false);
    }
    unflushedMessages = 0;
    lastFlushMs = time.milliseconds();
  }

  /**
   * fsyncs the segments that were rolled since the last flush and moves the recovery point to the active
   * segment's base, so that recovery after a crash validates only the active segment (Kafka flushes a rolled
   * segment in the background likewise). Run by the log manager's checkpoint task, not on the append path.
   */
  synchronized void flushRolledSegments() throws IOException {
    if (closed || offlineReason != null) {
      return;
    }
    long activeBase = segments.active().baseOffset();
    if (activeBase <= recoveryPoint) {
      return;
    }
    try {
      for (Segment s : segments.from(recoveryPoint)) {
        if (s.baseOffset() < activeBase) {
          s.flush();
        }
      }
    } catch (IOException e) {
      throw goOffline(e);
    }
    recoveryPoint = activeBase;
    RecoveryCheckpoint.write(dir, recoveryPoint, false);
  }

  /** Flushes when data has been unflushed for flush.ms; also closes segment files whose delete delay passed. */
  /** Forgets idle producers (producer.id.expiration.ms); returns how many. */
  public synchronized int removeExpiredProducers(long nowMs, long expirationMs) {
    return producers.removeExpiredProducers(nowMs, expirationMs);
  }

  public synchronized void flushIfDue(long nowMs) throws IOException {
    if (closed) {
      return;
    }
    if (logEndOffset > recoveryPoint && nowMs - lastFlushMs >= config.flushMs()) {
      flush();
    }
    delayedDeletes.deleteDue(nowMs);
  }

  // ------------------------------------------------------------------ retention

  /**
   * Deletes whole inactive segments past retention.ms (by their largest timestamp) or beyond retention.bytes,
   * and segments entirely below the log start offset. Never the active segment. Advances the log start.
   */
  public synchronized int deleteExpiredSegments(long nowMs) throws IOException {
    ensureOpen();
    int deleted = RetentionPolicy.segmentsToDelete(segmentFacts(), logStartOffset, config, nowMs);
    for (int i = 0; i < deleted; i++) {
      deleteFirstSegment();
    }
    if (deleted > 0) {
      epochCache.truncateFromStart(logStartOffset);
      producers.deleteSnapshotsBelow(logStartOffset);
      OffsetCheckpoint.write(dir, OffsetCheckpoint.LOG_START_FILE, logStartOffset);
      LOG.info("Deleted {} segments of {}; log start offset is now {}", deleted, tp, logStartOffset);
    }
    delayedDeletes.deleteDue(nowMs);
    return deleted;
  }

  private List<SegmentFacts> segmentFacts() {
    List<SegmentFacts> facts = new ArrayList<>();
    for (Segment s : segments.all()) {
      long largestTimestamp = s.maxTimestampSoFar() > 0 ? s.maxTimestampSoFar() : lastModified(s);
      facts.add(new SegmentFacts(s.baseOffset(), largestTimestamp, s.sizeInBytes()));
    }
    return facts;
  }

  private static long lastModified(Segment s) {
    try {
      return Files.getLastModifiedTime(s.logPath()).toMillis();
    } catch (IOException e) {
      return Long.MAX_VALUE; // unknown age: keep
    }
  }

  private void deleteFirstSegment() throws IOException {
    Segment first = segments.removeFirst();
    logStartOffset = Math.max(logStartOffset, segments.firstBaseOffset());
    scheduleDelete(first);
  }

  /** DeleteRecords: moves the log start offset forward (never backwards, never past the log end). */
  public synchronized void maybeIncrementLogStartOffset(long offset) {
    if (offset <= logStartOffset) {
      return;
    }
    if (offset > logEndOffset) {
      throw new OffsetOutOfRangeException("Cannot move the log start offset of " + tp + " to " + offset
          + ": beyond the log end offset " + logEndOffset);
    }
    logStartOffset = offset;
    epochCache.truncateFromStart(offset);
    try {
      OffsetCheckpoint.write(dir, OffsetCheckpoint.LOG_START_FILE, offset);
    } catch (IOException e) {
      throw new KafkaStorageException("Cannot write the log start offset of " + tp + " in " + dir, e);
    }
  }

  private void scheduleDelete(Segment s) throws IOException {
    delayedDeletes.schedule(s, time.milliseconds() + config.fileDeleteDelayMs());
  }

  // ------------------------------------------------------------------ compaction support (LogCleaner)

  /**
   * Tells the log its high watermark (replication). Compaction never cleans a segment holding offsets at or
   * above it, nor lets records above it supersede older ones, so a later truncation cannot lose a key.
   * Until called, the whole inactive part of the log is cleanable (single-replica semantics).
   */
  public void updateHighWatermark(long highWatermark) {
    this.highWatermark = highWatermark;
  }

  long highWatermark() {
    return highWatermark;
  }

  /**
   * The high watermark replication last told this log, or the one restored from the log directory's
   * {@code replication-offset-checkpoint} at start; empty before either.
   */
  public OptionalLong knownHighWatermark() {
    long hw = highWatermark;
    return hw == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(hw);
  }

  long cleanerCheckpoint() {
    return cleanerCheckpoint;
  }

  Object cleaningLock() {
    return cleaningLock;
  }

  /** Truncations so far; a cleaning pass remembers it when planned and swaps nothing once it changed. */
  long truncations() {
    return truncations;
  }

  /**
   * Moves the cleaner checkpoint to {@code offset} after a pass planned at truncation count {@code plannedAt};
   * nothing when a truncation came meanwhile (the pass's range may no longer exist).
   */
  synchronized void advanceCleanerCheckpoint(long offset, long plannedAt) throws IOException {
    if (truncations != plannedAt || closed || offset <= cleanerCheckpoint || offset > logEndOffset) {
      return;
    }
    cleanerCheckpoint = offset;
    OffsetCheckpoint.write(dir, OffsetCheckpoint.CLEANER_FILE, offset);
  }

  /** Dirty bytes (inactive segments at or above the cleaner checkpoint) over all inactive bytes. */
  synchronized double dirtyRatio() {
    return segments.dirtyRatio(cleanerCheckpoint);
  }

  /**
   * Swaps segment {@code old} for its cleaned copy, {@code <base>.log.cleaned} and {@code <base>.txnindex.cleaned}
   * written and fsynced by the cleaner without this lock. Only if the log still holds {@code old} unchanged as an
   * inactive segment and was not truncated since the pass was planned ({@code plannedAt}); otherwise the copy is
   * deleted and false returned (the pass stops; the next one starts over).
   *
   * <p>Crash-safe order (Kafka's): rename the cleaned index then the cleaned log to {@code .swap} and fsync the
   * directory — the {@code <base>.log.swap} rename is the commit point —, rename the old files {@code .deleted},
   * rename the swap files into place. {@link LogLoader} deletes {@code .cleaned} files and a
   * {@code .txnindex.swap} without its {@code .log.swap} (not committed), and completes a swap whose
   * {@code .log.swap} exists. The cleaned segment keeps every offset of the old one, so the aborted-transaction
   * index is the old one's, copied. A failure after the commit point takes the log offline (the next start
   * completes the swap).
   */
  synchronized boolean swapCleanedSegment(Segment old, long plannedAt, CleanerHooks hooks) throws IOException {
    long base = old.baseOffset();
    Path cleanedLog = cleanedFile(dir, base, Segment.LOG_SUFFIX);
    Path cleanedTxn = cleanedFile(dir, base, TransactionIndex.SUFFIX);
    if (closed || offlineReason != null || truncations != plannedAt || segments.get(base) != old || segments.active() == old) {
      LOG.info("Abandoning the cleaning of {} segment {}: the log changed (closed, truncated or the segment removed)", tp, base);
      Files.deleteIfExists(cleanedLog);
      Files.deleteIfExists(cleanedTxn);
      return false;
    }
    Path swapLog = swapFile(dir, base, Segment.LOG_SUFFIX);
    Path swapTxn = swapFile(dir, base, TransactionIndex.SUFFIX);
    Segment.moveReplacing(cleanedTxn, swapTxn);
    hooks.reached(CleanerStep.TXN_INDEX_SWAP_RENAMED);
    Segment.moveReplacing(cleanedLog, swapLog);
    CheckpointFile.fsyncDir(dir);
    hooks.reached(CleanerStep.LOG_SWAP_RENAMED);
    try {
      old.renameAllWithSuffix(Segment.DELETED_SUFFIX);
      hooks.reached(CleanerStep.OLD_SEGMENT_RENAMED_DELETED);
      Segment.moveReplacing(swapTxn, TransactionIndex.file(dir, base));
      hooks.reached(CleanerStep.TXN_INDEX_SWAPPED_IN);
      Segment.moveReplacing(swapLog, Segment.logFile(dir, base));
      CheckpointFile.fsyncDir(dir);
      hooks.reached(CleanerStep.LOG_SWAPPED_IN);
      Segment fresh = Segment.open(dir, base, config, time.milliseconds());
      long truncated = fresh.recover();
      if (truncated > 0) {
        throw new IOException("Cleaned segment " + fresh.logPath() + " of " + tp + " failed validation");
      }
      fresh.onBecomeInactive(); // indexes are not fsynced: after a crash they are checked and rebuilt if torn
      segments.add(fresh);
    } catch (IOException e) {
      throw goOffline(e);
    }
    delayedDeletes.scheduleRenamed(old, time.milliseconds() + config.fileDeleteDelayMs());
    return true;
  }

  static Path cleanedFile(Path dir, long base, String suffix) {
    return dir.resolve(Segment.fileName(base) + suffix + Segment.CLEANED_SUFFIX);
  }

  static Path swapFile(Path dir, long base, String suffix) {
    return dir.resolve(Segment.fileName(base) + suffix + Segment.SWAP_SUFFIX);
  }

  // ------------------------------------------------------------------ config, epochs, producers

  public synchronized void updateConfig(LogConfig config) {
    this.config = config;
  }

  public OptionalInt latestEpoch() {
    return epochCache.latestEpoch();
  }

  /** A new leader epoch starts at the current log end (called when this replica becomes leader). */
  public synchronized void assignEpochStartOffset(int epoch) {
    epochCache.assign(epoch, logEndOffset);
  }

  /** End offset of an epoch (Kafka's OffsetForLeaderEpoch semantics), -1 if unknown. */
  public long endOffsetForEpoch(int epoch) {
    return epochCache.endOffsetFor(epoch, logEndOffset);
  }

  /** The largest epoch <= the requested one (returned with the end offset), -1 if none. */
  public int epochForOffsetEndQuery(int epoch) {
    return epochCache.epochForEndOffsetQuery(epoch, logEndOffset);
  }

  List<Map.Entry<Integer, Long>> epochEntries() {
    return epochCache.entries();
  }

  public Optional<Short> producerEpoch(long producerId) {
    return producers.producerEpoch(producerId);
  }

  ProducerStateManager producerStateManager() {
    return producers;
  }

  // ------------------------------------------------------------------ lifecycle

  private void ensureOpen() {
    if (closed) {
      throw new KafkaStorageException("Log of " + tp + " in " + dir + " is closed");
    }
    ensureOnline();
  }

  private void ensureOnline() {
    String reason = offlineReason;
    if (reason != null) {
      throw new KafkaStorageException("Log directory " + dir.getParent() + " of " + tp + " is offline: " + reason);
    }
  }

  /** Whether this log refuses appends and reads because its directory failed (see {@link #goOffline}). */
  public boolean isOffline() {
    return offlineReason != null;
  }

  /**
   * Takes the log offline after a storage failure that may have left its files inconsistent (a torn append
   * that could not be undone, a failed fsync): from now on it refuses appends and reads, and a restart
   * recovers it from disk. Returns the exception to throw to the caller.
   */
  private KafkaStorageException goOffline(IOException cause) {
    offlineReason = cause.toString();
    LOG.error("Log directory {} is offline for {}: {}; it refuses appends and reads until the broker restarts", dir.getParent(), tp,
        cause.toString(), cause);
    return new KafkaStorageException("Log directory " + dir.getParent() + " of " + tp + " went offline: " + cause, cause);
  }

  /** Flushes, snapshots producer state, checkpoints and marks a clean shutdown. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    if (offlineReason != null) { // no flush and no clean-shutdown marker: the next start recovers from disk
      try {
        closeFilesAsIs();
      } catch (IOException e) { // the files already failed; closing them is best effort
        LOG.warn("Closing the offline log of {} in {} failed: {}", tp, dir, e.toString());
      }
      return;
    }
    Segment active = segments.active();
    active.onBecomeInactive();
    flush();
    active.flush(); // the final time-index entry
    producers.takeSnapshot(logEndOffset, true);
    RecoveryCheckpoint.write(dir, logEndOffset);
    closed = true;
    delayedDeletes.deleteAll();
    segments.closeAll();
    RecoveryCheckpoint.markCleanShutdown(dir);
  }

  /** Simulates a process kill for tests: closes the files without flush, snapshot or clean-shutdown marker. */
  synchronized void closeUncleanlyForTests() throws IOException {
    closeFilesAsIs();
  }

  /** Closes the files without flush, snapshot or clean-shutdown marker, as a process kill would. */
  private void closeFilesAsIs() throws IOException {
    closed = true;
    segments.closeAll();
    delayedDeletes.closeAll();
  }

  /** Topic deletion: closes the log and removes its directory. */
  public synchronized void deleteFiles() throws IOException {
    closeFilesAsIs();
    segments.removeAll();
    if (Files.exists(dir)) {
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
    LOG.info("Deleted the log of {} ({})", tp, dir);
  }

  @Override
  public String toString() {
    return "PartitionLog(" + tp + ", " + dir + ", start=" + logStartOffset + ", end=" + logEndOffset + ")";
  }
}
