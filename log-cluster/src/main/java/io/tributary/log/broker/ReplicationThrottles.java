package io.tributary.log.broker;

import io.tributary.log.cluster.ClusterImage;
import io.tributary.log.cluster.PartitionState;
import io.tributary.log.cluster.TopicInfo;
import io.tributary.log.replication.FollowerThrottle;
import io.tributary.log.replication.ReplicationQuota;
import io.tributary.log.storage.LogConfig;
import io.tributary.log.storage.ThrottledReplicas;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;

/**
 * This broker's replication throttles, as Kafka's: the dynamic broker configs {@value #LEADER_RATE} and
 * {@value #FOLLOWER_RATE} (bytes/s) limit the replicas listed in the topic configs
 * {@code leader.replication.throttled.replicas} (replicas this broker serves as leader) and
 * {@code follower.replication.throttled.replicas} (replicas this broker fetches as follower). A replica in the ISR is
 * never held back (its fetches still count against the quota, as in Kafka), so acks=all never waits on a throttle.
 */
public final class ReplicationThrottles implements FollowerThrottle {
  public static final String LEADER_RATE = "leader.replication.throttled.rate";
  public static final String FOLLOWER_RATE = "follower.replication.throttled.rate";

  private final int brokerId;
  private final Supplier<ClusterImage> image;
  private final ReplicationQuota leader = new ReplicationQuota(ReplicationQuota.UNLIMITED);
  private final ReplicationQuota follower = new ReplicationQuota(ReplicationQuota.UNLIMITED);

  ReplicationThrottles(int brokerId, Supplier<ClusterImage> image) {
    this.brokerId = brokerId;
    this.image = image;
  }

  /** Applies this broker's dynamic configs (absent keys: unlimited). Values were validated when written. */
  public void apply(Map<String, String> dynamicConfigs) {
    leader.setLimit(rate(dynamicConfigs.get(LEADER_RATE)));
    follower.setLimit(rate(dynamicConfigs.get(FOLLOWER_RATE)));
  }

  private static long rate(String value) {
    return value == null ? ReplicationQuota.UNLIMITED : Long.parseLong(value.trim());
  }

  /** Whether the leader's reads of {@code tp} for follower {@code replicaId} count against the leader quota. */
  boolean isLeaderThrottled(TopicPartition tp) {
    if (leader.isUnlimited()) {
      return false; // the usual case, asked for every partition of every follower fetch: no lookup
    }
    TopicInfo topic = image.get().topics().get(tp.topic());
    return topic != null && throttled(topic, LogConfig.LEADER_REPLICATION_THROTTLED_REPLICAS).contains(tp.partition(), brokerId);
  }

  /** Whether the leader's answer to follower {@code replicaId} about {@code tp} is limited by the leader quota now. */
  boolean isLeaderHeldBack(TopicPartition tp, int replicaId) {
    return isLeaderThrottled(tp) && !inSync(tp, replicaId);
  }

  /** The bytes the leader may still send to held-back replicas at {@code nowMs}. */
  long leaderAllowance(long nowMs) {
    return leader.allowance(nowMs);
  }

  void leaderSent(long bytes, long nowMs) {
    leader.record(bytes, nowMs);
  }

  @Override
  public boolean isHeldBack(TopicPartition tp) {
    return isFollowerThrottled(tp) && !inSync(tp, brokerId);
  }

  @Override
  public long allowance(long nowMs) {
    return follower.allowance(nowMs);
  }

  @Override
  public void fetched(TopicPartition tp, long bytes, long nowMs) {
    if (isFollowerThrottled(tp)) {
      follower.record(bytes, nowMs);
    }
  }

  private boolean isFollowerThrottled(TopicPartition tp) {
    if (follower.isUnlimited()) {
      return false;
    }
    TopicInfo topic = image.get().topics().get(tp.topic());
    return topic != null && throttled(topic, LogConfig.FOLLOWER_REPLICATION_THROTTLED_REPLICAS).contains(tp.partition(), brokerId);
  }

  private boolean inSync(TopicPartition tp, int replica) {
    PartitionState state = image.get().partitions().get(tp);
    return state != null && state.isr().contains(replica);
  }

  private static ThrottledReplicas throttled(TopicInfo topic, String key) {
    String value = topic.configs().get(key);
    return value == null ? ThrottledReplicas.NONE : ThrottledReplicas.parse(key, value);
  }
}
