package io.tributary.log.storage;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.CloseableIterator;

/**
 * The checks every batch of an append request passes before anything of the request is written: magic 2,
 * size fields, CRC, record count, records iterable, size limit, keys for compacted topics, no trailing bytes.
 * A producer batch must hold exactly lastOffsetDelta+1 records with sequential offsets, each checked (in place
 * for uncompressed batches: {@link UncompressedRecordsWalk}); a batch copied from a leader's log may come from a
 * compacted log, so it may hold fewer, or none when it is the empty batch that compaction keeps to remember a
 * producer's last sequence, and its records are not read again (the leader checked them; the CRC covers them).
 *
 * <p>Pure: it reads the request bytes and its arguments only (no file, clock or log state), and its verdict
 * is either the accepted batches or the exception the client sees. The log end offset only numbers the
 * batches in the messages.
 */
final class BatchValidator {

  /** Where the batches of a request come from, which decides how strictly their offsets are checked. */
  enum Source {
    /** A produce request: offsets are still relative and every batch is dense. */
    PRODUCER,
    /** A follower fetch of the leader's log: offsets are final and compaction may have left gaps. */
    LEADER_LOG
  }

  /** An accepted request: its batches in order and their total record count. */
  record ValidatedBatches(List<MutableRecordBatch> batches, int recordCount) {}

  private final TopicPartition tp;
  private final int maxMessageBytes;
  private final boolean compacted;

  /**
   * @param maxMessageBytes the largest batch accepted, in bytes ({@code max.message.bytes})
   * @param compacted whether the topic is compacted, so every non-control record needs a key
   */
  BatchValidator(TopicPartition tp, int maxMessageBytes, boolean compacted) {
    this.tp = tp;
    this.maxMessageBytes = maxMessageBytes;
    this.compacted = compacted;
  }

  static BatchValidator forConfig(TopicPartition tp, LogConfig config) {
    return new BatchValidator(tp, config.maxMessageBytes(), config.compact());
  }

  /**
   * Accepts every batch of the request or throws the first problem found.
   *
   * @param logEndOffset the log end offset before the append, used only to name offsets in the messages
   * @throws InvalidRecordException for an empty request, an old magic, non-sequential offsets or a missing key
   * @throws CorruptRecordException for a bad CRC, inconsistent counts, unreadable records or trailing bytes
   * @throws RecordTooLargeException for a batch over {@code max.message.bytes}
   */
  ValidatedBatches validate(MemoryRecords records, long logEndOffset, Source source) {
    String where = tp + " (log end offset " + logEndOffset + ")";
    if (records == null || records.buffer().remaining() == 0) {
      throw new InvalidRecordException("Empty produce request for " + where);
    }
    List<MutableRecordBatch> batches = new ArrayList<>();
    int validatedBytes = 0;
    int recordCount = 0;
    ByteBuffer request = records.buffer();
    Iterator<MutableRecordBatch> it = records.batches().iterator();
    while (true) {
      MutableRecordBatch batch;
      try {
        if (!it.hasNext()) {
          break;
        }
        batch = it.next();
      } catch (CorruptRecordException e) {
        throw new CorruptRecordException("Corrupt batch at request position " + validatedBytes + " for " + where + ": " + e.getMessage());
      }
      long offsetForErrors = logEndOffset + recordCount;
      int start = request.position() + validatedBytes;
      checkBatch(batch, request.duplicate().position(start).limit(start + batch.sizeInBytes()), offsetForErrors, source);
      validatedBytes += batch.sizeInBytes();
      recordCount += batch.countOrNull();
      batches.add(batch);
    }
    if (validatedBytes != records.buffer().remaining()) {
      throw new CorruptRecordException("Produce request for " + tp + " has " + (records.buffer().remaining() - validatedBytes)
          + " trailing bytes that are not a whole record batch (at offset " + (logEndOffset + recordCount) + ")");
    }
    if (batches.isEmpty()) {
      throw new InvalidRecordException("Produce request for " + where + " holds no record batch");
    }
    return new ValidatedBatches(batches, recordCount);
  }

