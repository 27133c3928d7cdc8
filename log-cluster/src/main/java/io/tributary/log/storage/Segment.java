package io.tributary.log.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.record.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.FileRecords;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One segment of a partition log: {@code <base>.log} (record batches, v2, as appended), its sparse
 * {@code .index} and {@code .timeindex}, and its aborted-transaction index {@code .txnindex} ({@link TransactionIndex}). Not thread safe for writes: {@link PartitionLog} serialises
 * appends, truncation and rolls; reads only use the immutable base offset, the indexes and the
 * {@link FileRecords} size, which grows after the bytes are written.
 *
 * <p>Format recovery lives here: {@link #recover()} validates every batch (size, magic, CRC, offsets
 * growing), truncates the file at the first bad one and rebuilds both indexes.
 */
final class Segment {
  private static final Logger LOG = LoggerFactory.getLogger(Segment.class);

  static final String LOG_SUFFIX = ".log";
  static final String INDEX_SUFFIX = ".index";
  static final String TIME_INDEX_SUFFIX = ".timeindex";
  static final String DELETED_SUFFIX = ".deleted";
  static final String CLEANED_SUFFIX = ".cleaned";
  static final String SWAP_SUFFIX = ".swap";

  private final long baseOffset;
  private final int indexIntervalBytes;
  private final FileRecords log;
  private final OffsetIndex offsetIndex;
  private final TimeIndex timeIndex;
  private final TransactionIndex txnIndex;
  private volatile long nextOffset;
  private long maxTimestampSoFar = RecordBatch.NO_TIMESTAMP;
  private long offsetOfMaxTimestampSoFar;
  private int bytesSinceLastIndexEntry;
  private long createdMs;

  private Segment(long baseOffset, FileRecords log, OffsetIndex offsetIndex, TimeIndex timeIndex, TransactionIndex txnIndex,
      int indexIntervalBytes, long nowMs) {
    this.baseOffset = baseOffset;
    this.log = log;
    this.offsetIndex = offsetIndex;
    this.timeIndex = timeIndex;
    this.txnIndex = txnIndex;
    this.indexIntervalBytes = indexIntervalBytes;
    this.nextOffset = baseOffset;
    this.offsetOfMaxTimestampSoFar = baseOffset;
    this.createdMs = nowMs;
  }

  static String fileName(long offset) {
    return String.format("%020d", offset);
  }

  static Path logFile(Path dir, long baseOffset) {
    return dir.resolve(fileName(baseOffset) + LOG_SUFFIX);
  }

  static Path indexFile(Path dir, long baseOffset) {
    return dir.resolve(fileName(baseOffset) + INDEX_SUFFIX);
  }

  static Path timeIndexFile(Path dir, long baseOffset) {
    return dir.resolve(fileName(baseOffset) + TIME_INDEX_SUFFIX);
  }

  /** Creates a new empty segment; existing files of that base offset are replaced. */
  static Segment create(Path dir, long baseOffset, LogConfig config, long nowMs) throws IOException {
    Files.deleteIfExists(logFile(dir, baseOffset));
    Files.deleteIfExists(indexFile(dir, baseOffset));
    Files.deleteIfExists(timeIndexFile(dir, baseOffset));
    Files.deleteIfExists(TransactionIndex.file(dir, baseOffset));
    return open(dir, baseOffset, config, nowMs);
  }

  /**
   * Opens a segment's files (creating absent ones) and loads its indexes, without validating the batches.
   * The caller then runs {@link #recover()} (unclean, or an index is bad) or {@link #loadClean()}.
   */
  static Segment open(Path dir, long baseOffset, LogConfig config, long nowMs) throws IOException {
    FileRecords records = FileRecords.open(logFile(dir, baseOffset).toFile(), true, false, 0, false);
    OffsetIndex oi = new OffsetIndex(indexFile(dir, baseOffset), baseOffset, config.segmentIndexBytes());
    TimeIndex ti = new TimeIndex(timeIndexFile(dir, baseOffset), baseOffset, config.segmentIndexBytes());
    TransactionIndex txi = new TransactionIndex(TransactionIndex.file(dir, baseOffset), baseOffset);
    txi.loadKeepingWholeEntries();
    return new Segment(baseOffset, records, oi, ti, txi, config.indexIntervalBytes(), nowMs);
  }

  long baseOffset() {
    return baseOffset;
  }

  /** Offset after the last batch of this segment (its base offset when empty). */
  long nextOffset() {
    return nextOffset;
  }

  int sizeInBytes() {
    return log.sizeInBytes();
  }

  FileRecords records() {
    return log;
  }

