package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.log.storage.LogManager;
import io.tributary.log.storage.PartitionLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The high watermark survives a broker restart through the log dir's {@code replication-offset-checkpoint}:
 * a partition created after the restart starts from it, so ListOffsets(LATEST), which answers with the high
 * watermark, is not lower than before the restart.
 */
class HighWatermarkRestartTest {
  private static final TopicPartition TP = new TopicPartition("hw", 0);
  private static final int BROKER_ID = 1;
  private static final long LAG_TIME_MAX_MS = 30_000;

  @TempDir Path logDir;

  private LogManager startLogManager() throws IOException {
    LogManager logs = new LogManager(List.of(logDir), Map.of(), Time.SYSTEM);
    logs.startup();
    return logs;
  }

  /** Writes records offsets [0, logEnd), tells the log its high watermark and restarts the log manager cleanly. */
  private LogManager restartWith(int logEnd, long highWatermark) throws IOException {
    LogManager before = startLogManager();
    PartitionLog log = before.getOrCreate(TP, Uuid.randomUuid(), Map.of());
    for (int i = 0; i < logEnd; i++) {
      log.appendAsLeader(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(("v" + i).getBytes())), 0);
    }
    log.updateHighWatermark(highWatermark);
    before.close();
    return startLogManager();
  }

  @Test
  void theLatestOffsetDoesNotGoBackwardsAcrossARestart() throws IOException {
    LogManager after = restartWith(5, 5);
    try {
      Partition partition = new Partition(TP, after.get(TP).orElseThrow(), BROKER_ID, LAG_TIME_MAX_MS);
      assertEquals(5, partition.highWatermark(), "ListOffsets(LATEST) right after the restart");
    } finally {
      after.close();
    }
  }

  @ParameterizedTest(name = "checkpointed {0}, log end {1} -> {2}")
  @CsvSource({
      "3, 5, 3", // a follower's high watermark below its log end
      "9, 5, 5", // never above the log end (the tail was lost)
  })
  void theRestoredHighWatermarkIsClampedToTheLog(long checkpointed, int logEnd, long expected) throws IOException {
    LogManager after = restartWith(logEnd, checkpointed);
    try {
      assertEquals(expected, new Partition(TP, after.get(TP).orElseThrow(), BROKER_ID, LAG_TIME_MAX_MS).highWatermark());
    } finally {
      after.close();
    }
  }

  @Test
  void anUnreadableCheckpointStartsTheHighWatermarkAtTheLogStart() throws IOException {
    LogManager first = restartWith(5, 5);
    first.close();
    Files.writeString(logDir.resolve("replication-offset-checkpoint"), "0\n1\nhw 0\n");
    LogManager after = startLogManager();
    try {
      assertEquals(0, new Partition(TP, after.get(TP).orElseThrow(), BROKER_ID, LAG_TIME_MAX_MS).highWatermark());
    } finally {
      after.close();
    }
  }

  @Test
  void theCheckpointIsWrittenPeriodicallyNotOnlyAtShutdown() throws Exception {
    LogManager logs = startLogManager();
    try {
      PartitionLog log = logs.getOrCreate(TP, Uuid.randomUuid(), Map.of());
      log.appendAsLeader(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("v".getBytes())), 0);
      log.updateHighWatermark(1);
      logs.startBackgroundTasks(60_000, 60_000, 50, 60_000);
      Path checkpoint = logDir.resolve("replication-offset-checkpoint");
      long deadline = System.currentTimeMillis() + 10_000;
      while (!(Files.exists(checkpoint) && Files.readString(checkpoint).equals("0\n1\nhw 0 1\n")) && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      assertEquals("0\n1\nhw 0 1\n", Files.readString(checkpoint));
    } finally {
      logs.close();
    }
  }
}
