package io.tributary.log.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * Compaction of one partition log: keeps, per key, only the record with the highest offset, in the
 * inactive segments that are older than {@code min.compaction.lag.ms} (the active segment is never
 * rewritten, but its keys do supersede older records).
 *
 * <p>Tombstones (null value) use Kafka 3's delete-horizon rule: the first clean that keeps a tombstone
 * stamps its batch with a delete horizon {@code now + delete.retention.ms}; a later clean after the horizon
 * drops it. So a tombstone survives at least {@code delete.retention.ms} after the clean that first kept
 * it, giving consumers time to see the delete.
 *
 * <p>Only segments below the active one and wholly below the high watermark given by
 * {@link PartitionLog#updateHighWatermark} are cleaned, and only their keys supersede older records (as in
 * Kafka, records that could still be truncated never remove others). The newest batch of each idempotent
 * producer is kept even when all its records go (an empty batch), so its sequence survives a reload.
 *
 * <p>Transactions, as Kafka's cleaner: nothing at or above the last stable offset is cleaned (an open
 * transaction's outcome is unknown); the records of aborted transactions are removed and never supersede others;
 * a COMMIT or ABORT marker stays while a batch of its transaction does, then gets a delete horizon like a tombstone
 * and goes {@code delete.retention.ms} later ({@link CleanedTransactions}).
 *
 * <p>Each segment is rewritten one to one (same base offset; batches keep their offsets, producer ids,
 * epochs and sequences; offsets get gaps). Swap protocol: write {@code <base>.log.cleaned}, fsync, rename
 * to {@code <base>.log.swap} (the commit point), then the log renames the old files {@code .deleted} and the
 * swap file to {@code <base>.log} and rebuilds its indexes. On open, {@code .cleaned} files are deleted and
 * {@code .swap} files complete the swap ({@link PartitionLog} load).
 *
 * <p>The log's lock is held for the whole pass, so appends wait for the cleaning of one partition.
 */
public final class LogCleaner {
  private static final Logger LOG = LoggerFactory.getLogger(LogCleaner.class);

  private LogCleaner() {}

  public static CleanResult clean(PartitionLog log, long nowMs) throws IOException {
    synchronized (log) {
      LogConfig cfg = log.config();
      if (!cfg.compact()) {
        return new CleanResult(0, 0, 0);
      }
      List<Segment> all = log.segmentList();
      if (all.size() < 2) {
        return new CleanResult(0, 0, 0);
      }
      // cleanable: inactive segments below the high watermark and the last stable offset whose newest record is
      // older than the compaction lag
      ProducerStateManager producers = log.producerStateManager();
      long hw = Math.min(log.highWatermark(), producers.firstUnstableOffset().orElse(Long.MAX_VALUE));
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
        return new CleanResult(0, 0, 0);
      }
      List<AbortedTxn> aborted = log.abortedTransactions(all.get(0).baseOffset(), all.get(cleanable - 1).nextOffset());
      // latest offset of every key in the cleanable range (records beyond it may still be truncated); aborted
      // records supersede nothing
      Map<ByteBuffer, Long> latest = new HashMap<>();
      CleanedTransactions mapTransactions = new CleanedTransactions(aborted);
      for (Segment s : all.subList(0, cleanable)) {
        for (FileChannelRecordBatch batch : s.records().batches()) {
          if (batch.isControlBatch()) {
            markerDiscardable(mapTransactions, batch);
            continue;
          }
          if (mapTransactions.discardDataBatch(batch.producerId(), batch.isTransactional(), batch.lastOffset())) {
            continue;
          }
          try (CloseableIterator<Record> it = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
            while (it.hasNext()) {
              Record r = it.next();
              if (r.hasKey()) {
                latest.put(copy(r.key()), r.offset());
              }
            }
          }
        }
      }
      long before = 0;
      long after = 0;
      long removed = 0;
      long cleanedUpTo = log.cleanerCheckpoint();
      CleanedTransactions transactions = new CleanedTransactions(aborted);
      for (int i = 0; i < cleanable; i++) {
        Segment s = all.get(i);
        int size = s.sizeInBytes();
        before += size;
        ByteBuffer in = ByteBuffer.allocate(size);
        s.records().readInto(in, 0); // reads fully and flips
        if (in.position() == size && size > 0) {
          in.flip();
        }
        if (in.remaining() != size) {
          throw new IOException("Short read of " + s.logPath() + ": " + in.remaining() + " of " + size + " bytes");
        }
        MemoryRecords records = MemoryRecords.readableRecords(in);
        long[] dropped = {0};
        MemoryRecords.RecordFilter filter = new MemoryRecords.RecordFilter(nowMs, cfg.deleteRetentionMs()) {
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
            if (batch.isControlBatch()) {
              return true;
            }
            Long newest = record.hasKey() ? latest.get(record.key().duplicate()) : null;
            if (newest != null && newest != record.offset()) {
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
        MemoryRecords.FilterResult result = records.filterTo(log.topicPartition(), filter, ByteBuffer.allocate(Math.max(size, 64)),
            Integer.MAX_VALUE, BufferSupplier.NO_CACHING);
        if (dropped[0] == 0 && !needsRewrite(records, result)) {
          after += size;
          cleanedUpTo = Math.max(cleanedUpTo, s.nextOffset());
          continue;
        }
        ByteBuffer out = result.outputBuffer();
        out.flip();
        Path cleaned = Segment.logFile(log.dir(), s.baseOffset()).resolveSibling(Segment.fileName(s.baseOffset())
            + Segment.LOG_SUFFIX + Segment.CLEANED_SUFFIX);
        Path swap = Segment.logFile(log.dir(), s.baseOffset()).resolveSibling(Segment.fileName(s.baseOffset())
            + Segment.LOG_SUFFIX + Segment.SWAP_SUFFIX);
        try (FileChannel ch = FileChannel.open(cleaned, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
          while (out.hasRemaining()) {
            ch.write(out);
          }
          ch.force(true);
        }
        Segment.moveReplacing(cleaned, swap);
        log.replaceSegment(s.baseOffset(), swap);
        after += Files.size(Segment.logFile(log.dir(), s.baseOffset()));
        removed += dropped[0];
        cleanedUpTo = Math.max(cleanedUpTo, s.nextOffset());
      }
      log.setCleanerCheckpoint(cleanedUpTo);
      LOG.info("Cleaned {}: {} segments, {} -> {} bytes, {} records removed", log.topicPartition(), cleanable, before, after, removed);
      return new CleanResult(before, after, removed);
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

  private static ByteBuffer copy(ByteBuffer b) {
    ByteBuffer c = ByteBuffer.allocate(b.remaining());
    c.put(b.duplicate());
    c.flip();
    return c;
  }
}
