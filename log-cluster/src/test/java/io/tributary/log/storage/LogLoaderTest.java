package io.tributary.log.storage;

import static io.tributary.log.storage.TestRecords.batch;
import static io.tributary.log.storage.TestRecords.idempotent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.storage.LogLoader.LoadedLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InconsistentTopicIdException;
import org.apache.kafka.common.record.FileRecords;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The loader on real partition directories: written by a log, then stopped, damaged or tidied by hand. */
class LogLoaderTest {
  static final TopicPartition TP = new TopicPartition("clicks", 0);
  static final Uuid ID = Uuid.randomUuid();
  static final int SEGMENT_BYTES = 400;
  static final LogConfig CONFIG = LogConfig.fromMap(Map.of("segment.bytes", Integer.toString(SEGMENT_BYTES), "index.interval.bytes", "0"));
  @TempDir Path tmp;
  final ManualTime time = new ManualTime(1_700_000_000_000L);
  LoadedLog loaded;

  Path dir() {
    return tmp.resolve("clicks-0");
  }

  LoadedLog load() throws IOException {
    loaded = new LogLoader(dir(), TP, CONFIG, time).load();
    return loaded;
  }

  @AfterEach
  void closeSegments() throws IOException {
    if (loaded != null) {
      loaded.segments().closeAll();
    }
  }

  /** Writes batches of two records (30 batches span several 400-byte segments) and returns the segment bases. */
  private List<Long> writeLog(int batches, boolean cleanClose) throws IOException {
    PartitionLog log = PartitionLog.open(dir(), TP, ID, CONFIG, time);
    for (int i = 0; i < batches; i++) {
      log.appendAsLeader(batch("v" + i, 2, 1L), 0);
    }
    List<Long> bases = log.segmentBaseOffsets();
    if (cleanClose) {
      log.close();
    } else {
      log.flush(); // the recovery point is the log end; nothing after it
      log.closeUncleanlyForTests();
    }
    return bases;
  }

