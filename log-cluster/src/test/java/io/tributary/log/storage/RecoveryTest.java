package io.tributary.log.storage;

import static io.tributary.log.storage.TestRecords.batch;
import static io.tributary.log.storage.TestRecords.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.record.FileRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecoveryTest {
  static final TopicPartition TP = new TopicPartition("events", 1);
  static final Uuid ID = Uuid.randomUuid();
  @TempDir Path tmp;
  final ManualTime time = new ManualTime(1_700_000_000_000L);
  PartitionLog log;

  Path dir() {
    return tmp.resolve("events-1");
  }

  PartitionLog open(Map<String, String> overrides) throws IOException {
    log = PartitionLog.open(dir(), TP, ID, LogConfig.fromMap(overrides), time);
    return log;
  }

  @AfterEach
  void tearDown() throws IOException {
    if (log != null) {
      log.close();
    }
  }

  private static void appendBytes(Path file, byte[] bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ch.write(ByteBuffer.wrap(bytes));
    }
  }

  private static void truncateFile(Path file, long size) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(size);
    }
  }

  private Path activeLogFile() {
    List<Long> bases = log.segmentBaseOffsets();
    return Segment.logFile(dir(), bases.get(bases.size() - 1));
  }

  @Test
  void unflushedAppendsSurviveAProcessKill() throws IOException {
    open(Map.of());
    for (int i = 0; i < 20; i++) {
      log.appendAsLeader(batch("v" + i, 3, 1L), 2);
    }
    assertEquals(0, log.recoveryPoint()); // nothing fsynced
    log.closeUncleanlyForTests();
    open(Map.of());
    assertEquals(60, log.logEndOffset());
    assertEquals(60, TestRecords.readAll(log).size());
    assertEquals(2, log.latestEpoch().getAsInt());
  }

  @Test
  void garbageAtTheTailIsTruncatedAfterACrash() throws IOException {
    open(Map.of());
    for (int i = 0; i < 5; i++) {
      log.appendAsLeader(batch("v" + i, 2, 1L), 0);
    }
    long goodSize = log.size();
    Path file = activeLogFile();
    log.closeUncleanlyForTests();
    appendBytes(file, new byte[] {0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 50, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15});
    open(Map.of());
    assertEquals(10, log.logEndOffset());
    assertEquals(goodSize, Files.size(file));
    AppendResult r = log.appendAsLeader(batch("after", 1, 1L), 0);
    assertEquals(10, r.firstOffset());
    List<TestRecords.Rec> recs = TestRecords.readAll(log);
    assertEquals(11, recs.size());
    assertEquals("after-0", recs.get(10).value());
  }

  @Test
  void garbageAtTheTailIsTruncatedEvenAfterACleanShutdown() throws IOException {
    open(Map.of());
    for (int i = 0; i < 5; i++) {
      log.appendAsLeader(batch("v" + i, 2, 1L), 0);
    }
    Path file = activeLogFile();
    log.close();
    log = null;
    byte[] junk = new byte[100];
    Arrays.fill(junk, (byte) 0x7f);
    appendBytes(file, junk);
    open(Map.of());
    assertEquals(10, log.logEndOffset());
    assertEquals(10, log.appendAsLeader(batch("after", 1, 1L), 0).firstOffset());
  }

  @Test
  void segmentTornMidBatchTruncatesThereAndDropsLaterSegments() throws IOException {
    open(Map.of("segment.bytes", "400"));
    for (int i = 0; i < 30; i++) {
      log.appendAsLeader(batch("val" + i, 2, 1L), 0);
    }
    List<Long> bases = log.segmentBaseOffsets();
    assertTrue(bases.size() >= 4, bases.toString());
    long tornBase = bases.get(1);
    long nextBase = bases.get(2);
    Path torn = Segment.logFile(dir(), tornBase);
    // the second batch of that segment is cut in the middle
    FileRecords fr = FileRecords.open(torn.toFile(), false);
    int secondBatchPos = 0;
    int secondBatchSize = 0;
    int i = 0;
    for (RecordBatch b : fr.batches()) {
      if (i++ == 1) {
        secondBatchSize = b.sizeInBytes();
        break;
      }
      secondBatchPos += b.sizeInBytes();
    }
    fr.close();
    log.closeUncleanlyForTests();
    truncateFile(torn, secondBatchPos + secondBatchSize / 2);
    open(Map.of("segment.bytes", "400"));
    assertEquals(tornBase + 2, log.logEndOffset()); // one whole batch of 2 records survives
    assertEquals(secondBatchPos, Files.size(torn));
    assertFalse(Files.exists(Segment.logFile(dir(), nextBase)));
    assertEquals(List.of(bases.get(0), tornBase), log.segmentBaseOffsets());
    AppendResult r = log.appendAsLeader(batch("new", 2, 1L), 0);
    assertEquals(tornBase + 2, r.firstOffset());
    List<TestRecords.Rec> recs = TestRecords.readAll(log);
    for (int k = 0; k < recs.size(); k++) {
      assertEquals(k, recs.get(k).offset());
    }
    assertEquals(tornBase + 4, log.logEndOffset());
  }

  @Test
  void corruptCrcInsideTheLogIsTruncated() throws IOException {
    open(Map.of());
    for (int i = 0; i < 4; i++) {
      log.appendAsLeader(batch("v" + i, 1, 1L), 0);
    }
    Path file = activeLogFile();
    long size = Files.size(file);
    log.closeUncleanlyForTests();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      ch.read(one, size - 2);
      one.put(0, (byte) (one.get(0) ^ 0xff));
      one.rewind();
      ch.write(one, size - 2); // last batch's value byte
    }
    open(Map.of());
    assertEquals(3, log.logEndOffset());
  }

  @Test
  void corruptOrMissingIndexesAreRebuilt() throws IOException {
    open(Map.of("index.interval.bytes", "50", "segment.bytes", "2000"));
    for (int i = 0; i < 60; i++) {
      log.appendAsLeader(batch("v" + i, 1, 1000L + i), 0);
    }
    List<Long> bases = log.segmentBaseOffsets();
    log.close();
    log = null;
    truncateFile(Segment.indexFile(dir(), bases.get(0)), 13); // torn entry
    Files.delete(Segment.indexFile(dir(), bases.get(1)));
    Files.delete(Segment.timeIndexFile(dir(), bases.get(1)));
    // an entry pointing past the end of the log
    try (FileChannel ch = FileChannel.open(Segment.indexFile(dir(), bases.get(bases.size() - 1)), StandardOpenOption.WRITE)) {
      ByteBuffer e = ByteBuffer.allocate(8).putInt(100000).putInt(1 << 30);
      e.flip();
      ch.write(e, ch.size());
    }
    open(Map.of("index.interval.bytes", "50", "segment.bytes", "2000"));
    assertEquals(60, log.logEndOffset());
    assertTrue(Files.size(Segment.indexFile(dir(), bases.get(0))) % 8 == 0);
    assertTrue(Files.size(Segment.indexFile(dir(), bases.get(1))) > 0);
    for (long off = 0; off < 60; off++) {
      assertEquals(off, records(log.read(off, 1, Long.MAX_VALUE, true).records()).get(0).offset());
    }
    assertEquals(30L, log.offsetForTimestamp(1030L).orElseThrow().offset);
  }

  @Test
  void interruptedCompactionSwapIsCompletedOnOpen() throws IOException {
    open(Map.of("segment.bytes", "300"));
    for (int i = 0; i < 12; i++) {
      log.appendAsLeader(batch("v" + i, 1, 1L), 0);
    }
    List<Long> bases = log.segmentBaseOffsets();
    log.close();
    log = null;
    // the "cleaned" version of segment 0 keeps only its first batch
    Path seg0 = Segment.logFile(dir(), bases.get(0));
    FileRecords fr = FileRecords.open(seg0.toFile(), false);
    int firstSize = fr.batches().iterator().next().sizeInBytes();
    fr.close();
    byte[] all = Files.readAllBytes(seg0);
    Path swap = dir().resolve(seg0.getFileName() + ".swap");
    Files.write(swap, Arrays.copyOf(all, firstSize));
    Files.write(dir().resolve(seg0.getFileName() + ".cleaned"), new byte[] {1, 2, 3});
    open(Map.of("segment.bytes", "300"));
    assertFalse(Files.exists(swap));
    assertFalse(Files.exists(dir().resolve(seg0.getFileName() + ".cleaned")));
    assertEquals(firstSize, Files.size(seg0));
    assertEquals(12, log.logEndOffset());
    List<TestRecords.Rec> recs = TestRecords.readAll(log);
    assertEquals(0, recs.get(0).offset());
    assertEquals(bases.get(1), records(log.read(1, Integer.MAX_VALUE, Long.MAX_VALUE, false).records()).get(0).offset());
  }
}
