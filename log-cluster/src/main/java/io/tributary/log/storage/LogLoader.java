package io.tributary.log.storage;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InconsistentTopicIdException;
import org.apache.kafka.common.record.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a partition directory into the state a {@link PartitionLog} starts from: removes the leftovers of
 * interrupted deletes, compactions and checkpoint writes, completes an interrupted compaction swap, opens the
 * segments (validating every batch from the recovery point on after an unclean stop, truncating a torn or
 * corrupt tail and dropping the segments after it, rebuilding torn indexes), then clamps the leader-epoch
 * cache to the loaded offsets and rebuilds the producer state from its newest snapshot plus the batches after.
 * Ends by writing the recovery point and removing the clean-shutdown marker, so a crash from now on recovers.
 */
final class LogLoader {
  // These lines have always been logged as the partition log's; operators' log filters keep matching.
  private static final Logger LOG = LoggerFactory.getLogger(PartitionLog.class);

  /**
   * A loaded partition: its segments by base offset (never empty), its per-partition state and offsets.
   * Everything below {@code logEndOffset} is on disk and fsynced, so it is also the recovery point.
   * {@code bytesValidated} counts the segment bytes validated batch by batch (recovery's cost).
   */
  record LoadedLog(LogSegments segments, ProducerStateManager producers, LeaderEpochCache epochCache,
      long logStartOffset, long logEndOffset, long cleanerCheckpoint, long loadedAtMs, long bytesValidated) {}

  private final Path dir;
  private final TopicPartition tp;
  private final LogConfig config;
  private final Time time;

  LogLoader(Path dir, TopicPartition tp, LogConfig config, Time time) {
    this.dir = dir;
    this.tp = tp;
    this.config = config;
    this.time = time;
  }

  /**
   * Creates the directory if absent and returns the topic id the log belongs to: the given one (recorded in
   * {@code partition.metadata} if none is yet), or the stored one when the caller passes none (null or zero).
   *
   * @throws InconsistentTopicIdException when the directory belongs to another topic id
   */
  static Uuid resolveTopicId(Path dir, Uuid topicId) throws IOException {
    Files.createDirectories(dir);
    Optional<Uuid> stored = PartitionMetadata.read(dir);
    boolean given = topicId != null && !topicId.equals(Uuid.ZERO_UUID);
    if (stored.isPresent() && given && !stored.get().equals(topicId)) {
      throw new InconsistentTopicIdException("Partition directory " + dir + " belongs to topic id " + stored.get() + ", not " + topicId
          + "; delete the directory (or the old topic) first");
    }
    Uuid id = given ? topicId : stored.orElse(Uuid.ZERO_UUID);
    if (stored.isEmpty() && !id.equals(Uuid.ZERO_UUID)) {
      PartitionMetadata.write(dir, id);
    }
    return id;
  }

  LoadedLog load() throws IOException {
    LeaderEpochCache epochCache = new LeaderEpochCache(dir);
    ProducerStateManager producers = new ProducerStateManager(dir, tp);
    boolean clean = RecoveryCheckpoint.cleanShutdown(dir);
    long checkpointedRecovery = RecoveryCheckpoint.read(dir);
    TreeSet<Long> bases = segmentBasesAfterCleanup();
    long now = time.milliseconds();
    ValidationCount validated = new ValidationCount();
    LogSegments segments = openSegments(bases, clean ? null : floorOrFirst(bases, checkpointedRecovery), now, validated);
    long startCheckpoint = OffsetCheckpoint.read(dir, OffsetCheckpoint.LOG_START_FILE);
    if (segments.isEmpty()) {
      segments.add(Segment.create(dir, startCheckpoint, config, now));
    }
    long logEndOffset = segments.active().nextOffset();
    long logStartOffset = Math.min(Math.max(startCheckpoint, segments.firstBaseOffset()), logEndOffset);
    long cleanerCheckpoint = OffsetCheckpoint.read(dir, OffsetCheckpoint.CLEANER_FILE);
    epochCache.truncateFromEnd(logEndOffset);
    epochCache.truncateFromStart(logStartOffset);
    rebuildProducerState(producers, segments.all(), logEndOffset);
    // A new log (no segment before this load) has nothing to make durable: its empty segment and a recovery
    // point at its start are what a load after a crash recreates anyway. Skipping their fsyncs matters when a
    // topic of many partitions (__consumer_offsets: 50) is created: each fsync delays the next partition.
    boolean newLog = bases.isEmpty();
    if (!clean && !newLog) {
      for (Segment s : segments.all()) {
        s.flush();
      }
    }
    RecoveryCheckpoint.write(dir, logEndOffset, !newLog);
    RecoveryCheckpoint.clearCleanShutdown(dir);
    LOG.info("Loaded {} from {}: {} segments, log start {}, log end {}, {} producers ({})", tp, dir, segments.count(),
        logStartOffset, logEndOffset, producers.producerCount(), bases.isEmpty() ? "new log" : clean ? "clean shutdown" : "recovered after unclean shutdown");
    return new LoadedLog(segments, producers, epochCache, logStartOffset, logEndOffset, cleanerCheckpoint, now, validated.bytes);
  }

