package io.tributary.log.storage;

import java.nio.ByteBuffer;
import org.apache.kafka.common.record.DefaultRecordBatch;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.utils.ByteUtils;

/**
 * The records of an uncompressed v2 batch checked where they lie, without making a record object, key, value or
 * header of each: the layout checks of kafka-clients' {@code DefaultRecord.readFrom} and of the batch iterator
 * that calls it (sizes within the batch, header counts and sizes, the body size each record declares, nothing
 * left after the declared count), plus the producer's rules: offset deltas 0, 1, 2, ... and a key on every record
 * of a compacted topic. The leader checks every produced record, so this is the per-record cost of a produce;
 * {@code UncompressedRecordsWalkTest} holds it to kafka-clients' own iterator on valid and mangled batches.
 *
 * <p>Pure: reads the batch's bytes (a duplicate of its buffer) and nothing else.
 */
final class UncompressedRecordsWalk {
  /** The first record's position in a v2 batch: the header's size. */
  static final int RECORDS_OFFSET = DefaultRecordBatch.RECORD_BATCH_OVERHEAD;

  /** What is wrong with a record: its index in the batch and the problem, or null when every record is sound. */
  record Problem(int index, Kind kind, String detail) {}

  enum Kind {
    /** The bytes are not records as the batch header declares them (INVALID_RECORD from Kafka). */
    STRUCTURE,
    /** A record's offset delta is not its index. */
    OFFSET,
    /** A record of a compacted topic has no key. */
    NO_KEY
  }

  private UncompressedRecordsWalk() {}

  /**
   * Walks {@code count} records of {@code batchBytes} (one whole uncompressed v2 batch, from its first byte);
   * {@code keyRequired} for a compacted topic's data batch.
   */
  static Problem check(ByteBuffer batchBytes, int count, boolean keyRequired) {
    ByteBuffer b = batchBytes.duplicate();
    int end = b.limit();
    b.position(b.position() + RECORDS_OFFSET);
    for (int i = 0; i < count; i++) {
      try {
        if (!b.hasRemaining()) {
          return new Problem(i, Kind.STRUCTURE, "the batch ends before record " + i + " of " + count);
        }
        int bodySize = ByteUtils.readVarint(b);
        if (bodySize < 0 || bodySize > b.remaining()) {
          return new Problem(i, Kind.STRUCTURE, "a record body of " + bodySize + " bytes with " + b.remaining() + " left");
        }
        int start = b.position();
        int recordEnd = start + bodySize;
        b.limit(recordEnd); // nothing of a record may be read from beyond its declared body
        b.get(); // attributes
        ByteUtils.readVarlong(b); // timestamp delta
        int offsetDelta = ByteUtils.readVarint(b);
        int keySize = ByteUtils.readVarint(b);
        if (!skip(b, keySize)) {
          return new Problem(i, Kind.STRUCTURE, "a key of " + keySize + " bytes with " + b.remaining() + " left");
        }
        int valueSize = ByteUtils.readVarint(b);
        if (!skip(b, valueSize)) {
          return new Problem(i, Kind.STRUCTURE, "a value of " + valueSize + " bytes with " + b.remaining() + " left");
        }
        int headers = ByteUtils.readVarint(b);
        if (headers < 0 || headers > b.remaining()) {
          return new Problem(i, Kind.STRUCTURE, "an invalid number of headers " + headers);
        }
        for (int h = 0; h < headers; h++) {
          int headerKeySize = ByteUtils.readVarint(b);
          if (headerKeySize < 0 || !skip(b, headerKeySize)) {
            return new Problem(i, Kind.STRUCTURE, "a header key of " + headerKeySize + " bytes");
          }
          int headerValueSize = ByteUtils.readVarint(b);
          if (!skip(b, headerValueSize)) {
            return new Problem(i, Kind.STRUCTURE, "a header value of " + headerValueSize + " bytes");
          }
        }
        if (b.position() != recordEnd) {
          return new Problem(i, Kind.STRUCTURE, "a record body of " + bodySize + " bytes that holds "
              + (b.position() - start));
        }
        b.limit(end);
        if (offsetDelta != i) {
          return new Problem(i, Kind.OFFSET, "offset delta " + offsetDelta);
        }
        if (keyRequired && keySize < 0) {
          return new Problem(i, Kind.NO_KEY, "no key");
        }
      } catch (RuntimeException e) { // a varint longer than its bytes or than 5 (10) bytes
        return new Problem(i, Kind.STRUCTURE, "unreadable: " + e.getMessage());
      }
    }
    if (b.hasRemaining()) {
      return new Problem(count, Kind.STRUCTURE, b.remaining() + " bytes after the " + count + " records the batch declares");
    }
    return null;
  }

  /** Skips a length-prefixed field of {@code size} bytes (negative: null, as kafka-clients reads it); false when it does not fit. */
  private static boolean skip(ByteBuffer b, int size) {
    if (size < 0) {
      return true;
    }
    if (size > b.remaining()) {
      return false;
    }
    b.position(b.position() + size);
    return true;
  }

  /** Whether {@code batch} is one this walk reads (uncompressed, magic 2); others go through kafka-clients' iterator. */
  static boolean applies(RecordBatch batch) {
    return batch.magic() == RecordBatch.MAGIC_VALUE_V2 && !batch.isCompressed();
  }
}