  TransactionIndex txnIndex() {
    return txnIndex;
  }

  long maxTimestampSoFar() {
    return maxTimestampSoFar;
  }

  long createdMs() {
    return createdMs;
  }

  Path logPath() {
    return log.file().toPath();
  }

  boolean indexFull() {
    return offsetIndex.isFull() || timeIndex.isFull();
  }

  /** Whether an append ending at {@code lastOffset} can be indexed relative to this segment's base. */
  boolean canHoldOffset(long lastOffset) {
    return lastOffset - baseOffset <= Integer.MAX_VALUE;
  }

  /**
   * Loads a segment that was shut down cleanly: the indexes are checked for consistency (and rebuilt by a
   * full recovery if not), and the tail after the last index entry is validated batch by batch, which also
   * finds the next offset. Returns the bytes truncated (0 when all is well).
   */
  long loadClean() throws IOException {
    boolean indexesOk = offsetIndex.load() && timeIndex.load();
    if (!indexesOk || !offsetIndex.sanityCheck(Long.MAX_VALUE, log.sizeInBytes()) || !timeIndex.sanityCheck(Long.MAX_VALUE)) {
      LOG.warn("Index of segment {} is corrupt or torn; rebuilding it from the log", logPath());
      return recover();
    }
    if (offsetIndex.entries() == 0 && log.sizeInBytes() > Math.max(indexIntervalBytes, 1) * 2L) {
      LOG.warn("Index of segment {} is missing; rebuilding it from the log", logPath());
      return recover();
    }
    OffsetIndex.OffsetPosition last = offsetIndex.lastEntry();
    maxTimestampSoFar = timeIndex.lastTimestamp();
    offsetOfMaxTimestampSoFar = timeIndex.lastOffset();
    ScanResult r = scan(last.position(), baseOffset, false);
    if (r.validEnd != log.sizeInBytes() || !offsetIndex.sanityCheck(nextOffset, log.sizeInBytes()) || !timeIndex.sanityCheck(nextOffset)) {
      LOG.warn("Segment {} has an invalid tail at position {}; recovering the whole segment", logPath(), r.validEnd);
      return recover();
    }
    setCreatedFromFirstBatch();
    return 0;
  }

  /**
   * Validates every batch from the start of the file, truncates at the first torn or corrupt batch and
   * rebuilds both indexes. Returns the number of bytes truncated.
   */
  long recover() throws IOException {
    offsetIndex.reset();
    timeIndex.reset();
    maxTimestampSoFar = RecordBatch.NO_TIMESTAMP;
    offsetOfMaxTimestampSoFar = baseOffset;
    bytesSinceLastIndexEntry = 0;
    nextOffset = baseOffset;
    ScanResult r = scan(0, baseOffset, true);
    long truncated = log.sizeInBytes() - r.validEnd;
    if (truncated > 0) {
      LOG.warn("Truncating {} at position {} (next offset {}): {} bytes of torn or corrupt data ({})",
          logPath(), r.validEnd, nextOffset, truncated, r.reason);
      log.truncateTo(r.validEnd);
    }
    txnIndex.truncateTo(nextOffset);
    timeIndex.maybeAppend(maxTimestampSoFar, offsetOfMaxTimestampSoFar);
    setCreatedFromFirstBatch();
    return truncated;
  }

  private void setCreatedFromFirstBatch() {
    Iterator<FileChannelRecordBatch> it = log.batches().iterator();
    if (it.hasNext()) {
      long ts = it.next().maxTimestamp();
      if (ts > 0) {
        createdMs = Math.min(ts, createdMs); // a loaded segment is as old as its first record
      }
    }
  }

  private record ScanResult(int validEnd, String reason) {}

