package io.tributary.log.storage;

import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;

/**
 * The value of {@code leader.replication.throttled.replicas} and {@code follower.replication.throttled.replicas}:
 * Kafka's format, either {@code *} (every replica of the topic) or a list {@code partition:broker,...}; empty means
 * none. It says which replicas the replication rate quotas apply to.
 */
public final class ThrottledReplicas {
  public static final ThrottledReplicas NONE = new ThrottledReplicas(false, Set.of());
  private static final String FORMAT = "must be the literal '*' or a list of replicas in the following format:"
      + " [partitionId]:[brokerId],[partitionId]:[brokerId],...";

  private final boolean all;
  private final Set<Long> replicas;

  private ThrottledReplicas(boolean all, Set<Long> replicas) {
    this.all = all;
    this.replicas = replicas;
  }

  /**
   * Parses a config value (whitespace around entries allowed, as Kafka's validator allows).
   *
   * @throws ConfigException naming the key and the bad value
   */
  public static ThrottledReplicas parse(String key, String value) {
    String v = value == null ? "" : value.trim();
    if (v.isEmpty()) {
      return NONE;
    }
    if (v.equals("*")) {
      return new ThrottledReplicas(true, Set.of());
    }
    Set<Long> replicas = new HashSet<>();
    for (String entry : v.split(",")) {
      String[] pb = entry.trim().split(":");
      if (pb.length != 2) {
        throw new ConfigException(key, value, key + " " + FORMAT);
      }
      try {
        int partition = Integer.parseInt(pb[0].trim());
        int broker = Integer.parseInt(pb[1].trim());
        if (partition < 0 || broker < 0) {
          throw new NumberFormatException("negative");
        }
        replicas.add(pack(partition, broker));
      } catch (NumberFormatException e) {
        throw new ConfigException(key, value, key + " " + FORMAT);
      }
    }
    return new ThrottledReplicas(false, Set.copyOf(replicas));
  }

  /** Whether the replica of {@code partition} on {@code broker} is throttled. */
  public boolean contains(int partition, int broker) {
    return all || replicas.contains(pack(partition, broker));
  }

  public boolean isEmpty() {
    return !all && replicas.isEmpty();
  }

  private static long pack(int partition, int broker) {
    return ((long) partition << 32) | (broker & 0xffffffffL);
  }
}
