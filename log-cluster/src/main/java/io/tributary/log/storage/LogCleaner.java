package io.tributary.log.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.record.ControlRecordType;
import org.apache.kafka.common.record.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.CloseableIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compaction of one partition log (Kafka's {@code LogCleaner}): keeps, per key, only the record with the highest
 * offset, in the inactive segments that are older than {@code min.compaction.lag.ms}, wholly below the high
 * watermark given by {@link PartitionLog#updateHighWatermark} and below the last stable offset (the cleanable
 * range; records that could still be truncated never remove others, and the active segment is never rewritten).
 *
 * <p>A pass: (1) under the log's lock, note the cleanable range; (2) without it, read the dirty section (from the
 * cleaner checkpoint) into a {@link DedupeOffsetMap} of at most {@code log.cleaner.dedupe.buffer.size} bytes —
 * when the map fills, the pass ends at the last offset it covers and the next pass continues from there; (3)
 * without the lock, filter each segment below that end into {@code <base>.log.cleaned}; (4) under the lock only,
 * swap each cleaned segment in ({@link PartitionLog#swapCleanedSegment}, crash-safe). The cleaned segments are
 * below the active one, which appends never touch, so producers and fetchers of the partition wait only for a
 * swap's renames, never for a pass. A truncation or removal of the segment during the pass abandons it.
 *
 * <p>Tombstones (null value) use Kafka 3's delete-horizon rule: the first clean that keeps a tombstone
 * stamps its batch with a delete horizon {@code now + delete.retention.ms}; a later clean after the horizon
 * drops it. So a tombstone survives at least {@code delete.retention.ms} after the clean that first kept
 * it, giving consumers time to see the delete. Records past the offset map's end are kept as they are (Kafka's
 * rule), so a tombstone never goes before the older values of its key. The newest batch of each idempotent
 * producer is kept even when all its records go (an empty batch), so its sequence survives a reload.
 *
 * <p>Transactions, as Kafka's cleaner: nothing at or above the last stable offset is cleaned (an open
 * transaction's outcome is unknown); the records of aborted transactions are removed and never supersede others;
 * a COMMIT or ABORT marker stays while a batch of its transaction does, then gets a delete horizon like a tombstone
 * and goes {@code delete.retention.ms} later ({@link CleanedTransactions}).
 *
 * <p>Each segment is rewritten one to one (same base offset; batches keep their offsets, producer ids,
 * epochs and sequences; offsets get gaps).
 */
public final class LogCleaner {
  private static final Logger LOG = LoggerFactory.getLogger(LogCleaner.class);
  /** Kafka's default log.cleaner.dedupe.buffer.size: 128 MiB. */
  public static final long DEFAULT_DEDUPE_BUFFER_BYTES = 134_217_728L;
  /** Smallest log.cleaner.dedupe.buffer.size: room for one key (two 24-byte slots at load factor 0.9). */
  public static final long MIN_DEDUPE_BUFFER_BYTES = DedupeOffsetMap.MIN_BUFFER_BYTES;

  private LogCleaner() {}

  /** One pass with Kafka's default dedupe buffer. */
  public static CleanResult clean(PartitionLog log, long nowMs) throws IOException {
    return clean(log, nowMs, new DedupeOffsetMap(DEFAULT_DEDUPE_BUFFER_BYTES), CleanerHooks.NONE);
  }

  /** One pass whose offset map holds at most {@code dedupeBufferBytes}. */
  public static CleanResult clean(PartitionLog log, long nowMs, long dedupeBufferBytes) throws IOException {
    return clean(log, nowMs, new DedupeOffsetMap(dedupeBufferBytes), CleanerHooks.NONE);
  }

  /** What a pass found under the log's lock: the cleanable segments and what it needs to know of the log then. */
  private record Plan(List<Segment> cleanable, long dirtyStart, long cleanableEnd, List<AbortedTxn> aborted,
      List<AbortedTxn> abortedInDirty, long truncations, LogConfig config) {}

  static CleanResult clean(PartitionLog log, long nowMs, DedupeOffsetMap map, CleanerHooks hooks) throws IOException {
    synchronized (log.cleaningLock()) {
      Plan plan;
      synchronized (log) {
        plan = plan(log, nowMs);
      }
      if (plan == null) {
        return CleanResult.NOTHING;
      }
      map.clear();
      boolean full = false;
      CleanedTransactions mapTransactions = new CleanedTransactions(plan.abortedInDirty());
      for (Segment s : plan.cleanable()) {
        if (s.nextOffset() <= plan.dirtyStart()) {
          continue;
        }
        full = buildOffsetMap(map, s.records().batches(), mapTransactions, plan.dirtyStart());
        if (full) {
          break;
        }
      }
      long end = full ? map.latestOffset() + 1 : plan.cleanableEnd();
      if (full) {
        LOG.info("Offset map of {} is full ({} keys of log.cleaner.dedupe.buffer.size); cleaning up to offset {} of {}, the next pass "
            + "continues", log.topicPartition(), map.size(), end, plan.cleanableEnd());
      }
      hooks.reached(CleanerStep.OFFSET_MAP_BUILT);
      long before = 0;
      long after = 0;
      long removed = 0;
      CleanedTransactions transactions = new CleanedTransactions(plan.aborted());
      for (Segment s : plan.cleanable()) {
        if (s.baseOffset() >= end) {
          break;
        }
        int size = s.sizeInBytes();
        before += size;
        long[] dropped = {0};
        MemoryRecords records = readFully(s);
        MemoryRecords.FilterResult result = records.filterTo(log.topicPartition(),
            filter(log.producerStateManager(), transactions, map, end, plan.config(), nowMs, dropped),
            ByteBuffer.allocate(Math.max(size, 64)), Integer.MAX_VALUE, BufferSupplier.NO_CACHING);
        if (dropped[0] == 0 && !needsRewrite(records, result)) {
          after += size;
          continue;
        }
        ByteBuffer out = result.outputBuffer();
        out.flip();
        int cleanedBytes = out.remaining();
        writeCleaned(log.dir(), s, out);
        hooks.reached(CleanerStep.CLEANED_WRITTEN);
        if (!log.swapCleanedSegment(s, plan.truncations(), hooks)) {
          return CleanResult.NOTHING;
        }
        after += cleanedBytes;
        removed += dropped[0];
      }
      log.advanceCleanerCheckpoint(end, plan.truncations());
      LOG.info("Cleaned {} up to offset {}: {} -> {} bytes, {} records removed", log.topicPartition(), end, before, after, removed);
      return new CleanResult(before, after, removed, end);
    }
  }

  /** Under the log's lock: the cleanable range, or null when there is none. */
  private static Plan plan(PartitionLog log, long nowMs) {
    LogConfig cfg = log.config();
    if (!cfg.compact()) {
      return null;
    }
    List<Segment> all = log.segmentList();
    if (all.size() < 2) {
      return null;
    }
    // cleanable: inactive segments below the high watermark and the last stable offset whose newest record is
    // older than the compaction lag
    long hw = Math.min(log.highWatermark(), log.producerStateManager().firstUnstableOffset().orElse(Long.MAX_VALUE));
    int cleanable = 0;
    for (int i = 0; i < all.size() - 1; i++) {
      Segment s = all.get(i);
      if (s.maxTimestampSoFar() > nowMs - cfg.minCompactionLagMs() && cfg.minCompactionLagMs() > 0) {
        break;
      }
      if (s.nextOffset() > hw) {
        break;
      }
      cleanable = i + 1;
    }
    if (cleanable == 0) {
      return null;
    }
    List<Segment> segments = List.copyOf(all.subList(0, cleanable));
    long first = segments.get(0).baseOffset();
    long end = segments.get(cleanable - 1).nextOffset();
    long dirtyStart = Math.max(first, Math.min(log.cleanerCheckpoint(), end));
    return new Plan(segments, dirtyStart, end, log.abortedTransactions(first, end), log.abortedTransactions(dirtyStart, end),
        log.truncations(), cfg);
  }

  /**
   * Puts the keys of {@code batches} at or after {@code startOffset} into {@code map} (Kafka's
   * {@code buildOffsetMapForSegment}): records of aborted transactions and control batches supersede nothing. The
   * map's latest offset follows each batch read whole. Returns true when the map filled: its latest offset is then
   * the last one the map covers, where the pass ends.
   */
  static boolean buildOffsetMap(DedupeOffsetMap map, Iterable<? extends RecordBatch> batches, CleanedTransactions transactions,
      long startOffset) {
    for (RecordBatch batch : batches) {
      if (batch.lastOffset() < startOffset) {
        continue;
      }
      if (batch.isControlBatch()) {
        markerDiscardable(transactions, batch);
      } else if (!transactions.discardDataBatch(batch.producerId(), batch.isTransactional(), batch.lastOffset())) {
        try (CloseableIterator<Record> it = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
          while (it.hasNext()) {
            Record r = it.next();
            if (r.hasKey() && r.offset() >= startOffset && !map.put(r.key(), r.offset())) {
              return true;
            }
          }
        }
      }
      map.updateLatestOffset(batch.lastOffset());
    }
    return false;
  }

  private static MemoryRecords.RecordFilter filter(ProducerStateManager producers, CleanedTransactions transactions, DedupeOffsetMap map,
      long end, LogConfig cfg, long nowMs, long[] dropped) {
    return new MemoryRecords.RecordFilter(nowMs, cfg.deleteRetentionMs()) {
      /** Whether every record of the current batch goes: an aborted batch, or a marker past its delete horizon. */
      private boolean discardRecords;

      @Override
      protected BatchRetentionResult checkBatchRetention(RecordBatch batch) {
        boolean canDiscard = batch.isControlBatch() ? markerDiscardable(transactions, batch)
            : transactions.discardDataBatch(batch.producerId(), batch.isTransactional(), batch.lastOffset());
        discardRecords = batch.isControlBatch()
            ? canDiscard && batch.deleteHorizonMs().isPresent() && batch.deleteHorizonMs().getAsLong() <= nowMs
            : canDiscard;
        // the newest batch of a producer is kept even if emptied: it carries the producer's last sequence
        boolean lastOfProducer = batch.hasProducerId() && producers.lastOffsetOf(batch.producerId()) == batch.lastOffset();
        BatchRetention retention = lastOfProducer ? BatchRetention.RETAIN_EMPTY
            : discardRecords ? BatchRetention.DELETE : BatchRetention.DELETE_EMPTY;
        // a discardable marker gets a delete horizon on this clean (as a tombstone does) and goes after it
        return new BatchRetentionResult(retention, canDiscard && batch.isControlBatch());
      }

      @Override
      protected boolean shouldRetainRecord(RecordBatch batch, Record record) {
        if (discardRecords) {
          dropped[0]++;
          return false;
        }
        if (batch.isControlBatch() || record.offset() >= end) {
          return true; // past the offset map: not cleaned by this pass
        }
        long newest = record.hasKey() ? map.get(record.key()) : -1L;
        if (newest > record.offset()) {
          dropped[0]++;
          return false;
        }
        if (!record.hasValue() && batch.deleteHorizonMs().isPresent() && nowMs >= batch.deleteHorizonMs().getAsLong()) {
          dropped[0]++;
          return false;
        }
        return true;
      }
    };
  }

  private static MemoryRecords readFully(Segment s) throws IOException {
    int size = s.sizeInBytes();
    ByteBuffer in = ByteBuffer.allocate(size);
    s.records().readInto(in, 0); // reads fully and flips
    if (in.position() == size && size > 0) {
      in.flip();
    }
    if (in.remaining() != size) {
      throw new IOException("Short read of " + s.logPath() + ": " + in.remaining() + " of " + size + " bytes");
    }
    return MemoryRecords.readableRecords(in);
  }

  /** Writes and fsyncs {@code <base>.log.cleaned} and a copy of the segment's aborted-transaction index. */
  private static void writeCleaned(Path dir, Segment s, ByteBuffer out) throws IOException {
    Path cleanedLog = PartitionLog.cleanedFile(dir, s.baseOffset(), Segment.LOG_SUFFIX);
    Path cleanedTxn = PartitionLog.cleanedFile(dir, s.baseOffset(), TransactionIndex.SUFFIX);
    writeAndSync(cleanedLog, out);
    Path txn = TransactionIndex.file(dir, s.baseOffset());
    writeAndSync(cleanedTxn, ByteBuffer.wrap(Files.exists(txn) ? Files.readAllBytes(txn) : new byte[0]));
  }

  private static void writeAndSync(Path file, ByteBuffer bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      while (bytes.hasRemaining()) {
        ch.write(bytes);
      }
      ch.force(true);
    }
  }

  /** Batches holding tombstones get a delete horizon on first clean; filterTo then rewrites them. */
  private static boolean needsRewrite(MemoryRecords in, MemoryRecords.FilterResult result) {
    return result.bytesRetained() != in.sizeInBytes() || result.outputBuffer().position() != in.sizeInBytes()
        || !result.outputBuffer().duplicate().flip().equals(in.buffer().duplicate().rewind());
  }

  /** Feeds a control batch to {@code transactions}; other control records than COMMIT/ABORT always stay. */
  private static boolean markerDiscardable(CleanedTransactions transactions, RecordBatch batch) {
    Optional<ControlRecordType> type = TransactionMarkers.markerType(batch);
    return type.isPresent() && transactions.markerDiscardable(batch.producerId(), batch.baseOffset(), type.get() == ControlRecordType.ABORT);
  }
}