  /** The checks of one batch; on return its record count is known to be non-null and right. */
  private void checkBatch(MutableRecordBatch batch, ByteBuffer bytes, long offsetForErrors, Source source) {
    if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
      throw new InvalidRecordException("Record batch for " + tp + " at offset " + offsetForErrors + " uses magic v" + batch.magic()
          + "; magic v0/v1 not supported, upgrade the client (message format v2 is required)");
    }
    int size = batch.sizeInBytes();
    if (size > maxMessageBytes) {
      throw new RecordTooLargeException("Record batch of " + size + " bytes for " + tp + " at offset " + offsetForErrors
          + " exceeds max.message.bytes=" + maxMessageBytes);
    }
    try {
      batch.ensureValid();
    } catch (CorruptRecordException e) {
      throw new CorruptRecordException("Record batch for " + tp + " at offset " + offsetForErrors + " is corrupt: " + e.getMessage());
    }
    try {
      batch.compressionType();
    } catch (IllegalArgumentException e) {
      // The CRC covers the attributes, so a valid batch can still name a codec that does not exist (found by the fuzzer).
      throw new CorruptRecordException("Record batch for " + tp + " at offset " + offsetForErrors + " is corrupt: " + e.getMessage());
    }
    boolean fromLeaderLog = source == Source.LEADER_LOG;
    long delta = batch.lastOffset() - batch.baseOffset();
    Integer count = batch.countOrNull();
    boolean countOk = count != null && delta >= 0
        && (fromLeaderLog ? count <= delta + 1 && (count > 0 || batch.hasProducerId()) : count == delta + 1);
    if (!countOk) {
      throw new CorruptRecordException("Record batch for " + tp + " at offset " + offsetForErrors + " declares " + count
          + " records but a last offset delta of " + delta);
    }
    if (fromLeaderLog) {
      // The leader checked every record when it accepted them, and the CRC checked above covers them since: a
      // follower, as Kafka's, does not read them one by one again.
      return;
    }
    if (UncompressedRecordsWalk.applies(batch)) {
      checkUncompressed(batch, bytes, count, offsetForErrors);
      return;
    }
    int seen = 0;
    try (CloseableIterator<Record> recs = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
      while (recs.hasNext()) {
        Record r = recs.next();
        if (r.offset() != batch.baseOffset() + seen) {
          throw new InvalidRecordException("Record " + seen + " of a batch for " + tp + " at offset " + offsetForErrors
              + " has a non-sequential offset delta");
        }
        if (compacted && !r.hasKey() && !batch.isControlBatch()) {
          throw new InvalidRecordException("Record for " + tp + " at offset " + (offsetForErrors + seen)
              + " has no key: compacted topic requires keyed records");
        }
        seen++;
      }
    } catch (InvalidRecordException e) {
      throw e;
    } catch (KafkaException | IllegalStateException | IndexOutOfBoundsException | BufferUnderflowException e) {
      throw new CorruptRecordException("Records of a batch for " + tp + " at offset " + offsetForErrors + " cannot be read: " + e);
    }
    if (seen != count) {
      throw new CorruptRecordException("Record batch for " + tp + " at offset " + offsetForErrors + " declares " + count
          + " records but holds " + seen);
    }
  }

  /** The records of an uncompressed batch, checked in place (no object per record): the same rules, the same errors. */
  private void checkUncompressed(MutableRecordBatch batch, ByteBuffer bytes, int count, long offsetForErrors) {
    UncompressedRecordsWalk.Problem p = UncompressedRecordsWalk.check(bytes, count, compacted && !batch.isControlBatch());
    if (p == null) {
      return;
    }
    switch (p.kind()) {
      case OFFSET -> throw new InvalidRecordException("Record " + p.index() + " of a batch for " + tp + " at offset "
          + offsetForErrors + " has a non-sequential offset delta");
      case NO_KEY -> throw new InvalidRecordException("Record for " + tp + " at offset " + (offsetForErrors + p.index())
          + " has no key: compacted topic requires keyed records");
      case STRUCTURE -> throw new CorruptRecordException("Records of a batch for " + tp + " at offset " + offsetForErrors
          + " cannot be read: record " + p.index() + ": " + p.detail());
    }
  }
}
