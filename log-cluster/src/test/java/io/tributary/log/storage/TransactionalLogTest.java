package io.tributary.log.storage;

import static io.tributary.log.storage.TestRecords.transactional;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.Records;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Transactions in one partition log: transactional batches open a transaction, markers close it, the last stable
 * offset stays below the oldest open one, ABORT markers fill the segment's aborted-transaction index, and all of it
 * survives a clean restart, a process kill, lost index files and truncation.
 */
class TransactionalLogTest extends PartitionLogFixture {
  private static final short EPOCH = 0;
  private static final long NO_HW_LIMIT = Long.MAX_VALUE;

  TransactionalLogTest() {
    super(new TopicPartition("txn", 0), Uuid.randomUuid());
  }

  private Path dir() {
    return log.dir();
  }

  /** p1 writes 0..2 and aborts at 5; p2 writes 3..4 and stays open. */
  private void abortOneKeepOneOpen() throws IOException {
    log.appendAsLeader(transactional(1, EPOCH, 0, 3, 1L), 0);                                   // 0..2
    log.appendAsLeader(transactional(2, EPOCH, 0, 2, 1L), 0);                                   // 3..4
    log.appendMarkerAsLeader(TransactionMarkers.endTransaction(1, EPOCH, 0, false, 1L), 0);     // 5: abort p1
  }

  @Test
  void openTransactionHoldsTheLastStableOffsetAndAbortIsIndexed() throws IOException {
    open(Map.of());
    assertEquals(0, log.lastStableOffset(0)); // empty log
    abortOneKeepOneOpen();
    assertEquals(6, log.logEndOffset());
    assertEquals(3, log.lastStableOffset(NO_HW_LIMIT));     // p2's open transaction
    assertEquals(2, log.lastStableOffset(2));               // never above the high watermark
    assertEquals(List.of(new AbortedTxn(1, 0, 5, 3)), log.abortedTransactions(0, 6));
    assertEquals(List.of(), log.abortedTransactions(6, 10)); // nothing aborted at or after 6

    log.appendMarkerAsLeader(TransactionMarkers.endTransaction(2, EPOCH, 0, true, 1L), 0);      // 6: commit p2
    assertEquals(7, log.lastStableOffset(7)); // nothing open: the high watermark
    assertEquals(List.of(new AbortedTxn(1, 0, 5, 3)), log.abortedTransactions(0, 7)); // a commit adds no entry
    assertEquals(-1, log.producerStates().stream().filter(p -> p.producerId() == 2).findFirst().orElseThrow().currentTxnStartOffset());
  }

  @ParameterizedTest(name = "clean shutdown: {0}")
  @ValueSource(booleans = {true, false})
  void openTransactionAndAbortedIndexSurviveARestartOrAProcessKill(boolean clean) throws IOException {
    open(Map.of());
    abortOneKeepOneOpen();
    if (clean) {
      log.close();
    } else {
      log.closeUncleanlyForTests();
    }
    open(Map.of());
    assertEquals(3, log.lastStableOffset(NO_HW_LIMIT));
    assertEquals(List.of(new AbortedTxn(1, 0, 5, 3)), log.abortedTransactions(0, 6));
  }

  @Test
  void lostIndexAndSnapshotsAreRebuiltFromTheLog() throws IOException {
    open(Map.of("segment.bytes", "200")); // small segments: the abort marker lands in a later segment than p1's data
    abortOneKeepOneOpen();
    long markerSegment = log.segmentBaseOffsets().get(log.segmentBaseOffsets().size() - 1);
    log.closeUncleanlyForTests();
    try (var files = Files.list(dir())) {
      for (Path p : files.toList()) {
        String name = p.getFileName().toString();
        if (name.endsWith(TransactionIndex.SUFFIX) || name.endsWith(ProducerStateManager.SNAPSHOT_SUFFIX)) {
          Files.delete(p);
        }
      }
    }
    open(Map.of("segment.bytes", "200"));
    assertTrue(log.segmentBaseOffsets().size() > 1, "the data spans several segments: " + log.segmentBaseOffsets());
    assertEquals(3, log.lastStableOffset(NO_HW_LIMIT));
    assertEquals(List.of(new AbortedTxn(1, 0, 5, 3)), log.abortedTransactions(0, 6));
    assertEquals(List.of(new AbortedTxn(1, 0, 5, 3)), log.abortedTransactions(2, 4)); // overlaps [0, 5]
    assertTrue(Files.size(TransactionIndex.file(dir(), markerSegment)) > 0, "the entry is in the marker's segment again");
  }

  @Test
  void followerCopyingTheLeaderLogGetsTheSameStableOffsetAndAbortedIndex() throws IOException {
    open(Map.of());
    abortOneKeepOneOpen();
    MemoryRecords leaderBatches = MemoryRecords.readableRecords(ByteBuffer.wrap(bytesOf(log.read(0, Integer.MAX_VALUE, NO_HW_LIMIT, true).records())));
    try (PartitionLog follower = PartitionLog.open(tmp.resolve("follower"), new TopicPartition("txn", 0), log.topicId(),
        LogConfig.fromMap(Map.of()), time)) {
      follower.appendAsFollower(leaderBatches);
      assertEquals(3, follower.lastStableOffset(NO_HW_LIMIT));
      assertEquals(List.of(new AbortedTxn(1, 0, 5, 3)), follower.abortedTransactions(0, 6));
    }
  }

  private static byte[] bytesOf(Records records) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(records.sizeInBytes());
    for (RecordBatch b : records.batches()) {
      b.writeTo(buf);
    }
    return buf.array();
  }

  @Test
  void truncationBelowTheMarkerReopensTheTransactionAndDropsTheEntry() throws IOException {
    open(Map.of());
    abortOneKeepOneOpen();
    log.truncateTo(5); // the abort marker goes
    assertEquals(List.of(), log.abortedTransactions(0, 5));
    assertEquals(0, log.lastStableOffset(NO_HW_LIMIT)); // p1's transaction is open again from offset 0
  }

  @Test
  void clientsCannotWriteControlBatchesNorMarkersFromAnOlderEpoch() throws IOException {
    open(Map.of());
    assertThrows(InvalidRecordException.class,
        () -> log.appendAsLeader(TransactionMarkers.endTransaction(1, EPOCH, 0, true, 1L), 0));
    assertThrows(InvalidRecordException.class, () -> log.appendMarkerAsLeader(transactional(1, EPOCH, 0, 1, 1L), 0));
    log.appendAsLeader(transactional(1, (short) 3, 0, 1, 1L), 0);
    assertThrows(InvalidProducerEpochException.class,
        () -> log.appendMarkerAsLeader(TransactionMarkers.endTransaction(1, (short) 2, 0, false, 1L), 0));
    assertEquals(1, log.logEndOffset());
  }
}
