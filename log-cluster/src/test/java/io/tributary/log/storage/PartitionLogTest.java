package io.tributary.log.storage;

import static io.tributary.log.storage.TestRecords.batch;
import static io.tributary.log.storage.TestRecords.batches;
import static io.tributary.log.storage.TestRecords.bytes;
import static io.tributary.log.storage.TestRecords.keyed;
import static io.tributary.log.storage.TestRecords.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.FileRecords;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class PartitionLogTest extends PartitionLogFixture {
  static final TopicPartition TP = new TopicPartition("orders", 3);
  static final Uuid ID = Uuid.randomUuid();

  PartitionLogTest() {
    super(TP, ID);
  }

  @Test
  void appendAndReadRoundTripWithContiguousOffsets() throws IOException {
    open(Map.of());
    AppendResult a = log.appendAsLeader(batch("a", 3, time.milliseconds()), 5);
    assertEquals(new AppendResult(0, 2, -1, 0, 1, 3, false), a);
    AppendResult b = log.appendAsLeader(keyed(Compression.gzip().build(), time.milliseconds(), "x", "1", "y", "2"), 5);
    assertEquals(3, b.firstOffset());
    assertEquals(4, b.lastOffset());
    AppendResult c = log.appendAsLeader(TestRecords.concat(batch("c", 1, 1L), batch("d", 2, 2L)), 6);
    assertEquals(new AppendResult(5, 7, -1, 0, 2, 3, false), c);
    assertEquals(8, log.logEndOffset());

    LogReadResult r = log.read(0, Integer.MAX_VALUE, Long.MAX_VALUE, false);
    assertInstanceOf(FileRecords.class, r.records());
    List<TestRecords.Rec> recs = records(r.records());
    assertEquals(8, recs.size());
    for (int i = 0; i < recs.size(); i++) {
      assertEquals(i, recs.get(i).offset());
    }
    assertEquals("a-0", recs.get(0).value());
    assertEquals("x", recs.get(3).key());
    assertEquals("2", recs.get(4).value());
    List<RecordBatch> bs = batches(r.records());
    assertEquals(4, bs.size());
    assertEquals(5, bs.get(0).partitionLeaderEpoch());
    assertEquals(6, bs.get(3).partitionLeaderEpoch());
    assertTrue(bs.get(1).isCompressed());
    assertEquals(0, r.logStartOffset());
    assertEquals(8, r.logEndOffset());

    // read from the middle of a batch: the batch is returned whole
    List<RecordBatch> fromMiddle = batches(log.read(4, Integer.MAX_VALUE, Long.MAX_VALUE, false).records());
    assertEquals(3, fromMiddle.get(0).baseOffset());
    // at log end: empty; beyond: out of range
    assertEquals(0, log.read(8, 1000, Long.MAX_VALUE, false).records().sizeInBytes());
    OffsetOutOfRangeException e = assertThrows(OffsetOutOfRangeException.class, () -> log.read(9, 1000, Long.MAX_VALUE, false));
    assertTrue(e.getMessage().contains("orders-3"), e.getMessage());
    assertThrows(OffsetOutOfRangeException.class, () -> log.read(-1, 1000, Long.MAX_VALUE, false));
  }

  @Test
  void readNeverPassesHighWatermarkAndRespectsMaxBytes() throws IOException {
    open(Map.of());
    for (int i = 0; i < 5; i++) {
      log.appendAsLeader(batch("v" + i, 2, 1L), 0); // offsets 2i, 2i+1
    }
    // hwm 5: batches [0,1], [2,3] only (batch [4,5] has last offset 5 >= 5)
    List<TestRecords.Rec> recs = records(log.read(0, Integer.MAX_VALUE, 5, false).records());
    assertEquals(4, recs.size());
    assertEquals(3, recs.get(3).offset());
    // start at the hwm batch: nothing
    assertEquals(0, log.read(4, Integer.MAX_VALUE, 5, false).records().sizeInBytes());
    // maxBytes below one batch: nothing unless minOneBatch
    int oneBatch = batches(log.read(0, Integer.MAX_VALUE, 2, false).records()).get(0).sizeInBytes();
    assertEquals(0, log.read(0, oneBatch - 1, Long.MAX_VALUE, false).records().sizeInBytes());
    LogReadResult min = log.read(0, 1, Long.MAX_VALUE, true);
    assertEquals(oneBatch, min.records().sizeInBytes());
    assertEquals(1, batches(min.records()).size());
    // maxBytes for two and a half batches: two whole batches
    assertEquals(2 * oneBatch, log.read(0, oneBatch * 5 / 2, Long.MAX_VALUE, true).records().sizeInBytes());
  }

  @Test
  void rollsBySizeAndTimeAndFindsOffsetsAcrossManySegments() throws IOException {
    open(Map.of("segment.bytes", "1024", "index.interval.bytes", "100"));
    for (int i = 0; i < 200; i++) {
      log.appendAsLeader(batch("value-" + i, 1, 1000L + i), 1);
    }
    List<Long> bases = log.segmentBaseOffsets();
    assertTrue(bases.size() > 10, "segments: " + bases);
    for (Segment s : log.segmentList()) {
      assertTrue(s.sizeInBytes() <= 1024, s.toString());
    }
    for (long off = 0; off < 200; off += 7) {
      List<TestRecords.Rec> recs = records(log.read(off, 200, Long.MAX_VALUE, true).records());
      assertEquals(off, recs.get(0).offset());
      assertEquals("value-" + off + "-0", recs.get(0).value());
    }
    // an index file exists for every segment and has entries
    assertTrue(Files.size(Segment.indexFile(log.dir(), bases.get(0))) > 0);

    // time roll
    int before = log.segmentBaseOffsets().size();
    log.updateConfig(LogConfig.fromMap(Map.of("segment.ms", "1000")));
    log.appendAsLeader(batch("t", 1, 1L), 1);
    time.sleep(1001);
    log.appendAsLeader(batch("t", 1, 1L), 1);
    assertEquals(before + 1, log.segmentBaseOffsets().size());
    assertEquals(201L, (long) log.segmentBaseOffsets().get(before));
  }

  @Test
  void offsetForTimestampUsesTheTimeIndex() throws IOException {
    open(Map.of("segment.bytes", "2048", "index.interval.bytes", "1"));
    for (int i = 0; i < 100; i++) {
      log.appendAsLeader(batch("v", 2, 10_000L + i * 10L), 0); // offsets 2i,2i+1 at ts 10000+10i
    }
    assertTrue(log.segmentBaseOffsets().size() > 3);
    Optional<FileRecords.TimestampAndOffset> r = log.offsetForTimestamp(10_000L + 500);
    assertEquals(100L, r.orElseThrow().offset);
    assertEquals(10_500L, r.get().timestamp);
    assertEquals(102L, log.offsetForTimestamp(10_505L).orElseThrow().offset);
    assertEquals(0L, log.offsetForTimestamp(0L).orElseThrow().offset);
    assertTrue(log.offsetForTimestamp(20_000L).isEmpty());
    assertEquals(200L, log.offsetForTimestamp(-1L).orElseThrow().offset);
    assertEquals(0L, log.offsetForTimestamp(-2L).orElseThrow().offset);
  }

  @Test
  void logAppendTimeStampsBrokerTime() throws IOException {
    open(Map.of("message.timestamp.type", "LogAppendTime"));
    AppendResult a = log.appendAsLeader(batch("a", 2, 5L), 0);
    assertEquals(time.milliseconds(), a.logAppendTime());
    RecordBatch b = batches(log.read(0, 10000, Long.MAX_VALUE, false).records()).get(0);
    assertEquals(TimestampType.LOG_APPEND_TIME, b.timestampType());
    assertEquals(time.milliseconds(), b.maxTimestamp());
    b.ensureValid();
  }

  @Test
  void corruptCrcIsRefusedAndNothingOfTheRequestIsWritten() throws IOException {
    open(Map.of());
    log.appendAsLeader(batch("ok", 1, 1L), 0);
    MemoryRecords good = batch("good", 2, 1L);
    MemoryRecords bad = batch("bad", 2, 1L);
    ByteBuffer buf = bad.buffer();
    buf.put(buf.limit() - 1, (byte) (buf.get(buf.limit() - 1) ^ 0x5a));
    MemoryRecords both = TestRecords.concat(good, bad);
    CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> log.appendAsLeader(both, 0));
    assertTrue(e.getMessage().contains("orders-3"), e.getMessage());
    assertEquals(Errors.CORRUPT_MESSAGE, Errors.forException(e));
    assertEquals(1, log.logEndOffset());
    assertEquals(records(log.read(0, 100000, Long.MAX_VALUE, false).records()).size(), 1);

    // a trailing partial batch is refused too
    MemoryRecords whole = batch("w", 2, 1L);
    ByteBuffer cut = whole.buffer().duplicate();
    cut.limit(cut.limit() - 3);
    MemoryRecords torn = TestRecords.concat(good, MemoryRecords.readableRecords(cut.slice()));
    assertThrows(CorruptRecordException.class, () -> log.appendAsLeader(torn, 0));
    assertEquals(1, log.logEndOffset());
    assertThrows(InvalidRecordException.class, () -> log.appendAsLeader(MemoryRecords.EMPTY, 0));
  }

  @Test
  void oldMagicIsRefused() throws IOException {
    open(Map.of());
    MemoryRecords v1 = MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V1, Compression.NONE, new SimpleRecord(1L, bytes("k"), bytes("v")));
    InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> log.appendAsLeader(v1, 0));
    assertTrue(e.getMessage().contains("magic v0/v1 not supported"), e.getMessage());
    assertEquals(Errors.INVALID_RECORD, Errors.forException(e));
    assertEquals(0, log.logEndOffset());
    assertEquals(0, log.size());
  }

  @Test
  void recordTooLargeIsRefused() throws IOException {
    open(Map.of("max.message.bytes", "200"));
    MemoryRecords big = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(1L, bytes("k"), new byte[300]));
    RecordTooLargeException e = assertThrows(RecordTooLargeException.class, () -> log.appendAsLeader(big, 0));
    assertTrue(e.getMessage().contains("max.message.bytes"));
    assertEquals(0, log.logEndOffset());
    log.appendAsLeader(batch("small", 1, 1L), 0);
    assertEquals(1, log.logEndOffset());
  }

  @Test
  void compactedTopicRequiresKeys() throws IOException {
    open(Map.of("cleanup.policy", "compact"));
    MemoryRecords noKey = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(1L, null, bytes("v")));
    InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> log.appendAsLeader(noKey, 0));
    assertTrue(e.getMessage().contains("compacted topic requires keyed records"), e.getMessage());
    assertEquals(0, log.logEndOffset());
  }

  @Test
  void flushMessagesOneMovesTheRecoveryPointOnEachAppend() throws IOException {
    open(Map.of("flush.messages", "1"));
    log.appendAsLeader(batch("a", 2, 1L), 0);
    assertEquals(2, log.recoveryPoint());
    assertEquals(2, RecoveryCheckpoint.read(log.dir()));
    log.close();
    log = null;
    open(Map.of("flush.ms", "100"));
    log.appendAsLeader(batch("b", 1, 1L), 0);
    assertEquals(2, log.recoveryPoint());
    log.flushIfDue(time.milliseconds() + 50);
    assertEquals(2, log.recoveryPoint());
    log.flushIfDue(time.milliseconds() + 100);
    assertEquals(3, log.recoveryPoint());
  }

  @Test
  void followerAppendKeepsOffsetsAndEpochs() throws IOException {
    open(Map.of());
    MemoryRecords leaderData = MemoryRecords.withRecords(0L, Compression.NONE, 7, new SimpleRecord(1L, bytes("k"), bytes("v")),
        new SimpleRecord(1L, bytes("k2"), bytes("v2")));
    AppendResult r = log.appendAsFollower(leaderData);
    assertEquals(0, r.firstOffset());
    assertEquals(1, r.lastOffset());
    assertEquals(7, log.latestEpoch().getAsInt());
    MemoryRecords gap = MemoryRecords.withRecords(5L, Compression.NONE, 8, new SimpleRecord(1L, bytes("k"), bytes("v")));
    log.appendAsFollower(gap);
    assertEquals(6, log.logEndOffset());
    assertEquals(8, log.latestEpoch().getAsInt());
    MemoryRecords overlap = MemoryRecords.withRecords(3L, Compression.NONE, 8, new SimpleRecord(1L, bytes("k"), bytes("v")));
    assertThrows(OffsetOutOfRangeException.class, () -> log.appendAsFollower(overlap));
    assertEquals(6, log.logEndOffset());
    assertEquals(5, log.endOffsetForEpoch(7)); // epoch 8 starts at 5
  }

  @Test
  void configMap() throws IOException {
    Map<String, String> m = new HashMap<>();
    m.put("segment.bytes", "2048");
    open(m);
    assertEquals(2048, log.config().segmentBytes());
    assertEquals(ID, log.topicId());
    assertEquals(TP, log.topicPartition());
    assertTrue(Files.exists(log.dir().resolve("partition.metadata")));
    assertFalse(log.latestEpoch().isPresent());
  }

  @Test
  void fullIndexRollsTheSegment() throws IOException {
    open(Map.of("segment.index.bytes", "24", "index.interval.bytes", "1"));
    for (int i = 0; i < 12; i++) {
      log.appendAsLeader(batch("v" + i, 1, 1000L + i), 0);
    }
    assertTrue(log.segmentBaseOffsets().size() >= 3, log.segmentBaseOffsets().toString());
    assertEquals(12, TestRecords.readAll(log).size());
  }

  @Test
  void readsRunConcurrentlyWithAppends() throws Exception {
    open(Map.of("segment.bytes", "4000", "index.interval.bytes", "100"));
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicBoolean done = new AtomicBoolean();
    Thread reader = new Thread(() -> {
      Random rnd = new Random(1);
      try {
        while (!done.get()) {
          long end = log.logEndOffset();
          if (end == 0) {
            continue;
          }
          long from = (long) (rnd.nextDouble() * end);
          LogReadResult r = log.read(from, 2000, end, true);
          List<RecordBatch> bs = batches(r.records());
          assertFalse(bs.isEmpty(), "nothing read at " + from + " below " + end);
          for (RecordBatch b : bs) {
            b.ensureValid();
            assertTrue(b.lastOffset() < end);
          }
          assertTrue(bs.get(0).baseOffset() <= from && bs.get(0).lastOffset() >= from);
        }
      } catch (Throwable t) {
        failure.set(t);
      }
    });
    reader.start();
    for (int i = 0; i < 1500; i++) {
      log.appendAsLeader(batch("c" + i, 1 + i % 3, 1L), 0);
    }
    done.set(true);
    reader.join();
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
    assertTrue(log.segmentBaseOffsets().size() > 5);
  }

  @Test
  void recordsWhoseBufferDoesNotStartAtZeroAreAccepted() throws IOException {
    open(Map.of());
    MemoryRecords b = batch("p", 2, 1L);
    ByteBuffer padded = ByteBuffer.allocate(b.sizeInBytes() + 10);
    padded.position(10);
    padded.put(b.buffer());
    padded.position(10);
    AppendResult r = log.appendAsLeader(MemoryRecords.readableRecords(padded), 0);
    assertEquals(1, r.lastOffset());
    assertEquals(2, TestRecords.readAll(log).size());
  }
}
