package io.tributary.log.storage;

import static io.tributary.log.storage.TestRecords.idempotent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdempotenceTest {
  static final TopicPartition TP = new TopicPartition("payments", 0);
  @TempDir Path tmp;
  final ManualTime time = new ManualTime(1_700_000_000_000L);
  PartitionLog log;

  @BeforeEach
  void open() throws IOException {
    log = PartitionLog.open(tmp.resolve("payments-0"), TP, Uuid.randomUuid(), LogConfig.fromMap(Map.of()), time);
  }

  @AfterEach
  void close() throws IOException {
    if (log != null) {
      log.close();
    }
  }

  @Test
  void duplicateReturnsOriginalOffsetsAndWritesNothing() throws IOException {
    log.appendAsLeader(TestRecords.batch("other", 2, 1L), 0); // offsets 0-1, non-idempotent
    AppendResult first = log.appendAsLeader(idempotent(7, (short) 0, 0, 3, 1L), 0);
    assertEquals(2, first.firstOffset());
    assertEquals(4, first.lastOffset());
    assertFalse(first.duplicate());
    log.appendAsLeader(idempotent(7, (short) 0, 3, 2, 1L), 0); // 5-6
    long size = log.size();
    AppendResult dup = log.appendAsLeader(idempotent(7, (short) 0, 0, 3, 1L), 0);
    assertTrue(dup.duplicate());
    assertEquals(2, dup.firstOffset());
    assertEquals(4, dup.lastOffset());
    assertEquals(7, log.logEndOffset());
    assertEquals(size, log.size());
    assertEquals(Optional.of((short) 0), log.producerEpoch(7));
    assertEquals(Optional.empty(), log.producerEpoch(8));
  }

  @Test
  void onlyTheLastFiveBatchesAreRetained() throws IOException {
    for (int i = 0; i < 7; i++) {
      log.appendAsLeader(idempotent(1, (short) 0, i, 1, 1L), 0);
    }
    assertTrue(log.appendAsLeader(idempotent(1, (short) 0, 2, 1, 1L), 0).duplicate());
    assertEquals(2, log.appendAsLeader(idempotent(1, (short) 0, 2, 1, 1L), 0).firstOffset());
    // batch 1 fell out of the window: it is no longer recognised and is out of sequence
    assertThrows(OutOfOrderSequenceException.class, () -> log.appendAsLeader(idempotent(1, (short) 0, 1, 1, 1L), 0));
    assertEquals(7, log.logEndOffset());
  }

  @Test
  void sequenceGapIsRefused() throws IOException {
    log.appendAsLeader(idempotent(3, (short) 0, 0, 5, 1L), 0);
    OutOfOrderSequenceException e = assertThrows(OutOfOrderSequenceException.class,
        () -> log.appendAsLeader(idempotent(3, (short) 0, 6, 1, 1L), 0));
    assertTrue(e.getMessage().contains("payments-0") && e.getMessage().contains("expected sequence 5"), e.getMessage());
    assertEquals(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, Errors.forException(e));
    assertEquals(5, log.logEndOffset());
    log.appendAsLeader(idempotent(3, (short) 0, 5, 1, 1L), 0);
    assertEquals(6, log.logEndOffset());
  }

  @Test
  void unknownProducerMustStartAtZero() throws IOException {
    assertThrows(OutOfOrderSequenceException.class, () -> log.appendAsLeader(idempotent(9, (short) 0, 4, 1, 1L), 0));
    assertEquals(0, log.logEndOffset());
  }

  @Test
  void epochFencingAndBumps() throws IOException {
    log.appendAsLeader(idempotent(5, (short) 1, 0, 2, 1L), 0);
    // lower epoch: fenced
    InvalidProducerEpochException e = assertThrows(InvalidProducerEpochException.class,
        () -> log.appendAsLeader(idempotent(5, (short) 0, 2, 1, 1L), 0));
    assertEquals(Errors.INVALID_PRODUCER_EPOCH, Errors.forException(e));
    // higher epoch must restart at 0
    assertThrows(OutOfOrderSequenceException.class, () -> log.appendAsLeader(idempotent(5, (short) 2, 2, 1, 1L), 0));
    AppendResult r = log.appendAsLeader(idempotent(5, (short) 2, 0, 1, 1L), 0);
    assertEquals(2, r.firstOffset());
    assertEquals(Optional.of((short) 2), log.producerEpoch(5));
    assertThrows(InvalidProducerEpochException.class, () -> log.appendAsLeader(idempotent(5, (short) 1, 2, 1, 1L), 0));
    assertEquals(3, log.logEndOffset());
  }

  @Test
  void severalBatchesOfOneProducerInOneRequest() throws IOException {
    AppendResult r = log.appendAsLeader(TestRecords.concat(idempotent(4, (short) 0, 0, 2, 1L), idempotent(4, (short) 0, 2, 3, 1L)), 0);
    assertEquals(0, r.firstOffset());
    assertEquals(4, r.lastOffset());
    assertEquals(2, r.batchCount());
    // a gap inside the request refuses all of it
    assertThrows(OutOfOrderSequenceException.class,
        () -> log.appendAsLeader(TestRecords.concat(idempotent(4, (short) 0, 5, 1, 1L), idempotent(4, (short) 0, 7, 1, 1L)), 0));
    assertEquals(5, log.logEndOffset());
  }

  @Test
  void producerStateSurvivesCleanAndUncleanRestart() throws IOException {
    log = reopen(true, Map.of("segment.bytes", "300"));
    for (int i = 0; i < 10; i++) {
      log.appendAsLeader(idempotent(11, (short) 3, i * 2, 2, 1L), 0);
    }
    assertTrue(log.segmentBaseOffsets().size() > 2);
    log.close();
    log = reopen(false, Map.of("segment.bytes", "300"));
    AppendResult dup = log.appendAsLeader(idempotent(11, (short) 3, 18, 2, 1L), 0);
    assertTrue(dup.duplicate());
    assertEquals(18, dup.firstOffset());
    assertEquals(Optional.of((short) 3), log.producerEpoch(11));
    log.appendAsLeader(idempotent(11, (short) 3, 20, 2, 1L), 0); // 20-21
    // kill -9: no snapshot at close, state is rebuilt from the roll snapshots + replay
    log.closeUncleanlyForTests();
    log = reopen(false, Map.of("segment.bytes", "300"));
    assertEquals(22, log.logEndOffset());
    AppendResult dup2 = log.appendAsLeader(idempotent(11, (short) 3, 20, 2, 1L), 0);
    assertTrue(dup2.duplicate());
    assertEquals(20, dup2.firstOffset());
    assertThrows(OutOfOrderSequenceException.class, () -> log.appendAsLeader(idempotent(11, (short) 3, 23, 1, 1L), 0));
    assertThrows(InvalidProducerEpochException.class, () -> log.appendAsLeader(idempotent(11, (short) 2, 22, 1, 1L), 0));
    // and without any snapshot at all (full replay)
    log.closeUncleanlyForTests();
    for (Path p : new ProducerStateManager(tmp.resolve("payments-0"), TP).listSnapshots().values()) {
      Files.delete(p);
    }
    log = reopen(false, Map.of("segment.bytes", "300"));
    assertTrue(log.appendAsLeader(idempotent(11, (short) 3, 20, 2, 1L), 0).duplicate());
    log.appendAsLeader(idempotent(11, (short) 3, 22, 1, 1L), 0);
  }

  private PartitionLog reopen(boolean closeFirst, Map<String, String> overrides) throws IOException {
    if (closeFirst && log != null) {
      log.close();
    }
    return PartitionLog.open(tmp.resolve("payments-0"), TP, null, LogConfig.fromMap(overrides), time);
  }
}
