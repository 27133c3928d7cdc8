package io.tributary.log.replication;

import org.apache.kafka.common.TopicPartition;

/**
 * The follower side of replication throttling: which partitions a fetcher leaves out of its next fetch (throttled,
 * not in the ISR, quota exceeded), and the bytes it fetched for throttled ones.
 */
public interface FollowerThrottle {
  FollowerThrottle NONE = new FollowerThrottle() {
    @Override
    public boolean shouldThrottle(TopicPartition tp, long nowMs) {
      return false;
    }

    @Override
    public void fetched(TopicPartition tp, long bytes, long nowMs) {}
  };

  boolean shouldThrottle(TopicPartition tp, long nowMs);

  void fetched(TopicPartition tp, long bytes, long nowMs);
}
