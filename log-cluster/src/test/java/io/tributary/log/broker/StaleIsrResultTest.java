package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tributary.log.cluster.PartitionState;
import io.tributary.log.storage.LogManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The answer to an ISR write can arrive after the ZooKeeper watch that already showed its result, and after the
 * leader proposed the next change. That stale answer, success or refusal, must not clear the newer proposal:
 * the high watermark would stop waiting for the replica it adds, which then joins the ISR without records
 * acknowledged meanwhile (found by ReplicationSimulation, seeds 752 and 2169 before the fix).
 */
class StaleIsrResultTest {
  private static final TopicPartition TP = new TopicPartition("isr", 0);
  private static final List<Integer> REPLICAS = List.of(1, 2, 3);
  private static final long LAG_TIME_MAX_MS = 100;

  @TempDir Path logDir;
  private LogManager logs;
  private Partition leader;
  private PartitionState shrunk;

  @BeforeEach
  void leaderWithAShrinkWrittenAndANewExpansionPending() throws IOException {
    logs = new LogManager(List.of(logDir), Map.of(), Time.SYSTEM);
    logs.startup();
    leader = new Partition(TP, logs.getOrCreate(TP, Uuid.randomUuid(), Map.of()), 1, LAG_TIME_MAX_MS);
    PartitionState initial = new PartitionState(1, 0, REPLICAS, 1, 0);
    leader.applyState(initial, REPLICAS, 0);
    append(5);
    leader.onFollowerFetch(2, 5, 10);
    // Replica 3 lags: the leader proposes to drop it.
    assertEquals(Optional.of(List.of(1, 2)), leader.tick(10 + LAG_TIME_MAX_MS + 1).proposedIsr());
    // ZooKeeper took the shrink; its watch reaches the partition before the writer's answer does.
    shrunk = new PartitionState(1, 0, List.of(1, 2), 1, 1);
    leader.applyState(shrunk, REPLICAS, 200);
    assertEquals(5, leader.highWatermark());
    // Replica 3 is back at the high watermark: the leader proposes to add it; from now on the HW waits for it.
    assertEquals(Optional.of(List.of(1, 2, 3)), leader.onFollowerFetch(3, 5, 210).proposedIsr());
    append(5);
    leader.onFollowerFetch(2, 10, 220);
    assertEquals(5, leader.highWatermark(), "the high watermark waits for the replica being added");
  }

  @AfterEach
  void close() throws Exception {
    logs.close();
  }

  private void append(int records) throws IOException {
    for (int i = 0; i < records; i++) {
      leader.appendAsLeader(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(("v" + i).getBytes())), 1, true);
    }
  }

  @Test
  void aLateSuccessOfTheOlderWriteKeepsTheNewProposal() {
    assertNull(leader.isrWritten(shrunk), "already applied through the watch");
    assertEquals(5, leader.highWatermark());
    assertEquals(List.of(1, 2, 3), leader.pendingIsr());
  }

  @Test
  void aLateRefusalOfAnOlderWriteKeepsTheNewProposal() {
    leader.isrWriteFailed(new PartitionState(1, 0, REPLICAS, 1, 0));
    leader.onFollowerFetch(2, 10, 230);
    assertEquals(5, leader.highWatermark());
    assertEquals(List.of(1, 2, 3), leader.pendingIsr());
  }

  @Test
  void aRefusalOfTheCurrentProposalDropsIt() {
    leader.isrWriteFailed(shrunk);
    assertEquals(List.of(), leader.pendingIsr());
    leader.onFollowerFetch(2, 10, 230);
    assertEquals(10, leader.highWatermark(), "no pending addition: the committed ISR [1, 2] decides");
  }
}
