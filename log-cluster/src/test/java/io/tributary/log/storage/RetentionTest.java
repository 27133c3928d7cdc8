package io.tributary.log.storage;

import static io.tributary.log.storage.TestRecords.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.junit.jupiter.api.Test;

class RetentionTest extends PartitionLogFixture {
  static final TopicPartition TP = new TopicPartition("metrics", 0);
  static final Uuid ID = Uuid.randomUuid();
  RetentionTest() {
    super(TP, ID);
  }

  @Test
  void retentionByTimeDeletesWholeOldSegmentsOnly() throws IOException {
    open(Map.of("segment.bytes", "500", "retention.ms", "10000", "file.delete.delay.ms", "0"));
    long t0 = time.milliseconds();
    for (int i = 0; i < 20; i++) {
      log.appendAsLeader(batch("old" + i, 2, t0), 0); // 40 records at t0
    }
    long boundary = log.logEndOffset();
    log.maybeIncrementLogStartOffset(0);
    time.sleep(5000);
    for (int i = 0; i < 20; i++) {
      log.appendAsLeader(batch("new" + i, 2, time.milliseconds()), 0);
    }
    List<Long> before = log.segmentBaseOffsets();
    assertEquals(0, log.deleteExpiredSegments(t0 + 10000)); // nothing older than 10 s yet
    int deleted = log.deleteExpiredSegments(t0 + 10001);
    assertTrue(deleted > 0);
    List<Long> after = log.segmentBaseOffsets();
    assertEquals(before.size() - deleted, after.size());
    assertEquals(after.get(0).longValue(), log.logStartOffset());
    assertTrue(log.logStartOffset() <= boundary, "must not delete the segment holding new data");
    // every remaining segment starts where an old one did: whole segments deleted
    assertTrue(before.containsAll(after));
    assertThrows(OffsetOutOfRangeException.class, () -> log.read(0, 1000, Long.MAX_VALUE, false));
    List<TestRecords.Rec> recs = TestRecords.readAll(log);
    assertEquals(log.logStartOffset(), recs.get(0).offset());
    assertEquals(80, log.logEndOffset());
    // files of deleted segments are gone (delay 0)
    assertFalse(Files.exists(Segment.logFile(log.dir(), 0)));
    assertFalse(Files.exists(Segment.logFile(log.dir(), 0).resolveSibling(Segment.fileName(0) + ".log.deleted")));
    // everything expired: the active segment stays
    log.deleteExpiredSegments(t0 + 1_000_000);
    assertEquals(1, log.segmentBaseOffsets().size());
    assertEquals(80, log.logEndOffset());
    // log start survives a restart
    long start = log.logStartOffset();
    log.close();
    open(Map.of("segment.bytes", "500"));
    assertEquals(start, log.logStartOffset());
  }

  @Test
  void retentionBySizeKeepsTheNewestBytes() throws IOException {
    open(Map.of("segment.bytes", "500", "retention.bytes", "1200", "retention.ms", "-1"));
    for (int i = 0; i < 40; i++) {
      log.appendAsLeader(batch("v" + i, 2, 1L), 0);
    }
    long total = log.size();
    assertTrue(total > 2400);
    int deleted = log.deleteExpiredSegments(time.milliseconds());
    assertTrue(deleted > 0);
    assertTrue(log.size() <= 1200 + 500, "size " + log.size());
    assertTrue(log.size() > 1200 - 500, "size " + log.size());
    assertEquals(log.segmentBaseOffsets().get(0).longValue(), log.logStartOffset());
    assertEquals(80, log.logEndOffset());
    // retention.ms=-1 keeps old data by time
    assertEquals(0, log.deleteExpiredSegments(Long.MAX_VALUE / 2));
  }

  @Test
  void compactOnlyTopicsAreNotDeletedByRetention() throws IOException {
    open(Map.of("segment.bytes", "500", "retention.ms", "1", "cleanup.policy", "compact"));
    for (int i = 0; i < 20; i++) {
      log.appendAsLeader(TestRecords.keyed(1L, "k" + i, "v"), 0);
    }
    assertEquals(0, log.deleteExpiredSegments(time.milliseconds() + 100000));
    assertEquals(0, log.logStartOffset());
  }

  @Test
  void deleteRecordsMovesLogStartAndRetentionDropsSegmentsBelowIt() throws IOException {
    open(Map.of("segment.bytes", "500"));
    for (int i = 0; i < 30; i++) {
      log.appendAsLeader(batch("v" + i, 2, time.milliseconds()), 0);
    }
    List<Long> bases = log.segmentBaseOffsets();
    long target = bases.get(2) + 1;
    log.maybeIncrementLogStartOffset(target);
    assertEquals(target, log.logStartOffset());
    log.maybeIncrementLogStartOffset(3); // never backwards
    assertEquals(target, log.logStartOffset());
    assertThrows(OffsetOutOfRangeException.class, () -> log.maybeIncrementLogStartOffset(1000));
    assertThrows(OffsetOutOfRangeException.class, () -> log.read(target - 1, 1000, Long.MAX_VALUE, false));
    assertEquals(2, log.deleteExpiredSegments(time.milliseconds()));
    assertEquals(bases.get(2), log.segmentBaseOffsets().get(0));
    assertEquals(target, log.logStartOffset());
  }
}
