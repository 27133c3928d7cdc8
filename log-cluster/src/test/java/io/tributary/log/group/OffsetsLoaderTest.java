package io.tributary.log.group;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.log.group.OffsetManager.LoadedGroup;
import io.tributary.log.group.OffsetsTopicFormat.CommittedOffset;
import io.tributary.log.storage.LogConfig;
import io.tributary.log.storage.PartitionLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 15: a record of __consumer_offsets that is not our JSON is skipped; the rest of the partition loads. */
class OffsetsLoaderTest {
  private static final TopicPartition OFFSETS_0 = new TopicPartition(OffsetsTopicFormat.TOPIC, 0);
  private static final long NOW_MS = 1_700_000_000_000L;

  @TempDir Path dir;

  private static byte[][] commit(String group, TopicPartition tp, long offset) {
    return new byte[][] {OffsetsTopicFormat.offsetKey(group, tp),
        OffsetsTopicFormat.offsetValue(new CommittedOffset(offset, 0, "", NOW_MS))};
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void undecodableRecordsAreSkippedAndTheOtherRecordsStillLoad() throws Exception {
    TopicPartition orders0 = new TopicPartition("orders", 0);
    TopicPartition orders1 = new TopicPartition("orders", 1);
    try (PartitionLog log = PartitionLog.open(dir.resolve("offsets-0"), OFFSETS_0, Uuid.randomUuid(),
        LogConfig.fromMap(Map.of("cleanup.policy", "compact")), Time.SYSTEM)) {
      log.appendAsLeader(OffsetsTopicFormat.records(NOW_MS, List.<byte[][]>of(commit("g", orders0, 10))), 0);
      // What a plain producer can write: a key that is not JSON, a JSON key whose value is not JSON, and
      // a group record whose member assignment is not base64.
      log.appendAsLeader(OffsetsTopicFormat.records(NOW_MS, List.of(
          new byte[][] {utf8("not json"), utf8("{}")},
          new byte[][] {OffsetsTopicFormat.offsetKey("g", orders1), utf8("{not json either")},
          new byte[][] {OffsetsTopicFormat.groupKey("g"), utf8("{\"v\":1,\"members\":[{\"assignment\":\"%%%\"}]}")})), 0);
      log.appendAsLeader(OffsetsTopicFormat.records(NOW_MS, List.<byte[][]>of(commit("g", orders1, 20))), 0);

      OffsetsLoader.Loaded loaded = OffsetsLoader.read(OFFSETS_0, log);

      assertEquals(5, loaded.records());
      assertEquals(3, loaded.undecodable());
      assertEquals(5, loaded.endOffset());
      List<LoadedGroup> groups = loaded.replay().groups(NOW_MS);
      assertEquals(1, groups.size());
      assertEquals(Map.of(orders0, new CommittedOffset(10, 0, "", NOW_MS), orders1, new CommittedOffset(20, 0, "", NOW_MS)),
          groups.get(0).offsets());
    }
  }
}
