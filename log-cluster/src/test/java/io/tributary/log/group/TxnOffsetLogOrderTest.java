package io.tributary.log.group;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.log.group.OffsetsTopicFormat.CommittedOffset;
import io.tributary.log.group.OffsetsTopicFormat.OffsetEntry;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A transaction's offset becomes committed when its marker lands, later than its record: a plain OffsetCommit
 * written between the record and the marker is the newer write and must stay, as Kafka decides by comparing
 * log offsets ({@code CommitRecordMetadataAndOffset.olderThan}) — live and when an offsets partition is replayed.
 */
class TxnOffsetLogOrderTest {
  static final TopicPartition TP = new TopicPartition("orders", 0);
  static final long PID = 9;
  static final CommittedOffset TXN = new CommittedOffset(100, 0, "txn", 1);
  static final CommittedOffset PLAIN = new CommittedOffset(50, 0, "plain", 2);

  @ParameterizedTest(name = "current written at {0}, candidate at {1} -> replaces: {2}")
  @CsvSource(nullValues = "null", value = {
      "null, 10, true",   // nothing committed yet
      "5,    10, true",   // written before: older
      "12,   10, false",  // a plain commit between the transaction's record (10) and its marker
      "10,   10, false",  // the same record
  })
  void supersedes(Long current, long candidate, boolean expected) {
    assertEquals(expected, OffsetManager.supersedes(current, candidate));
  }

  @Test
  void livePlainCommitBetweenRecordAndMarkerStays() {
    OffsetManager offsets = new OffsetManager(Long.MAX_VALUE);
    TxnOffsets txn = new TxnOffsets();
    txn.add(0, PID, "g", Map.of(TP, TXN), 10);                       // TxnOffsetCommit's record at 10
    offsets.beginCommit("g", Map.of(TP, PLAIN).keySet());
    offsets.endCommit("g", Map.of(TP, PLAIN), true, 12);              // OffsetCommit's record at 12
    txn.completeWithLogOffsets(0, PID, true).get("g")
        .forEach((tp, c) -> offsets.applyCommitted("g", tp, c.offset(), c.logOffset())); // marker at 15
    assertEquals(Map.of(TP, PLAIN), offsets.committed("g"));
  }

  @Test
  void liveTransactionalOffsetWrittenAfterThePlainCommitWins() {
    OffsetManager offsets = new OffsetManager(Long.MAX_VALUE);
    TxnOffsets txn = new TxnOffsets();
    offsets.endCommit("g", Map.of(TP, PLAIN), true, 12);
    txn.add(0, PID, "g", Map.of(TP, TXN), 14);
    txn.completeWithLogOffsets(0, PID, true).get("g")
        .forEach((tp, c) -> offsets.applyCommitted("g", tp, c.offset(), c.logOffset()));
    assertEquals(Map.of(TP, TXN), offsets.committed("g"));
  }

  @Test
  void replayKeepsThePlainCommitBetweenRecordAndMarker() {
    OffsetManager.Replay replay = new OffsetManager.Replay();
    replay.applyTransactional(PID, new OffsetEntry("g", TP, TXN), 10);
    replay.apply(new OffsetEntry("g", TP, PLAIN), 12);
    replay.endTransaction(PID, true);                                 // marker at 15
    assertEquals(Map.of(TP, PLAIN), replay.groups(0).get(0).offsets());
    assertEquals(Map.of(TP, 12L), replay.appendOffsets("g"));
  }

  @Test
  void replayAppliesATransactionalOffsetWrittenAfterThePlainCommit() {
    OffsetManager.Replay replay = new OffsetManager.Replay();
    replay.apply(new OffsetEntry("g", TP, PLAIN), 12);
    replay.applyTransactional(PID, new OffsetEntry("g", TP, TXN), 14);
    replay.endTransaction(PID, true);
    assertEquals(Map.of(TP, TXN), replay.groups(0).get(0).offsets());
  }
}
