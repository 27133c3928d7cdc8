package io.tributary.log.storage;

import static io.tributary.log.storage.TestRecords.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.Test;

/**
 * Compaction of a log with transactions: aborted records are removed and never supersede committed ones, an abort
 * marker stays while its records do and goes delete.retention.ms after they are gone, and an open transaction
 * stops the cleaner at its first offset.
 */
class TransactionalCompactionTest extends PartitionLogFixture {
  private static final short EPOCH = 0;
  private static final long DELETE_RETENTION_MS = 1_000;
  private static final Map<String, String> COMPACTED = Map.of("cleanup.policy", "compact", "segment.bytes", "400",
      "delete.retention.ms", Long.toString(DELETE_RETENTION_MS));

  TransactionalCompactionTest() {
    super(new TopicPartition("txn-compacted", 0), Uuid.randomUuid());
  }

  private MemoryRecords txn(long producerId, int sequence, String key, String value) {
    return MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, EPOCH, sequence,
        new SimpleRecord(time.milliseconds(), bytes(key), bytes(value)));
  }

  private void marker(long producerId, boolean commit) throws IOException {
    log.appendMarkerAsLeader(TransactionMarkers.endTransaction(producerId, EPOCH, 0, commit, time.milliseconds()), 0);
  }

  /** Non-transactional records of other keys, enough to roll the transactional ones into inactive segments. */
  private void filler(int batches) throws IOException {
    for (int i = 0; i < batches; i++) {
      log.appendAsLeader(TestRecords.keyed(time.milliseconds(), "filler", "f" + i), 0);
    }
    log.updateHighWatermark(log.logEndOffset());
  }

  private Map<String, String> latestByKey() throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (TestRecords.Rec r : TestRecords.readAll(log)) {
      if (r.key() != null && r.value() != null) {
        out.put(r.key(), r.value());
      }
    }
    return out;
  }

  private long abortMarkers() throws IOException {
    long n = 0;
    for (RecordBatch b : TestRecords.batches(log.read(log.logStartOffset(), Integer.MAX_VALUE, Long.MAX_VALUE, true).records())) {
      if (TransactionMarkers.markerType(b).map(t -> t.name().equals("ABORT")).orElse(false)) {
        n++;
      }
    }
    return n;
  }

  @Test
  void abortedRecordsGoThenTheirMarkerAfterDeleteRetention() throws IOException {
    open(COMPACTED);
    log.appendAsLeader(txn(1, 0, "a", "committed"), 0); // 0
    marker(1, true);                                     // 1
    log.appendAsLeader(txn(2, 0, "a", "aborted"), 0);   // 2: must not supersede "committed"
    marker(2, false);                                    // 3
    log.appendAsLeader(txn(2, 1, "c", "later"), 0);     // 4: producer 2's next transaction
    marker(2, true);                                     // 5
    filler(12);
    assertTrue(log.segmentBaseOffsets().size() > 2, "several segments: " + log.segmentBaseOffsets());

    CleanResult first = LogCleaner.clean(log, time.milliseconds());
    assertTrue(first.recordsRemoved() > 0, first.toString());
    assertEquals("committed", latestByKey().get("a"));
    assertEquals("later", latestByKey().get("c"));
    assertTrue(TestRecords.readAll(log).stream().noneMatch(r -> "aborted".equals(r.value())), "the aborted record is gone");
    assertEquals(1, abortMarkers(), "the marker stays in the clean that removed its records");

    LogCleaner.clean(log, time.milliseconds()); // the marker now has no records: it gets its delete horizon
    assertEquals(1, abortMarkers());
    time.sleep(DELETE_RETENTION_MS + 1);
    filler(1);
    LogCleaner.clean(log, time.milliseconds());
    assertEquals(0, abortMarkers(), "removed once delete.retention.ms passed");
    assertEquals("committed", latestByKey().get("a"));
  }

  @Test
  void openTransactionStopsTheCleanerAtItsFirstOffset() throws IOException {
    open(COMPACTED);
    log.appendAsLeader(txn(7, 0, "open", "v"), 0); // offset 0, open
    filler(12);
    assertEquals(0, LogCleaner.clean(log, time.milliseconds()).recordsRemoved(), "nothing is cleaned above the LSO");
    marker(7, true);
    filler(6);
    assertTrue(LogCleaner.clean(log, time.milliseconds()).recordsRemoved() > 0, "the commit lets the cleaner through");
  }
}
