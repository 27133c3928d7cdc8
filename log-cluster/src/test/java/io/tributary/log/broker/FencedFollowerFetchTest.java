package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tributary.log.cluster.PartitionState;
import io.tributary.log.storage.LogManager;
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

/**
 * A follower's fetch that names another leader epoch moves nothing on the leader (Kafka's order: the epoch is
 * checked first). A follower still on an older epoch has not truncated against this one: counting its log end
 * could advance the high watermark over records it holds differently.
 */
class FencedFollowerFetchTest {
  private static final TopicPartition TP = new TopicPartition("fenced", 0);
  private static final List<Integer> REPLICAS = List.of(1, 2);

  @TempDir Path logDir;

  @Test
  void onlyAFetchOfTheCurrentEpochCounts() throws Exception {
    LogManager logs = new LogManager(List.of(logDir), Map.of(), Time.SYSTEM);
    logs.startup();
    try {
      Partition leader = new Partition(TP, logs.getOrCreate(TP, Uuid.randomUuid(), Map.of()), 1, 30_000);
      leader.applyState(new PartitionState(1, 3, REPLICAS, 1, 0), REPLICAS, 0);
      for (int i = 0; i < 4; i++) {
        leader.appendAsLeader(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(("v" + i).getBytes())), 1, true);
      }
      assertNull(leader.onFollowerFetch(2, 4, 2, 10), "an older epoch (FENCED_LEADER_EPOCH)");
      assertNull(leader.onFollowerFetch(2, 4, 4, 10), "a newer epoch (UNKNOWN_LEADER_EPOCH)");
      assertEquals(0, leader.highWatermark());
      assertEquals(4, leader.onFollowerFetch(2, 4, 3, 10).highWatermark(), "the current epoch");
    } finally {
      logs.close();
    }
  }
}
