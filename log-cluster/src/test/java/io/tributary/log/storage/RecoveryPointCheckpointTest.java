package io.tributary.log.storage;

import static io.tributary.log.storage.TestRecords.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.storage.LogLoader.LoadedLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The recovery point moves past rolled segments once they are fsynced by the log manager's checkpoint task,
 * so recovery after a crash validates only what was written after it, and each log dir's
 * {@code recovery-point-offset-checkpoint} lists every partition's recovery point.
 */
class RecoveryPointCheckpointTest extends PartitionLogFixture {
  private static final TopicPartition TP = new TopicPartition("rp", 0);
  private static final Map<String, String> SMALL_SEGMENTS = Map.of("segment.bytes", "1000");

  RecoveryPointCheckpointTest() {
    super(TP, Uuid.randomUuid());
  }

  @ParameterizedTest(name = "rolled segments flushed: {0}")
  @CsvSource({"true", "false"})
  void recoveryValidatesOnlyWhatFollowsTheRecoveryPoint(boolean rolledSegmentsFlushed) throws IOException {
    open(SMALL_SEGMENTS);
    for (int i = 0; i < 30; i++) {
      log.appendAsLeader(batch("v" + i, 2, 1L), 0);
    }
    List<Long> bases = log.segmentBaseOffsets();
    assertTrue(bases.size() >= 3, "several segments: " + bases);
    long activeBase = bases.get(bases.size() - 1);
    if (rolledSegmentsFlushed) {
      log.flushRolledSegments();
      assertEquals(activeBase, log.recoveryPoint());
    }
    log.appendAsLeader(batch("last", 1, 1L), 0);
    long allBytes = log.size();
    long activeBytes = Files.size(Segment.logFile(log.dir(), activeBase));
    log.closeUncleanlyForTests();
    log = null;

    LoadedLog loaded = new LogLoader(tmp.resolve("rp-0"), TP, LogConfig.fromMap(SMALL_SEGMENTS), time).load();
    try {
      assertEquals(61, loaded.logEndOffset());
      assertEquals(rolledSegmentsFlushed ? activeBytes : allBytes, loaded.bytesValidated());
    } finally {
      loaded.segments().closeAll();
    }
  }

  @Test
  void theLogDirCheckpointListsEveryRecoveryPointPeriodicallyAndTheLogEndsAtShutdown() throws IOException {
    Path logDir = tmp.resolve("logs");
    LogManager logs = new LogManager(List.of(logDir), Map.of(), time);
    logs.startup();
    PartitionLog rolled = logs.getOrCreate(new TopicPartition("a", 0), Uuid.randomUuid(), SMALL_SEGMENTS);
    PartitionLog unrolled = logs.getOrCreate(new TopicPartition("b", 3), Uuid.randomUuid(), Map.of());
    for (int i = 0; i < 30; i++) {
      rolled.appendAsLeader(batch("v" + i, 2, 1L), 0);
    }
    unrolled.appendAsLeader(batch("w", 4, 1L), 0);
    List<Long> bases = rolled.segmentBaseOffsets();
    long activeBase = bases.get(bases.size() - 1);
    Path checkpoint = logDir.resolve(PartitionOffsetsFile.RECOVERY_POINTS);

    logs.checkpointRecoveryPoints();
    assertEquals(Map.of(new TopicPartition("a", 0), activeBase, new TopicPartition("b", 3), 0L), PartitionOffsetsFile.read(checkpoint));

    logs.close();
    assertEquals(Map.of(new TopicPartition("a", 0), 60L, new TopicPartition("b", 3), 4L), PartitionOffsetsFile.read(checkpoint));
  }
}