  /**
   * Scans batches from a position, validating each; updates nextOffset and max timestamp, and (when
   * {@code index}) the indexes. Stops at the first invalid batch and reports where valid data ends.
   */
  private ScanResult scan(int startPosition, long expectedMinOffset, boolean index) throws IOException {
    int position = startPosition;
    long expected = expectedMinOffset;
    String reason = "end of file";
    try {
      for (FileChannelRecordBatch batch : log.batchesFrom(startPosition)) {
        if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
          reason = "magic " + batch.magic();
          break;
        }
        if (!batch.isValid()) {
          reason = "CRC mismatch";
          break;
        }
        if (batch.baseOffset() < expected || batch.lastOffset() < batch.baseOffset() || !canHoldOffset(batch.lastOffset())) {
          reason = "offset " + batch.baseOffset() + " below expected " + expected;
          break;
        }
        if (index) {
          onBatchAppended(batch.lastOffset(), batch.maxTimestamp(), position, batch.sizeInBytes());
        } else if (batch.maxTimestamp() > maxTimestampSoFar) {
          maxTimestampSoFar = batch.maxTimestamp();
          offsetOfMaxTimestampSoFar = batch.lastOffset();
        }
        expected = batch.lastOffset() + 1;
        nextOffset = expected;
        position += batch.sizeInBytes();
      }
    } catch (KafkaException e) { // CorruptRecordException for an impossible size, or a read failure
      reason = e.getMessage();
    }
    if (position != log.sizeInBytes() && reason.equals("end of file")) {
      reason = "torn batch";
    }
    return new ScanResult(position, reason);
  }

  private void onBatchAppended(long lastOffset, long maxTimestamp, int position, int size) throws IOException {
    if (maxTimestamp > maxTimestampSoFar) {
      maxTimestampSoFar = maxTimestamp;
      offsetOfMaxTimestampSoFar = lastOffset;
    }
    if (bytesSinceLastIndexEntry >= indexIntervalBytes) {
      offsetIndex.append(lastOffset, position);
      timeIndex.maybeAppend(maxTimestampSoFar, offsetOfMaxTimestampSoFar);
      bytesSinceLastIndexEntry = 0;
    }
    bytesSinceLastIndexEntry += size;
  }

  /**
   * Appends already validated batches whose offsets were assigned; they must all fit this segment. When the
   * write or an index update fails (a full disk, an I/O error) or writes fewer bytes than asked, the segment
   * is put back exactly as before the append and the failure is rethrown, so the bytes of a failed append
   * never sit between acknowledged batches for a later recovery to truncate at.
   *
   * @throws TornSegmentException when putting the segment back failed too
   */
  void append(MemoryRecords records) throws IOException {
    int position = log.sizeInBytes();
    long last = nextOffset - 1;
    for (MutableRecordBatch batch : records.batches()) {
      if (batch.baseOffset() < nextOffset || !canHoldOffset(batch.lastOffset())) {
        throw new IllegalStateException("batch at offset " + batch.baseOffset() + " appended to " + logPath() + " whose next offset is " + nextOffset);
      }
      last = batch.lastOffset();
    }
    AppendMark before = mark();
    try {
      int written = log.append(records);
      if (written != records.sizeInBytes()) {
        throw new IOException("short write to " + logPath() + ": " + written + " of " + records.sizeInBytes() + " bytes");
      }
      for (MutableRecordBatch batch : records.batches()) {
        onBatchAppended(batch.lastOffset(), batch.maxTimestamp(), position, batch.sizeInBytes());
        position += batch.sizeInBytes();
      }
    } catch (IOException | RuntimeException e) {
      rollBackTo(before, e);
      throw e;
    }
    nextOffset = last + 1;
  }

  /** What an append changes in a segment, taken before it so that a failed append can be undone. */
  record AppendMark(int logBytes, int offsetIndexEntries, int timeIndexEntries, long nextOffset, long maxTimestampSoFar,
      long offsetOfMaxTimestampSoFar, int bytesSinceLastIndexEntry) {}

  AppendMark mark() {
    return new AppendMark(log.sizeInBytes(), offsetIndex.entries(), timeIndex.entries(), nextOffset, maxTimestampSoFar,
        offsetOfMaxTimestampSoFar, bytesSinceLastIndexEntry);
  }

  /**
   * Puts the log file, both indexes and the in-memory state back to {@code mark}: the file is truncated to
   * its size then, whatever a failed write left after it.
   *
   * @throws TornSegmentException when the truncation fails (the file may keep bytes past the mark)
   */
  void rollBackTo(AppendMark mark, Throwable failure) throws TornSegmentException {
    try {
      log.truncateTo(mark.logBytes());
      offsetIndex.rollBackTo(mark.offsetIndexEntries());
      timeIndex.rollBackTo(mark.timeIndexEntries());
    } catch (IOException | RuntimeException e) {
      e.addSuppressed(failure);
      throw new TornSegmentException("Append to " + logPath() + " failed (" + failure + ") and truncating it back to "
          + mark.logBytes() + " bytes failed too: " + e, e);
    }
    nextOffset = mark.nextOffset();
    maxTimestampSoFar = mark.maxTimestampSoFar();
    offsetOfMaxTimestampSoFar = mark.offsetOfMaxTimestampSoFar();
    bytesSinceLastIndexEntry = mark.bytesSinceLastIndexEntry();
    LOG.warn("Append to {} failed ({}); truncated it back to {} bytes, next offset {}", logPath(), failure, mark.logBytes(), nextOffset);
  }

  /** Position of the first batch whose last offset is >= target, searching from the index; -1 if none. */
  int positionOf(long targetOffset) throws IOException {
    OffsetIndex.OffsetPosition start = offsetIndex.lookup(targetOffset);
    FileRecords.LogOffsetPosition p = log.searchForOffsetWithSize(targetOffset, start.position());
    return p == null ? -1 : p.position;
  }

  /**
   * Reads whole batches starting with the one that holds {@code startOffset} (or the first after it), up to
   * maxBytes, excluding any batch whose last offset is >= maxOffsetExclusive. Returns null when nothing
   * qualifies (no batch at or after startOffset, or the first is excluded by the bounds).
   */
  FileRecords read(long startOffset, int maxBytes, long maxOffsetExclusive, boolean minOneBatch) throws IOException {
    int start = positionOf(startOffset);
    if (start < 0) {
      return null;
    }
    int end = start;
    int limit = log.sizeInBytes();
    for (FileChannelRecordBatch batch : log.batchesFrom(start)) {
      if (batch.position() >= limit || batch.lastOffset() >= maxOffsetExclusive) {
        break;
      }
      int size = batch.sizeInBytes();
      if ((long) end - start + size > maxBytes && !(minOneBatch && end == start)) {
        break;
      }
      end += size;
    }
    if (end == start) {
      return null;
    }
    return log.slice(start, end - start);
  }

  /** First record with timestamp >= target and offset >= startingOffset in this segment, or null. */
  FileRecords.TimestampAndOffset findOffsetByTimestamp(long targetTimestamp, long startingOffset) throws IOException {
    if (maxTimestampSoFar < targetTimestamp) {
      return null;
    }
    long fromOffset = Math.max(timeIndex.lookupStartOffset(targetTimestamp), startingOffset);
    int position = offsetIndex.lookup(fromOffset).position();
    return log.searchForTimestamp(targetTimestamp, position, startingOffset);
  }

  /**
   * Drops every batch whose last offset is >= offset (a batch holding offset is dropped whole). Returns the
   * bytes removed.
   */
  int truncateTo(long offset) throws IOException {
    int position = positionOf(offset);
    if (position < 0) {
      return 0;
    }
    int removed = log.truncateTo(position);
    offsetIndex.truncateTo(offset);
    timeIndex.truncateTo(offset);
    txnIndex.truncateTo(offset);
    // recompute next offset, max timestamp and index spacing from the remaining data
    nextOffset = baseOffset;
    maxTimestampSoFar = RecordBatch.NO_TIMESTAMP;
    offsetOfMaxTimestampSoFar = baseOffset;
    offsetIndex.reset();
    timeIndex.reset();
    bytesSinceLastIndexEntry = 0;
    ScanResult r = scan(0, baseOffset, true);
    if (r.validEnd != log.sizeInBytes()) {
      throw new IOException("segment " + logPath() + " invalid after truncation at position " + r.validEnd + ": " + r.reason);
    }
    return removed;
  }

  /** Adds a final time-index entry for the largest timestamp (at roll and close). */
  void onBecomeInactive() throws IOException {
    timeIndex.maybeAppend(maxTimestampSoFar, offsetOfMaxTimestampSoFar);
  }

  void flush() throws IOException {
    log.flush();
    offsetIndex.flush();
    timeIndex.flush();
    txnIndex.flush();
  }

  void close() throws IOException {
    offsetIndex.close();
    timeIndex.close();
    txnIndex.close();
    log.close();
  }

  /** Renames all four files with the given suffix appended (used for .deleted and swaps). */
  void renameAllWithSuffix(String suffix) throws IOException {
    Path logPath = logPath();
    log.renameTo(logPath.resolveSibling(logPath.getFileName() + suffix).toFile());
    offsetIndex.renameTo(offsetIndex.file().resolveSibling(offsetIndex.file().getFileName() + suffix));
    timeIndex.renameTo(timeIndex.file().resolveSibling(timeIndex.file().getFileName() + suffix));
    txnIndex.renameTo(txnIndex.file().resolveSibling(txnIndex.file().getFileName() + suffix));
  }

  /** Closes and removes all files of this segment. */
  void deleteFiles() throws IOException {
    offsetIndex.deleteFile();
    timeIndex.deleteFile();
    txnIndex.deleteFile();
    log.close();
    Files.deleteIfExists(logPath());
  }

  static void moveReplacing(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public String toString() {
    return "Segment(" + logPath() + ", next=" + nextOffset + ", bytes=" + log.sizeInBytes() + ")";
  }
}
