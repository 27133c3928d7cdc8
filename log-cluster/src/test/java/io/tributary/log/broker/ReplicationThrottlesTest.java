package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.log.cluster.ClusterImage;
import io.tributary.log.cluster.PartitionState;
import io.tributary.log.cluster.TopicInfo;
import io.tributary.log.replication.ReplicationQuota;
import io.tributary.log.storage.LogConfig;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/**
 * Which fetches broker 3's follower throttle holds back, and how much they may ask for, as a table on a hand-moved
 * clock. Partition 0 is moving onto broker 3 (not in its ISR), partition 1 already moved (broker 3 is in its ISR);
 * both are listed in {@code follower.replication.throttled.replicas}. The rows also show why a move stalls when the
 * writes to throttled in-sync replicas reach the rate: their bytes count, are never held back, and keep the allowance
 * of the replica still catching up at zero (Kafka's semantics).
 */
class ReplicationThrottlesTest {
  static final int BROKER = 3;
  static final String TOPIC = "moving";
  static final TopicPartition CATCHING_UP = new TopicPartition(TOPIC, 0);
  static final TopicPartition IN_SYNC = new TopicPartition(TOPIC, 1);
  static final long RATE_BYTES_PER_SEC = 100_000;

  /**
   * {@code fetched}: {partition, atMs, bytes} recorded (the first starts the quota's clock) before asking at
   * {@code askMs} about {@code asked}: held back or not, and the allowance then.
   */
  record Row(String what, String rate, String throttledReplicas, long[][] fetched, long askMs, TopicPartition asked,
      boolean heldBack, long allowance) {}

  @Test
  void followerSide() {
    String both = "0:3,1:3";
    String rate = Long.toString(RATE_BYTES_PER_SEC);
    long unlimited = ReplicationQuota.UNLIMITED;
    List<Row> rows = List.of(
        new Row("a throttled replica catching up is held back, starting from nothing", rate, both,
            new long[][] {{0, 0, 0}}, 0, CATCHING_UP, true, 0),
        new Row("it may ask for what the rate allowed since", rate, both, new long[][] {{0, 0, 0}}, 300, CATCHING_UP,
            true, 30_000),
        new Row("at most one second's worth", rate, both, new long[][] {{0, 0, 0}}, 30_000, CATCHING_UP, true, 100_000),
        new Row("what it fetched is spent", rate, both, new long[][] {{0, 0, 0}, {0, 1_000, 60_000}}, 1_000, CATCHING_UP,
            true, 40_000),
        new Row("an in-sync replica is never held back", rate, both, new long[][] {{0, 0, 5_000_000}}, 100, IN_SYNC,
            false, 0),
        new Row("writes to the in-sync replica at the rate leave nothing for the catching-up one (the stall)", rate,
            both, steady(1, 15, RATE_BYTES_PER_SEC), 15_000, CATCHING_UP, true, 0),
        new Row("writes below the rate leave room for it", rate, both, steady(1, 15, 50_000), 15_000, CATCHING_UP, true,
            50_000),
        new Row("a replica not listed is not throttled", rate, "1:3", new long[][] {{0, 0, 5_000_000}}, 100, CATCHING_UP,
            false, 0),
        new Row("no rate on the broker: not throttled", null, both, new long[][] {{0, 0, 5_000_000}}, 100, CATCHING_UP,
            false, unlimited),
        new Row("'*' lists every replica", rate, "*", new long[][] {{0, 0, 5_000_000}}, 100, CATCHING_UP, true, 0));
    for (Row r : rows) {
      ReplicationThrottles throttles = new ReplicationThrottles(BROKER, () -> image(r.throttledReplicas()));
      throttles.apply(r.rate() == null ? Map.of() : Map.of(ReplicationThrottles.FOLLOWER_RATE, r.rate()));
      for (long[] f : r.fetched()) {
        throttles.fetched(new TopicPartition(TOPIC, (int) f[0]), f[2], f[1]);
      }
      assertEquals(r.heldBack(), throttles.isHeldBack(r.asked()), r.what());
      if (r.heldBack() || r.rate() == null) {
        assertEquals(r.allowance(), throttles.allowance(r.askMs()), r.what());
      }
    }
  }

  /** Partition 0: replicas [0, 3], ISR [0]; partition 1: replicas [3, 0], ISR [3, 0]. */
  private static ClusterImage image(String followerThrottled) {
    TreeMap<Integer, List<Integer>> replicas = new TreeMap<>(Map.of(0, List.of(0, BROKER), 1, List.of(BROKER, 0)));
    TopicInfo topic = new TopicInfo(TOPIC, Uuid.randomUuid(), replicas,
        Map.of(LogConfig.FOLLOWER_REPLICATION_THROTTLED_REPLICAS, followerThrottled));
    return new ClusterImage(Map.of(), Map.of(TOPIC, topic), Map.of(
        CATCHING_UP, new PartitionState(0, 1, List.of(0), 1, 0),
        IN_SYNC, new PartitionState(BROKER, 1, List.of(BROKER, 0), 1, 0)), 1, Map.of());
  }

  /** {@code bytesPerSec} fetched for {@code partition} once a second for {@code seconds} seconds, from 0. */
  private static long[][] steady(int partition, int seconds, long bytesPerSec) {
    long[][] out = new long[seconds + 1][];
    for (int s = 0; s <= seconds; s++) {
      out[s] = new long[] {partition, s * 1_000L, bytesPerSec};
    }
    return out;
  }
}
