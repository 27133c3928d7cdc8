package io.tributary.log.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.group.OffsetManager.LoadedGroup;
import io.tributary.log.group.OffsetsTopicFormat.CommittedOffset;
import io.tributary.log.storage.LogConfig;
import io.tributary.log.storage.PartitionLog;
import io.tributary.log.storage.TransactionMarkers;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.record.ControlRecordType;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Offsets committed inside transactions: pending until the marker, then committed (commit) or dropped (abort). */
class TxnOffsetsTest {
  static final TopicPartition ORDERS_0 = new TopicPartition("orders", 0);
  static final TopicPartition ORDERS_1 = new TopicPartition("orders", 1);
  static final CommittedOffset AT_10 = new CommittedOffset(10, 0, "", 1_000);
  static final CommittedOffset AT_20 = new CommittedOffset(20, 0, "", 1_000);
  static final long PID = 7;

  @TempDir Path dir;

  @Test
  void markersDecideThePendingOffsetsOfTheirPartitionAndProducerOnly() {
    record MarkerCase(String name, int partition, long producerId, boolean commit, Map<String, Map<TopicPartition, CommittedOffset>> applied,
                      boolean stillPending) {}
    List<MarkerCase> cases = List.of(
        new MarkerCase("commit: the offsets apply", 3, PID, true, Map.of("g", Map.of(ORDERS_0, AT_10)), false),
        new MarkerCase("abort: dropped", 3, PID, false, Map.of(), false),
        new MarkerCase("another producer's marker: nothing", 3, PID + 1, true, Map.of(), true),
        new MarkerCase("a marker on another offsets partition: nothing", 4, PID, true, Map.of(), true));
    for (MarkerCase c : cases) {
      TxnOffsets t = new TxnOffsets();
      t.add(3, PID, "g", Map.of(ORDERS_0, AT_10));
      assertTrue(t.isPending("g", ORDERS_0), c.name());
      assertFalse(t.isPending("g", ORDERS_1), c.name());
      assertEquals(c.applied(), t.complete(c.partition(), c.producerId(), c.commit()), c.name());
      assertEquals(c.stillPending(), t.isPending("g", ORDERS_0), c.name());
    }
  }

  @Test
  void sequencesContinueAtTheSameEpochAndRestartAtANewOne() {
    TxnOffsets t = new TxnOffsets();
    assertEquals(0, t.nextSequence(3, PID, (short) 0));
    t.wrote(3, PID, (short) 0, 1);
    assertEquals(2, t.nextSequence(3, PID, (short) 0));
    assertEquals(0, t.nextSequence(3, PID, (short) 1), "a bumped epoch starts at 0");
    assertEquals(0, t.nextSequence(4, PID, (short) 0), "per offsets partition");
    t.unload(3);
    assertEquals(0, t.nextSequence(3, PID, (short) 0), "forgotten with its partition");
  }

  @Test
  void aLoadAppliesCommittedTransactionsDropsAbortedOnesAndKeepsOpenOnesPending() throws Exception {
    TopicPartition offsets0 = new TopicPartition(OffsetsTopicFormat.TOPIC, 0);
    try (PartitionLog log = PartitionLog.open(dir.resolve("offsets-0"), offsets0, Uuid.randomUuid(),
        LogConfig.fromMap(Map.of("cleanup.policy", "compact")), Time.SYSTEM)) {
      byte[][] at10 = {OffsetsTopicFormat.offsetKey("g", ORDERS_0), OffsetsTopicFormat.offsetValue(AT_10)};
      byte[][] at20 = {OffsetsTopicFormat.offsetKey("g", ORDERS_1), OffsetsTopicFormat.offsetValue(AT_20)};
      // producer 1 commits orders-0 at 10; producer 2 aborts orders-1 at 20; producer 3 leaves orders-1 at 20 open
      log.appendAsLeader(OffsetsTopicFormat.transactionalRecords(1_000, 1, (short) 0, 0, List.<byte[][]>of(at10)), 0);
      log.appendAsLeader(OffsetsTopicFormat.transactionalRecords(1_000, 2, (short) 0, 0, List.<byte[][]>of(at20)), 0);
      log.appendMarkerAsLeader(marker(1, ControlRecordType.COMMIT), 0);
      log.appendMarkerAsLeader(marker(2, ControlRecordType.ABORT), 0);
      log.appendAsLeader(OffsetsTopicFormat.transactionalRecords(1_000, 3, (short) 4, 0, List.<byte[][]>of(at20)), 0);

      OffsetsLoader.Loaded loaded = OffsetsLoader.read(offsets0, log);

      List<LoadedGroup> groups = loaded.replay().groups(2_000);
      assertEquals(1, groups.size());
      assertEquals(Map.of(ORDERS_0, AT_10), groups.get(0).offsets());
      assertEquals(Map.of(3L, List.of(new OffsetsTopicFormat.OffsetEntry("g", ORDERS_1, AT_20))),
          loaded.replay().openTransactions());
      assertEquals(new OffsetsLoader.TransactionalWriter((short) 4, 0), loaded.transactionalWriters().get(3L));
    }
  }

  private static MemoryRecords marker(long producerId, ControlRecordType type) {
    return TransactionMarkers.endTransaction(producerId, (short) 0, 0, type == ControlRecordType.COMMIT, 1_000);
  }
}
