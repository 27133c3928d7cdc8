package io.tributary.log.storage;

import static io.tributary.log.storage.TestRecords.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cleaning pass holds the log's lock only to swap segments: while a pass is held between writing a cleaned
 * segment and swapping it (a test hook, the one fault that cannot be made real deterministically), appends and
 * reads of the same log complete; and the pass's result equals that of the same pass on a copy of the log without
 * concurrency (every key's latest value kept, tombstones kept within delete.retention.ms, aborted records removed).
 */
class CleaningWithoutTheLogLockTest {
  private static final TopicPartition TP = new TopicPartition("__consumer_offsets", 7);
  private static final Map<String, String> COMPACTED = Map.of("cleanup.policy", "compact", "segment.bytes", "2048");
  /** Bound of every wait: generous for a shared 2-core machine; reached only when the lock is held (a failure). */
  private static final long WAIT_SECONDS = 120;
  @TempDir Path tmp;
  final ManualTime time = new ManualTime(1_700_000_000_000L);
  final List<PartitionLog> logs = new ArrayList<>();
  final ExecutorService threads = Executors.newFixedThreadPool(2);

  @AfterEach
  void close() throws IOException {
    threads.shutdownNow();
    for (PartitionLog l : logs) {
      l.close();
    }
  }

  private PartitionLog open(String name) throws IOException {
    PartitionLog l = PartitionLog.open(tmp.resolve(name), TP, Uuid.ZERO_UUID, LogConfig.fromMap(COMPACTED), time);
    logs.add(l);
    return l;
  }

  /** A large dirty section: 3,000 updates of 60 keys, tombstones, and an aborted and a committed transaction. */
  private void fill(PartitionLog l) throws IOException {
    long ts = time.milliseconds();
    l.appendAsLeader(MemoryRecords.withTransactionalRecords(Compression.NONE, 9L, (short) 0, 0,
        new SimpleRecord(ts, bytes("key1"), bytes("aborted"))), 0);
    l.appendMarkerAsLeader(TransactionMarkers.endTransaction(9L, (short) 0, 0, false, ts), 0);
    for (int i = 0; i < 3_000; i++) {
      String key = "key" + (i % 60);
      String value = i % 97 == 0 ? null : "value-" + i;
      l.appendAsLeader(TestRecords.keyed(ts, key, value), 0);
    }
    l.appendAsLeader(MemoryRecords.withTransactionalRecords(Compression.NONE, 9L, (short) 0, 1,
        new SimpleRecord(ts, bytes("key2"), bytes("committed"))), 0);
    l.appendMarkerAsLeader(TransactionMarkers.endTransaction(9L, (short) 0, 0, true, ts), 0);
    l.appendAsLeader(TestRecords.keyed(ts, "last", "roll"), 0);
  }


  @Test
  void appendsAndReadsCompleteDuringAPassAndTheResultEqualsAPassWithoutThem() throws Exception {
    PartitionLog reference = open("reference");
    PartitionLog log = open("concurrent");
    fill(reference);
    fill(log);
    long end = log.logEndOffset();
    assertTrue(log.segmentBaseOffsets().size() > 20, "a large dirty section over many segments");
    Map<String, String> expected = TestRecords.latestByKey(TestRecords.readAll(log));
    assertEquals("committed", expected.get("key2"));

    CleanResult referenceResult = LogCleaner.clean(reference, time.milliseconds());
    assertTrue(referenceResult.recordsRemoved() > 2_000, referenceResult.toString());

    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CleanerHooks holdAtFirstCleanedSegment = step -> {
      if (step == CleanerStep.CLEANED_WRITTEN && held.getCount() > 0) {
        held.countDown();
        try {
          assertTrue(release.await(WAIT_SECONDS, TimeUnit.SECONDS), "the test never released the pass");
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException(e);
        }
      }
    };
    Future<CleanResult> pass = threads.submit(() -> LogCleaner.clean(log, time.milliseconds(),
        new DedupeOffsetMap(LogCleaner.DEFAULT_DEDUPE_BUFFER_BYTES), holdAtFirstCleanedSegment));
    assertTrue(held.await(WAIT_SECONDS, TimeUnit.SECONDS), "the pass reached its first cleaned segment");
    try (var files = Files.list(log.dir())) {
      assertTrue(files.anyMatch(p -> p.toString().endsWith(".log.cleaned")), "held with a cleaned segment written, not swapped");
    }

    // while the pass is held: a producer appends (new keys and updates) and a fetcher reads, on the same log
    Future<List<TestRecords.Rec>> appendsAndReads = threads.submit(() -> {
      for (int i = 0; i < 200; i++) {
        log.appendAsLeader(TestRecords.keyed(time.milliseconds(), "during" + (i % 20), "d" + i, "key" + (i % 60), "updated" + i), 0);
      }
      return TestRecords.readAll(log);
    });
    List<TestRecords.Rec> readDuringPass = appendsAndReads.get(WAIT_SECONDS, TimeUnit.SECONDS); // times out if the lock is held
    assertEquals(end + 400, log.logEndOffset());
    assertEquals(expected, TestRecords.latestByKey(readDuringPass.stream().filter(r -> r.offset() < end).toList()));
    assertFalse(pass.isDone(), "the appends and reads completed while the pass was held");

    release.countDown();
    CleanResult result = pass.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertEquals(referenceResult, result, "the same pass as without concurrency");

    List<TestRecords.Rec> after = TestRecords.readAll(log);
    assertEquals(TestRecords.readAll(reference), after.stream().filter(r -> r.offset() < end).toList(),
        "below the appends, record for record what the pass without concurrency left");
    assertEquals(expected, TestRecords.latestByKey(TestRecords.readAll(reference)));
    assertEquals(readDuringPass.stream().filter(r -> r.offset() >= end).toList(), after.stream().filter(r -> r.offset() >= end).toList(),
        "every record appended during the pass is there");
    try (var files = Files.list(log.dir())) {
      assertFalse(files.anyMatch(p -> p.toString().endsWith(".cleaned") || p.toString().endsWith(".swap")));
    }
  }

  @Test
  void aTruncationDuringAPassAbandonsItAndLosesNoKey() throws Exception {
    PartitionLog log = open("truncated");
    fill(log);
    long end = log.logEndOffset();
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<CleanResult> pass = threads.submit(() -> LogCleaner.clean(log, time.milliseconds(),
        new DedupeOffsetMap(LogCleaner.DEFAULT_DEDUPE_BUFFER_BYTES), step -> {
          if (step == CleanerStep.OFFSET_MAP_BUILT) {
            held.countDown();
            try {
              assertTrue(release.await(WAIT_SECONDS, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
              throw new IOException(e);
            }
          }
        }));
    assertTrue(held.await(WAIT_SECONDS, TimeUnit.SECONDS));
    // a new leader's log diverged: the follower truncates the tail the offset map was built from
    long truncateTo = end - 500;
    log.truncateTo(truncateTo);
    Map<String, String> expected = TestRecords.latestByKey(TestRecords.readAll(log));
    release.countDown();
    assertEquals(CleanResult.NOTHING, pass.get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertEquals(expected, TestRecords.latestByKey(TestRecords.readAll(log)), "no record superseded by a truncated one is gone");
    assertTrue(log.cleanerCheckpoint() <= truncateTo);
    // the next pass cleans what is left
    assertTrue(LogCleaner.clean(log, time.milliseconds()).recordsRemoved() > 0);
    assertEquals(expected, TestRecords.latestByKey(TestRecords.readAll(log)));
  }

  @Test
  void retentionDeletingASegmentDuringAPassAbandonsTheSwap() throws Exception {
    PartitionLog log = open("retained");
    fill(log);
    long firstBase = log.segmentBaseOffsets().get(0);
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<CleanResult> pass = threads.submit(() -> LogCleaner.clean(log, time.milliseconds(),
        new DedupeOffsetMap(LogCleaner.DEFAULT_DEDUPE_BUFFER_BYTES), step -> {
          if (step == CleanerStep.CLEANED_WRITTEN && held.getCount() > 0) {
            held.countDown();
            try {
              assertTrue(release.await(WAIT_SECONDS, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
              throw new IOException(e);
            }
          }
        }));
    assertTrue(held.await(WAIT_SECONDS, TimeUnit.SECONDS));
    // cleanup.policy=compact,delete: retention removes the segment whose cleaned copy is written but not swapped
    log.updateConfig(LogConfig.fromMap(Map.of("cleanup.policy", "compact,delete", "segment.bytes", "2048", "retention.bytes", "40000")));
    log.deleteExpiredSegments(time.milliseconds());
    assertTrue(log.logStartOffset() > firstBase, "retention removed the first segment");
    Map<String, String> expected = TestRecords.latestByKey(TestRecords.readAll(log));
    release.countDown();
    assertEquals(CleanResult.NOTHING, pass.get(WAIT_SECONDS, TimeUnit.SECONDS), "the swap of a removed segment is abandoned");
    assertEquals(expected, TestRecords.latestByKey(TestRecords.readAll(log)));
    try (var files = Files.list(log.dir())) {
      assertFalse(files.anyMatch(p -> p.toString().endsWith(".cleaned") || p.toString().endsWith(".swap")));
    }
    assertFalse(log.segmentBaseOffsets().contains(firstBase), "the removed segment did not come back");
  }
}
