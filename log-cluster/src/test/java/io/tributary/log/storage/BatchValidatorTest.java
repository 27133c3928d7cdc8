package io.tributary.log.storage;

import static io.tributary.log.storage.TestRecords.batch;
import static io.tributary.log.storage.TestRecords.bytes;
import static io.tributary.log.storage.TestRecords.concat;
import static io.tributary.log.storage.TestRecords.idempotent;
import static io.tributary.log.storage.TestRecords.keyed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.storage.BatchValidator.Source;
import io.tributary.log.storage.BatchValidator.ValidatedBatches;
import java.nio.ByteBuffer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.record.DefaultRecordBatch;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.Crc32C;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The verdicts of the pure batch checks, one row per rule; the logs' own tests cover that nothing is written on a refusal. */
class BatchValidatorTest {
  static final TopicPartition TP = new TopicPartition("orders", 3);
  static final long LOG_END_OFFSET = 10;
  static final int NO_SIZE_LIMIT = Integer.MAX_VALUE;
  static final int SIZE_LIMIT_BYTES = 200;
  static final boolean COMPACTED = true;
  static final boolean NOT_COMPACTED = false;
  static final long PRODUCER_ID = 7;

  static Stream<Arguments> accepted() {
    return Stream.of(
        // name, records, source, compacted, batches, records
        Arguments.of("one batch from a producer", rec(() -> batch("a", 3, 1L)), Source.PRODUCER, NOT_COMPACTED, 1, 3),
        Arguments.of("several batches, counts summed", rec(() -> concat(batch("a", 3, 1L), batch("b", 2, 1L))),
            Source.PRODUCER, NOT_COMPACTED, 2, 5),
        Arguments.of("compressed batch", rec(() -> keyed(Compression.gzip().build(), 1L, "x", "1", "y", "2")),
            Source.PRODUCER, NOT_COMPACTED, 1, 2),
        Arguments.of("keyed records on a compacted topic", rec(() -> keyed(1L, "x", "1", "y", null)), Source.PRODUCER, COMPACTED, 1, 2),
        Arguments.of("idempotent batch", rec(() -> idempotent(PRODUCER_ID, (short) 0, 0, 4, 1L)), Source.PRODUCER, NOT_COMPACTED, 1, 4),
        Arguments.of("leader log batch with an offset gap left by compaction", rec(BatchValidatorTest::gappedBatch),
            Source.LEADER_LOG, NOT_COMPACTED, 1, 2),
        Arguments.of("leader log empty batch keeping a producer's last sequence", rec(() -> emptyBatch(PRODUCER_ID)),
            Source.LEADER_LOG, NOT_COMPACTED, 1, 0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("accepted")
  void accepts(String name, Supplier<MemoryRecords> records, Source source, boolean compacted, int batches, int recordCount) {
    ValidatedBatches v = new BatchValidator(TP, NO_SIZE_LIMIT, compacted).validate(records.get(), LOG_END_OFFSET, source);
    assertEquals(batches, v.batches().size());
    assertEquals(recordCount, v.recordCount());
  }

  static Stream<Arguments> refused() {
    MemoryRecords tooLarge = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(1L, bytes("k"), new byte[300]));
    MemoryRecords twoBatches = concat(batch("a", 2, 1L), batch("b", 2, 1L));
    return Stream.of(
        // name, records, source, max bytes, compacted, refusal, message (or its start when it ends with "...")
        Arguments.of("no records", rec(() -> null), Source.PRODUCER, NO_SIZE_LIMIT, NOT_COMPACTED,
            InvalidRecordException.class, "Empty produce request for orders-3 (log end offset 10)"),
        Arguments.of("zero bytes", rec(() -> MemoryRecords.EMPTY), Source.LEADER_LOG, NO_SIZE_LIMIT, NOT_COMPACTED,
            InvalidRecordException.class, "Empty produce request for orders-3 (log end offset 10)"),
        Arguments.of("magic v1", rec(() -> MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V1, Compression.NONE,
                new SimpleRecord(1L, bytes("k"), bytes("v")))), Source.PRODUCER, NO_SIZE_LIMIT, NOT_COMPACTED,
            InvalidRecordException.class,
            "Record batch for orders-3 at offset 10 uses magic v1; magic v0/v1 not supported, upgrade the client (message format v2 is required)"),
        Arguments.of("batch over max.message.bytes", rec(() -> tooLarge), Source.PRODUCER, SIZE_LIMIT_BYTES, NOT_COMPACTED,
            RecordTooLargeException.class, "Record batch of " + tooLarge.sizeInBytes()
                + " bytes for orders-3 at offset 10 exceeds max.message.bytes=200"),
        Arguments.of("bad CRC", rec(() -> flipLastByte(batch("a", 2, 1L))), Source.PRODUCER, NO_SIZE_LIMIT, NOT_COMPACTED,
            CorruptRecordException.class, "Record batch for orders-3 at offset 10 is corrupt: ..."),
        Arguments.of("bad CRC in the second batch names its offset", rec(() -> concat(batch("a", 2, 1L), flipLastByte(batch("b", 2, 1L)))),
            Source.LEADER_LOG, NO_SIZE_LIMIT, NOT_COMPACTED, CorruptRecordException.class, "Record batch for orders-3 at offset 12 is corrupt: ..."),
        Arguments.of("trailing partial batch", rec(() -> cutTail(twoBatches, 3)), Source.PRODUCER, NO_SIZE_LIMIT, NOT_COMPACTED,
            CorruptRecordException.class, "Produce request for orders-3 has " + (twoBatches.sizeInBytes() / 2 - 3)
                + " trailing bytes that are not a whole record batch (at offset 12)"),
        Arguments.of("producer batch with an offset gap", rec(BatchValidatorTest::gappedBatch), Source.PRODUCER, NO_SIZE_LIMIT,
            NOT_COMPACTED, CorruptRecordException.class, "Record batch for orders-3 at offset 10 declares 2 records but a last offset delta of 2"),
        Arguments.of("producer batch that is empty", rec(() -> emptyBatch(PRODUCER_ID)), Source.PRODUCER, NO_SIZE_LIMIT, NOT_COMPACTED,
            CorruptRecordException.class, "Record batch for orders-3 at offset 10 declares 0 records but a last offset delta of 0"),
        Arguments.of("leader log empty batch without a producer", rec(() -> emptyBatch(RecordBatch.NO_PRODUCER_ID)), Source.LEADER_LOG,
            NO_SIZE_LIMIT, NOT_COMPACTED, CorruptRecordException.class,
            "Record batch for orders-3 at offset 10 declares 0 records but a last offset delta of 0"),
        Arguments.of("leader log batch declaring more records than its offsets", rec(() -> withCount(batch("a", 2, 1L), 3)),
            Source.LEADER_LOG, NO_SIZE_LIMIT, NOT_COMPACTED, CorruptRecordException.class,
            "Record batch for orders-3 at offset 10 declares 3 records but a last offset delta of 1"),
        Arguments.of("unkeyed record on a compacted topic names its own offset", rec(() -> MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(1L, bytes("k"), bytes("v")), new SimpleRecord(1L, null, bytes("v")))), Source.PRODUCER, NO_SIZE_LIMIT,
            COMPACTED, InvalidRecordException.class, "Record for orders-3 at offset 11 has no key: compacted topic requires keyed records"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refuses(String name, Supplier<MemoryRecords> records, Source source, int maxMessageBytes, boolean compacted,
      Class<? extends RuntimeException> refusal, String message) {
    BatchValidator validator = new BatchValidator(TP, maxMessageBytes, compacted);
    RuntimeException e = assertThrows(refusal, () -> validator.validate(records.get(), LOG_END_OFFSET, source));
    assertEquals(refusal, e.getClass());
    if (message.endsWith("...")) {
      String start = message.substring(0, message.length() - "...".length());
      assertTrue(e.getMessage().startsWith(start), e.getMessage());
    } else {
      assertEquals(message, e.getMessage());
    }
  }

  /** Records are built lazily so that a row that mutates bytes cannot leak into another. */
  private static Supplier<MemoryRecords> rec(Supplier<MemoryRecords> s) {
    return s;
  }

  /** A batch whose offsets 0 and 2 survived compaction: two records, last offset delta 2. */
  private static MemoryRecords gappedBatch() {
    MemoryRecordsBuilder b = MemoryRecords.builder(ByteBuffer.allocate(1024), RecordBatch.MAGIC_VALUE_V2, Compression.NONE,
        TimestampType.CREATE_TIME, 0L);
    b.appendWithOffset(0, new SimpleRecord(1L, bytes("k0"), bytes("v0")));
    b.appendWithOffset(2, new SimpleRecord(1L, bytes("k2"), bytes("v2")));
    return b.build();
  }

  /** The header-only batch compaction keeps when it removes all of a producer's records. */
  private static MemoryRecords emptyBatch(long producerId) {
    ByteBuffer buf = ByteBuffer.allocate(DefaultRecordBatch.RECORD_BATCH_OVERHEAD);
    DefaultRecordBatch.writeEmptyHeader(buf, RecordBatch.MAGIC_VALUE_V2, producerId, (short) 0, 4, 0L, 0L,
        RecordBatch.NO_PARTITION_LEADER_EPOCH, TimestampType.CREATE_TIME, 1L, false, false);
    buf.flip();
    return MemoryRecords.readableRecords(buf);
  }

  private static MemoryRecords flipLastByte(MemoryRecords records) {
    ByteBuffer buf = records.buffer();
    buf.put(buf.limit() - 1, (byte) (buf.get(buf.limit() - 1) ^ 0x5a));
    return records;
  }

  private static MemoryRecords cutTail(MemoryRecords records, int bytes) {
    ByteBuffer cut = records.buffer().duplicate();
    cut.limit(cut.limit() - bytes);
    return MemoryRecords.readableRecords(cut.slice());
  }

  /** Rewrites the record count of a single-batch request and recomputes the CRC, so only the count is wrong. */
  private static MemoryRecords withCount(MemoryRecords records, int count) {
    ByteBuffer buf = records.buffer();
    buf.putInt(DefaultRecordBatch.RECORDS_COUNT_OFFSET, count);
    int crcStart = DefaultRecordBatch.CRC_OFFSET + Integer.BYTES;
    long crc = Crc32C.compute(buf, crcStart, buf.limit() - crcStart);
    buf.putInt(DefaultRecordBatch.CRC_OFFSET, (int) crc);
    return records;
  }
}
