package io.tributary.log.storage;

import static io.tributary.log.storage.TestRecords.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class TruncationAndEpochTest extends PartitionLogFixture {
  static final TopicPartition TP = new TopicPartition("t", 2);
  static final Uuid ID = Uuid.randomUuid();
  TruncationAndEpochTest() {
    super(TP, ID);
  }

  @Test
  void leaderEpochCacheFollowsAppendsAndAnswersOffsetForLeaderEpoch() throws IOException {
    open(Map.of());
    assertEquals(-1, log.endOffsetForEpoch(0));
    log.appendAsLeader(batch("a", 3, 1L), 1); // 0-2 epoch 1
    log.appendAsLeader(batch("b", 2, 1L), 1); // 3-4
    log.appendAsLeader(batch("c", 2, 1L), 3); // 5-6 epoch 3
    log.appendAsLeader(batch("d", 1, 1L), 4); // 7 epoch 4
    assertEquals(4, log.latestEpoch().getAsInt());
    assertEquals(List.of(Map.entry(1, 0L), Map.entry(3, 5L), Map.entry(4, 7L)), log.epochEntries());
    assertEquals(8, log.endOffsetForEpoch(4)); // latest: log end
    assertEquals(4, log.epochForOffsetEndQuery(4));
    assertEquals(7, log.endOffsetForEpoch(3));
    assertEquals(5, log.endOffsetForEpoch(2)); // unknown epoch between: start of the next one
    assertEquals(1, log.epochForOffsetEndQuery(2));
    assertEquals(5, log.endOffsetForEpoch(1));
    assertEquals(0, log.endOffsetForEpoch(0)); // below the first: start of the first, with the requested epoch
    assertEquals(0, log.epochForOffsetEndQuery(0));
    assertEquals(-1, log.endOffsetForEpoch(5));
    assertEquals(-1, log.epochForOffsetEndQuery(5));

    // persisted
    log.close();
    open(Map.of());
    assertEquals(List.of(Map.entry(1, 0L), Map.entry(3, 5L), Map.entry(4, 7L)), log.epochEntries());

    // truncation drops epochs starting at or after the new end
    log.truncateTo(6);
    assertEquals(5, log.logEndOffset()); // batch 5-6 dropped whole
    assertEquals(List.of(Map.entry(1, 0L), Map.entry(3, 5L)).subList(0, 1), log.epochEntries());
    assertEquals(1, log.latestEpoch().getAsInt());
    assertEquals(5, log.endOffsetForEpoch(1));
  }

  @Test
  void truncateToAcrossSegmentsThenAppendContinues() throws IOException {
    open(Map.of("segment.bytes", "400", "index.interval.bytes", "1"));
    for (int i = 0; i < 30; i++) {
      log.appendAsLeader(TestRecords.idempotent(42, (short) 0, i, 1, 1L), 0);
    }
    List<Long> bases = log.segmentBaseOffsets();
    assertTrue(bases.size() > 3);
    long target = bases.get(1) + 1;
    log.truncateTo(target);
    assertEquals(target, log.logEndOffset());
    assertEquals(bases.subList(0, 2), log.segmentBaseOffsets());
    List<TestRecords.Rec> recs = TestRecords.readAll(log);
    assertEquals(target, recs.size());
    // producer state was rolled back: the next sequence is the one after the truncation point
    AppendResult r = log.appendAsLeader(TestRecords.idempotent(42, (short) 0, (int) target, 1, 1L), 0);
    assertEquals(target, r.firstOffset());
    assertFalse(r.duplicate());
    assertEquals(target + 1, log.logEndOffset());
    // truncating beyond the end is a no-op
    log.truncateTo(1000);
    assertEquals(target + 1, log.logEndOffset());
    // survives restart
    log.close();
    open(Map.of("segment.bytes", "400"));
    assertEquals(target + 1, log.logEndOffset());
    assertEquals(target + 1, TestRecords.readAll(log).size());
  }

  @Test
  void truncateFullyAndStartAt() throws IOException {
    open(Map.of("segment.bytes", "400"));
    for (int i = 0; i < 20; i++) {
      log.appendAsLeader(TestRecords.idempotent(7, (short) 0, i, 1, 1L), 3);
    }
    log.truncateFullyAndStartAt(100);
    assertEquals(100, log.logStartOffset());
    assertEquals(100, log.logEndOffset());
    assertEquals(List.of(100L), log.segmentBaseOffsets());
    assertFalse(log.latestEpoch().isPresent());
    assertEquals(Optional.empty(), log.producerEpoch(7));
    assertEquals(0, log.read(100, 1000, Long.MAX_VALUE, false).records().sizeInBytes());
    AppendResult r = log.appendAsLeader(batch("x", 2, 1L), 4);
    assertEquals(100, r.firstOffset());
    log.close();
    open(Map.of());
    assertEquals(100, log.logStartOffset());
    assertEquals(102, log.logEndOffset());
  }
}
