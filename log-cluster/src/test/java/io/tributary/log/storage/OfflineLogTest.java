package io.tributary.log.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/**
 * An append that fails and cannot be truncated back takes the log offline: it refuses appends and reads with
 * KAFKA_STORAGE_ERROR, and a restart recovers the acknowledged data. The failure is real: the segment's file
 * channel is closed under the log, so both the write and the truncate back fail.
 */
class OfflineLogTest extends PartitionLogFixture {
  private static final TopicPartition TP = new TopicPartition("offline", 0);

  OfflineLogTest() {
    super(TP, Uuid.randomUuid());
  }

  @Test
  void anAppendThatCannotBeUndoneTakesTheLogOffline() throws IOException {
    open(Map.of());
    log.appendAsLeader(TestRecords.batch("acked", 3, time.milliseconds()), 0);
    assertFalse(log.isOffline());
    log.segmentList().get(0).records().closeHandlers();

    KafkaStorageException failed = assertThrows(KafkaStorageException.class,
        () -> log.appendAsLeader(TestRecords.batch("lost", 2, time.milliseconds()), 0));
    assertEquals(Errors.KAFKA_STORAGE_ERROR, Errors.forException(failed));
    assertTrue(failed.getMessage().contains(log.dir().getParent().toString()), "names the log directory: " + failed.getMessage());
    assertTrue(log.isOffline());
    assertEquals(3, log.logEndOffset(), "the failed append did not move the log end");
    assertThrows(KafkaStorageException.class, () -> log.read(0, Integer.MAX_VALUE, Long.MAX_VALUE, true), "reads are refused");
    assertThrows(KafkaStorageException.class, () -> log.appendAsLeader(TestRecords.batch("later", 1, time.milliseconds()), 0),
        "appends are refused");
    assertThrows(KafkaStorageException.class, () -> log.offsetForTimestamp(-1L), "ListOffsets is refused");

    log.close(); // leaves no clean-shutdown marker: the restart validates the segment
    assertFalse(RecoveryCheckpoint.cleanShutdown(log.dir()));
    open(Map.of());
    assertFalse(log.isOffline());
    assertEquals(List.of("acked-0", "acked-1", "acked-2"), TestRecords.readAll(log).stream().map(TestRecords.Rec::value).toList());
  }
}
