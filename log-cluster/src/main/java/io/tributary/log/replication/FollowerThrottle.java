package io.tributary.log.replication;

import org.apache.kafka.common.TopicPartition;

/**
 * The follower side of replication throttling: which partitions a fetcher holds back (throttled and not in the ISR),
 * how many bytes its next fetch may ask for them together, and the bytes it fetched for throttled ones.
 */
public interface FollowerThrottle {
  FollowerThrottle NONE = new FollowerThrottle() {
    @Override
    public boolean isHeldBack(TopicPartition tp) {
      return false;
    }

    @Override
    public long allowance(long nowMs) {
      return ReplicationQuota.UNLIMITED;
    }

    @Override
    public void fetched(TopicPartition tp, long bytes, long nowMs) {}
  };

  /** Whether fetches of {@code tp} are limited by the follower quota (a throttled replica not in the ISR). */
  boolean isHeldBack(TopicPartition tp);

  /** The bytes the held-back partitions of the next fetch may ask for together at {@code nowMs}. */
  long allowance(long nowMs);

  void fetched(TopicPartition tp, long bytes, long nowMs);
}
