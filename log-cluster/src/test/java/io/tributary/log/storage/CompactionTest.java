package io.tributary.log.storage;

import static io.tributary.log.storage.TestRecords.keyed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.FileRecords;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactionTest {
  static final TopicPartition TP = new TopicPartition("_schemas", 0);
  static final Uuid ID = Uuid.randomUuid();
  @TempDir Path tmp;
  final ManualTime time = new ManualTime(1_700_000_000_000L);
  PartitionLog log;

  PartitionLog open(Map<String, String> overrides) throws IOException {
    Map<String, String> o = new HashMap<>(overrides);
    o.putIfAbsent("cleanup.policy", "compact");
    o.putIfAbsent("segment.bytes", "600");
    log = PartitionLog.open(tmp.resolve("_schemas-0"), TP, ID, LogConfig.fromMap(o), time);
    return log;
  }

  @AfterEach
  void tearDown() throws IOException {
    if (log != null) {
      log.close();
    }
  }


  @Test
  void keepsTheLatestRecordPerKeyAndReadsStayValid() throws IOException {
    open(Map.of());
    long ts = time.milliseconds();
    for (int round = 0; round < 10; round++) {
      for (int k = 0; k < 5; k++) {
        Compression c = k % 2 == 0 ? Compression.NONE : Compression.gzip().build();
        log.appendAsLeader(keyed(c, ts, "key" + k, "r" + round, "other" + k, "o" + round), 0);
      }
    }
    long end = log.logEndOffset();
    Map<String, String> expected = TestRecords.latestByKey(TestRecords.readAll(log));
    int segmentsBefore = log.segmentBaseOffsets().size();
    assertTrue(segmentsBefore > 5);

    CleanResult r = LogCleaner.clean(log, time.milliseconds());
    assertTrue(r.recordsRemoved() > 50, r.toString());
    assertTrue(r.bytesAfter() < r.bytesBefore(), r.toString());
    assertEquals(end, log.logEndOffset());
    assertEquals(segmentsBefore, log.segmentBaseOffsets().size());

    List<TestRecords.Rec> after = TestRecords.readAll(log);
    assertEquals(expected, TestRecords.latestByKey(after));
    // each key appears at most once in the cleaned (inactive) segments, offsets only grow
    long activeBase = log.segmentBaseOffsets().get(log.segmentBaseOffsets().size() - 1);
    Map<String, Long> counts = after.stream().filter(x -> x.offset() < activeBase)
        .collect(Collectors.groupingBy(TestRecords.Rec::key, Collectors.counting()));
    counts.values().forEach(c -> assertEquals(1L, c));
    for (int i = 1; i < after.size(); i++) {
      assertTrue(after.get(i).offset() > after.get(i - 1).offset());
    }
    // batches are valid v2 batches, readable from any offset (gaps included)
    for (long off = 0; off < end; off++) {
      List<RecordBatch> bs = TestRecords.batches(log.read(off, 100000, Long.MAX_VALUE, true).records());
      bs.forEach(RecordBatch::ensureValid);
    }
    // no leftover swap files, and the cleaned log reloads
    try (var files = Files.list(log.dir())) {
      assertFalse(files.anyMatch(p -> p.toString().endsWith(".swap") || p.toString().endsWith(".cleaned")));
    }
    log.close();
    open(Map.of());
    assertEquals(expected, TestRecords.latestByKey(TestRecords.readAll(log)));
    // appends continue at the right offset after compaction
    assertEquals(end, log.appendAsLeader(keyed(ts, "key0", "final"), 0).firstOffset());
  }

  @Test
  void tombstonesAreRemovedOnlyAfterDeleteRetention() throws IOException {
    open(Map.of("delete.retention.ms", "1000"));
    long ts = time.milliseconds();
    log.appendAsLeader(keyed(ts, "a", "1", "b", "1"), 0);
    log.appendAsLeader(keyed(ts, "a", null), 0); // tombstone for a
    for (int i = 0; i < 20; i++) {
      log.appendAsLeader(keyed(ts, "c" + i, "filler-filler-filler"), 0); // roll a few segments
    }
    assertTrue(log.segmentBaseOffsets().size() > 2);
    assertTrue(log.segmentBaseOffsets().get(1) > 2, "tombstone must be in an inactive segment");

    LogCleaner.clean(log, time.milliseconds());
    List<TestRecords.Rec> recs = TestRecords.readAll(log);
    assertTrue(recs.stream().noneMatch(x -> x.key().equals("a") && x.value() != null), "old value of a is gone");
    assertTrue(recs.stream().anyMatch(x -> x.key().equals("a") && x.value() == null), "tombstone kept for now");
    assertEquals("1", TestRecords.latestByKey(recs).get("b"));

    time.sleep(500);
    LogCleaner.clean(log, time.milliseconds());
    assertTrue(TestRecords.readAll(log).stream().anyMatch(x -> x.key().equals("a") && x.value() == null), "still within delete.retention.ms");

    time.sleep(600);
    CleanResult r = LogCleaner.clean(log, time.milliseconds());
    assertEquals(1, r.recordsRemoved());
    recs = TestRecords.readAll(log);
    assertTrue(recs.stream().noneMatch(x -> x.key().equals("a")), "tombstone removed after delete.retention.ms");
    assertNull(TestRecords.latestByKey(recs).get("a"));
    assertEquals("1", TestRecords.latestByKey(recs).get("b"));
  }

  @Test
  void nothingYoungerThanTheCompactionLagIsCleaned() throws IOException {
    open(Map.of("min.compaction.lag.ms", "60000"));
    long ts = time.milliseconds();
    for (int i = 0; i < 30; i++) {
      log.appendAsLeader(keyed(ts, "same", "v" + i), 0);
    }
    assertEquals(0, LogCleaner.clean(log, ts + 1000).recordsRemoved());
    assertTrue(LogCleaner.clean(log, ts + 60001).recordsRemoved() > 0);
    assertEquals("v29", TestRecords.latestByKey(TestRecords.readAll(log)).get("same"));
  }

  @Test
  void producerMetadataIsKeptInCleanedBatches() throws IOException {
    open(Map.of());
    for (int i = 0; i < 30; i++) {
      log.appendAsLeader(TestRecords.idempotent(77, (short) 2, i * 2, 2, time.milliseconds()), 0); // keys k0,k1 every batch
    }
    LogCleaner.clean(log, time.milliseconds());
    for (RecordBatch b : TestRecords.batches(log.read(log.logStartOffset(), Integer.MAX_VALUE, Long.MAX_VALUE, true).records())) {
      assertEquals(77, b.producerId());
      assertEquals(2, b.producerEpoch());
    }
    // idempotence still works after cleaning
    assertTrue(log.appendAsLeader(TestRecords.idempotent(77, (short) 2, 58, 2, 1L), 0).duplicate());
    // every record of the producer's newest inactive batch is superseded: compaction keeps it as an empty batch
    long end = log.logEndOffset();
    for (int i = 0; i < 10; i++) {
      log.appendAsLeader(keyed(time.milliseconds(), "k0", "x", "k1", "y"), 0);
    }
    LogCleaner.clean(log, time.milliseconds());
    // without any snapshot, producer state is rebuilt from the log alone, and the sequence continues
    log.close();
    for (Path p : new ProducerStateManager(log.dir(), TP).listSnapshots().values()) {
      Files.delete(p);
    }
    open(Map.of());
    assertEquals(Optional.of((short) 2), log.producerEpoch(77));
    assertEquals(end + 20, log.appendAsLeader(TestRecords.idempotent(77, (short) 2, 60, 2, 1L), 0).firstOffset());
  }

  @Test
  void followerAcceptsBatchesOfACompactedLeaderLog() throws IOException {
    open(Map.of());
    long ts = time.milliseconds();
    for (int i = 0; i < 40; i++) {
      log.appendAsLeader(keyed(Compression.gzip().build(), ts, "a", "a" + i, "b" + (i % 3), "b" + i), 3);
    }
    LogCleaner.clean(log, ts);
    List<TestRecords.Rec> leaderRecs = TestRecords.readAll(log);
    PartitionLog follower = PartitionLog.open(tmp.resolve("follower").resolve("_schemas-0"), TP, ID,
        LogConfig.fromMap(Map.of("cleanup.policy", "compact")), time);
    try {
      long next = 0;
      while (next < log.logEndOffset()) {
        LogReadResult r = log.read(next, 1000, Long.MAX_VALUE, true);
        ByteBuffer copy = ByteBuffer.allocate(r.records().sizeInBytes());
        ((FileRecords) r.records()).readInto(copy, 0);
        MemoryRecords mr = MemoryRecords.readableRecords(copy);
        follower.appendAsFollower(mr);
        for (RecordBatch b : mr.batches()) {
          next = b.nextOffset();
        }
      }
      assertEquals(log.logEndOffset(), follower.logEndOffset());
      assertEquals(leaderRecs, TestRecords.readAll(follower));
      assertEquals(3, follower.latestEpoch().getAsInt());
    } finally {
      follower.close();
    }
  }

  @Test
  void nothingAtOrAboveTheHighWatermarkIsCleaned() throws IOException {
    open(Map.of());
    long ts = time.milliseconds();
    for (int i = 0; i < 30; i++) {
      log.appendAsLeader(keyed(ts, "same", "v" + i), 0);
    }
    log.updateHighWatermark(log.segmentBaseOffsets().get(1) - 1);
    assertEquals(0, LogCleaner.clean(log, ts).recordsRemoved());
    log.updateHighWatermark(log.logEndOffset());
    assertTrue(LogCleaner.clean(log, ts).recordsRemoved() > 0);
  }
}
