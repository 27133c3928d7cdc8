package io.tributary.log.group;

/**
 * The limits a coordinator applies to every classic group (broker keys {@code group.min.session.timeout.ms},
 * {@code group.max.session.timeout.ms}, {@code group.initial.rebalance.delay.ms}).
 */
public record GroupConfig(int minSessionTimeoutMs, int maxSessionTimeoutMs, int initialRebalanceDelayMs, int maxGroupSize) {
  public static final GroupConfig DEFAULT = new GroupConfig(6_000, 1_800_000, 3_000, 1_000);

  public GroupConfig {
    if (minSessionTimeoutMs <= 0 || maxSessionTimeoutMs < minSessionTimeoutMs) {
      throw new IllegalArgumentException("need 0 < group.min.session.timeout.ms (" + minSessionTimeoutMs
          + ") <= group.max.session.timeout.ms (" + maxSessionTimeoutMs + ")");
    }
    if (initialRebalanceDelayMs < 0 || maxGroupSize <= 0) {
      throw new IllegalArgumentException("group.initial.rebalance.delay.ms must be >= 0 and the group size limit > 0");
    }
  }
}