  /**
   * The base offsets of the directory's segments, after deleting {@code .deleted}, {@code .cleaned} and
   * {@code .tmp} leftovers and finishing what a crash interrupted in a compaction swap
   * ({@link PartitionLog#swapCleanedSegment}): a {@code <base>.log.swap} is committed, so it replaces
   * {@code <base>.log} (indexes rebuilt from it), with its {@code <base>.txnindex.swap} if that is still there; a
   * {@code <base>.txnindex.swap} without a {@code <base>.log.swap} was not committed and is deleted.
   */
  private TreeSet<Long> segmentBasesAfterCleanup() throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        names.add(p.getFileName().toString());
      }
    }
    TreeSet<Long> bases = new TreeSet<>();
    for (String name : names) {
      Path p = dir.resolve(name);
      if (name.endsWith(Segment.DELETED_SUFFIX) || name.endsWith(Segment.CLEANED_SUFFIX) || name.endsWith(".tmp")) {
        Files.deleteIfExists(p);
      } else if (name.endsWith(Segment.LOG_SUFFIX + Segment.SWAP_SUFFIX)) {
        long base = parseBase(name);
        LOG.warn("Completing an interrupted compaction swap of {} in {}", Segment.fileName(base), dir);
        Files.deleteIfExists(Segment.indexFile(dir, base));
        Files.deleteIfExists(Segment.timeIndexFile(dir, base));
        Path swapTxn = PartitionLog.swapFile(dir, base, TransactionIndex.SUFFIX);
        if (Files.exists(swapTxn)) {
          Segment.moveReplacing(swapTxn, TransactionIndex.file(dir, base));
        }
        Segment.moveReplacing(p, Segment.logFile(dir, base));
        bases.add(base);
      } else if (name.endsWith(Segment.LOG_SUFFIX)) {
        bases.add(parseBase(name));
      }
    }
    for (String name : names) {
      if (name.endsWith(TransactionIndex.SUFFIX + Segment.SWAP_SUFFIX)
          && !names.contains(name.substring(0, name.indexOf('.')) + Segment.LOG_SUFFIX + Segment.SWAP_SUFFIX)) {
        LOG.warn("Deleting {} in {}: its compaction swap was not committed", name, dir);
        Files.deleteIfExists(dir.resolve(name));
      }
    }
    CheckpointFile.fsyncDir(dir);
    return bases;
  }

  /**
   * Opens the segments in offset order; those from {@code recoverFromBase} on (null: none) are validated batch
   * by batch. Once one had to be truncated, the later ones cannot follow it and are deleted.
   */
  private static final class ValidationCount {
    long bytes;
  }

  private LogSegments openSegments(TreeSet<Long> bases, Long recoverFromBase, long now, ValidationCount validated) throws IOException {
    LogSegments segments = new LogSegments();
    boolean truncatedTail = false;
    for (long base : bases) {
      if (truncatedTail) {
        LOG.warn("Deleting segment {} of {}: it follows a truncated corrupt segment", Segment.logFile(dir, base), tp);
        Files.deleteIfExists(Segment.logFile(dir, base));
        Files.deleteIfExists(Segment.indexFile(dir, base));
        Files.deleteIfExists(Segment.timeIndexFile(dir, base));
        Files.deleteIfExists(TransactionIndex.file(dir, base));
        continue;
      }
      Segment seg = Segment.open(dir, base, config, now);
      long truncated;
      if (recoverFromBase != null && base >= recoverFromBase) {
        validated.bytes += seg.sizeInBytes();
        truncated = seg.recover();
      } else {
        truncated = seg.loadClean();
      }
      segments.add(seg);
      if (truncated > 0) {
        truncatedTail = true;
      }
    }
    return segments;
  }

  /** The segment holding offset, or the first one when offset lies before all of them; null when there is none. */
  private static Long floorOrFirst(TreeSet<Long> bases, long offset) {
    Long f = bases.floor(offset);
    return f != null ? f : (bases.isEmpty() ? null : bases.first());
  }

  private static long parseBase(String name) throws IOException {
    try {
      return Long.parseLong(name.substring(0, name.indexOf('.')));
    } catch (RuntimeException e) {
      throw new IOException("Unexpected file name " + name + " in a partition directory", e);
    }
  }

  /**
   * Producer state = newest snapshot at or below the log end + replay of the batches after it. The replay also
   * rewrites the aborted-transaction index entries of the markers it replays (a crash may have lost or torn them),
   * so the indexes end exactly at the log end.
   */
  static void rebuildProducerState(ProducerStateManager producers, Collection<Segment> segments, long logEndOffset) throws IOException {
    long snapshotOffset = producers.loadLatestSnapshot(logEndOffset);
    long from = Math.max(snapshotOffset, 0);
    for (Segment seg : segments) {
      if (seg.nextOffset() <= from) {
        continue;
      }
      seg.txnIndex().truncateTo(from);
      for (FileChannelRecordBatch batch : seg.records().batches()) {
        if (batch.lastOffset() >= from) {
          for (AbortedTxn txn : producers.replay(batch)) {
            seg.txnIndex().append(txn);
          }
        }
      }
    }
  }
}