  private static void writeText(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  private static void flipByte(Path file, long position) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      ch.read(one, position);
      one.put(0, (byte) (one.get(0) ^ 0xff));
      one.rewind();
      ch.write(one, position);
    }
  }

  private static int firstBatchSize(Path logFile) throws IOException {
    try (FileRecords fr = FileRecords.open(logFile.toFile(), false)) {
      return fr.batches().iterator().next().sizeInBytes();
    }
  }

  @Test
  void anEmptyDirectoryStartsWithOneEmptySegmentAtTheLogStartCheckpoint() throws IOException {
    Files.createDirectories(dir());
    writeText(dir().resolve(OffsetCheckpoint.LOG_START_FILE), "0\n500\n");
    load();
    assertEquals(List.of(500L), loaded.segments().baseOffsets());
    assertEquals(500, loaded.logStartOffset());
    assertEquals(500, loaded.logEndOffset());
    assertEquals(500, RecoveryCheckpoint.read(dir()));
    assertEquals(time.milliseconds(), loaded.loadedAtMs());
    assertTrue(Files.exists(Segment.logFile(dir(), 500)));
  }

  /**
   * A new log's creation does not fsync its empty segment nor its recovery point (they cost a partition of a
   * new 50-partition topic most of its creation time). A crash can then lose either, or tear the checkpoint:
   * the next load must still find every record appended since, and recover from the start.
   */
  @Test
  void aNewLogWhoseUnsyncedCreationFilesWereLostOrTornStillLoadsAllItsRecords() throws IOException {
    List<Long> bases = writeLog(30, false);
    writeText(dir().resolve(RecoveryCheckpoint.FILE), ""); // torn: written without fsync, crash before writeback
    load();
    assertEquals(bases, loaded.segments().baseOffsets());
    assertEquals(60, loaded.logEndOffset());
    loaded.segments().closeAll();
    Files.delete(dir().resolve(RecoveryCheckpoint.FILE)); // lost altogether
    load();
    assertEquals(60, loaded.logEndOffset());
    assertEquals(60, RecoveryCheckpoint.read(dir()));
  }

  @Test
  void leftoversOfInterruptedDeletesCompactionsAndCheckpointWritesAreRemoved() throws IOException {
    List<Long> bases = writeLog(30, true);
    List<Path> leftovers = List.of(
        dir().resolve(Segment.fileName(bases.get(0)) + Segment.LOG_SUFFIX + Segment.DELETED_SUFFIX),
        dir().resolve(Segment.fileName(bases.get(0)) + Segment.INDEX_SUFFIX + Segment.DELETED_SUFFIX),
        dir().resolve(Segment.fileName(bases.get(1)) + Segment.LOG_SUFFIX + Segment.CLEANED_SUFFIX),
        dir().resolve(OffsetCheckpoint.LOG_START_FILE + ".tmp"));
    for (Path p : leftovers) {
      writeText(p, "junk");
    }
    load();
    for (Path p : leftovers) {
      assertFalse(Files.exists(p), p.toString());
    }
    assertEquals(bases, loaded.segments().baseOffsets());
    assertEquals(60, loaded.logEndOffset());
    assertFalse(RecoveryCheckpoint.cleanShutdown(dir()), "a crash from now on must recover");
  }

  static Stream<Arguments> recoveryPointRows() {
    return Stream.of(
        // name, recovery checkpoint kept, expected log end
        Arguments.of("below the recovery point segments are trusted", true, 60L),
        Arguments.of("without a recovery point everything is validated", false, 0L));
  }

  /**
   * After an unclean stop, validation starts at the segment holding the recovery point: damage below it
   * (here a bit flipped in the first batch) is not looked for; without a checkpoint the whole log is
   * validated, the first segment truncated at the damage and every later segment dropped.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("recoveryPointRows")
  void validationStartsAtTheSegmentHoldingTheRecoveryPoint(String name, boolean keepCheckpoint, long logEnd) throws IOException {
    List<Long> bases = writeLog(30, false);
    Path first = Segment.logFile(dir(), bases.get(0));
    flipByte(first, firstBatchSize(first) - 2);
    if (!keepCheckpoint) {
      Files.delete(dir().resolve(RecoveryCheckpoint.FILE));
    }
    load();
    assertEquals(logEnd, loaded.logEndOffset());
    List<Long> expectedBases = keepCheckpoint ? bases : List.of(bases.get(0));
    assertEquals(expectedBases, loaded.segments().baseOffsets());
    for (long base : bases.subList(1, bases.size())) {
      assertEquals(keepCheckpoint, Files.exists(Segment.logFile(dir(), base)), "segment " + base);
    }
    assertEquals(logEnd, RecoveryCheckpoint.read(dir()));
  }

  static Stream<Arguments> logStartRows() {
    return Stream.of(
        // name, log-start checkpoint content (null: no file), expected log start given segments from 0 to log end 60
        Arguments.of("no checkpoint: the first segment", null, 0L),
        Arguments.of("unreadable checkpoint: the first segment", "0\nnot a number\n", 0L),
        Arguments.of("inside the log: the checkpoint", "0\n25\n", 25L),
        Arguments.of("beyond the log end: the log end", "0\n1000\n", 60L));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("logStartRows")
  void theLogStartCheckpointIsClampedToTheLoadedLog(String name, String checkpoint, long logStart) throws IOException {
    writeLog(30, true);
    Path file = dir().resolve(OffsetCheckpoint.LOG_START_FILE);
    if (checkpoint == null) {
      Files.deleteIfExists(file);
    } else {
      writeText(file, checkpoint);
    }
    load();
    assertEquals(logStart, loaded.logStartOffset());
    assertEquals(60, loaded.logEndOffset());
  }

  @Test
  void epochsAndProducerStateFollowATruncatedTail() throws IOException {
    long producerId = 42;
    PartitionLog log = PartitionLog.open(dir(), TP, ID, CONFIG, time);
    log.appendAsLeader(idempotent(producerId, (short) 0, 0, 2, 1L), 1); // offsets 0-1, epoch 1
    log.appendAsLeader(idempotent(producerId, (short) 0, 2, 2, 1L), 3); // offsets 2-3, epoch 3
    Path active = Segment.logFile(dir(), log.segmentBaseOffsets().get(log.segmentBaseOffsets().size() - 1));
    log.closeUncleanlyForTests();
    try (FileChannel ch = FileChannel.open(active, StandardOpenOption.WRITE)) {
      ch.truncate(firstBatchSize(active) + 5); // the epoch-3 batch is torn
    }
    load();
    assertEquals(2, loaded.logEndOffset());
    assertEquals(List.of(Map.entry(1, 0L)), loaded.epochCache().entries());
    assertEquals(1, loaded.producers().lastOffsetOf(producerId));
    assertEquals(1, loaded.producers().producerCount());
  }

  @Test
  void theTopicIdIsRecordedOnceAndCheckedOnEveryOpen() throws IOException {
    assertEquals(Uuid.ZERO_UUID, LogLoader.resolveTopicId(dir(), null));
    assertFalse(Files.exists(dir().resolve(PartitionMetadata.FILE)), "no id known, none recorded");
    assertEquals(ID, LogLoader.resolveTopicId(dir(), ID));
    assertEquals(Optional.of(ID), PartitionMetadata.read(dir()));
    assertEquals(ID, LogLoader.resolveTopicId(dir(), null));
    assertEquals(ID, LogLoader.resolveTopicId(dir(), Uuid.ZERO_UUID));
    Uuid other = Uuid.randomUuid();
    InconsistentTopicIdException e = assertThrows(InconsistentTopicIdException.class, () -> LogLoader.resolveTopicId(dir(), other));
    assertEquals("Partition directory " + dir() + " belongs to topic id " + ID + ", not " + other
        + "; delete the directory (or the old topic) first", e.getMessage());
  }
}
