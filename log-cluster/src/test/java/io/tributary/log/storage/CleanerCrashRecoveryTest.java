package io.tributary.log.storage;

import static io.tributary.log.storage.TestRecords.bytes;
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
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A broker killed at any point of a cleaning pass loads a log that reads as before the pass: the files are left as
 * the crash leaves them (the pass stops at a {@link CleanerStep} and the log is closed without flush or clean-shutdown
 * marker), then the log is loaded. Before the commit point ({@code .log.swap}) the old segment stays; from it on, the
 * swap is completed. Either way every key's latest value, the aborted-transaction index and the offsets survive and
 * no {@code .cleaned}, {@code .swap} or {@code .deleted} file is left.
 */
class CleanerCrashRecoveryTest extends PartitionLogFixture {
  private static final Map<String, String> COMPACTED = Map.of("cleanup.policy", "compact", "segment.bytes", "1024");

  CleanerCrashRecoveryTest() {
    super(new TopicPartition("connect-offsets", 0), Uuid.randomUuid());
  }

  /** Thrown by the hook: the pass stops where a kill would stop it. */
  private static final class SimulatedCrash extends RuntimeException {
    SimulatedCrash(CleanerStep step) {
      super("simulated crash at " + step);
    }
  }


  @ParameterizedTest
  @EnumSource(CleanerStep.class)
  void aCrashAtEveryStepOfAPassRecoversOnLoad(CleanerStep crashAt) throws IOException {
    open(COMPACTED);
    long ts = time.milliseconds();
    // the first segment holds an aborted transaction, so its aborted-transaction index has an entry to keep
    log.appendAsLeader(MemoryRecords.withTransactionalRecords(Compression.NONE, 5L, (short) 0, 0,
        new SimpleRecord(ts, bytes("k1"), bytes("aborted"))), 0);
    log.appendMarkerAsLeader(TransactionMarkers.endTransaction(5L, (short) 0, 0, false, ts), 0);
    for (int i = 0; i < 400; i++) {
      log.appendAsLeader(TestRecords.keyed(ts, "k" + (i % 10), "v" + i), 0);
    }
    long end = log.logEndOffset();
    long firstBase = log.segmentBaseOffsets().get(0);
    long firstBytes = log.segmentList().get(0).sizeInBytes();
    Map<String, String> expected = TestRecords.latestByKey(TestRecords.readAll(log));
    List<AbortedTxn> aborted = log.abortedTransactions(0, end);
    assertEquals(1, aborted.size());

    CleanerHooks crash = step -> {
      if (step == crashAt) {
        throw new SimulatedCrash(step);
      }
    };
    assertThrows(SimulatedCrash.class, () -> LogCleaner.clean(log, ts, new DedupeOffsetMap(LogCleaner.DEFAULT_DEDUPE_BUFFER_BYTES), crash));
    log.closeUncleanlyForTests();

    open(COMPACTED);
    assertEquals(end, log.logEndOffset());
    assertEquals(expected, TestRecords.latestByKey(TestRecords.readAll(log)), "every key's latest value after a crash at " + crashAt);
    assertEquals(aborted, log.abortedTransactions(0, end), "the aborted-transaction index after a crash at " + crashAt);
    long bytesNow = log.segmentList().get(0).sizeInBytes();
    if (crashAt.compareTo(CleanerStep.LOG_SWAP_RENAMED) >= 0) {
      assertTrue(bytesNow < firstBytes, "the committed swap of segment " + firstBase + " was completed");
    } else {
      assertEquals(firstBytes, bytesNow, "the uncommitted swap of segment " + firstBase + " was dropped");
    }
    try (var files = Files.list(log.dir())) {
      List<String> leftovers = files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".cleaned") || n.endsWith(".swap") || n.endsWith(".deleted")).toList();
      assertEquals(List.of(), leftovers);
    }

    // the next pass completes, and the log goes on
    LogCleaner.clean(log, time.milliseconds());
    assertEquals(expected, TestRecords.latestByKey(TestRecords.readAll(log)));
    assertEquals(aborted, log.abortedTransactions(0, end));
    assertEquals(end, log.appendAsLeader(TestRecords.keyed(ts, "k0", "after"), 0).firstOffset());
    assertFalse(log.segmentList().isEmpty());
  }
}
