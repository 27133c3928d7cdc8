package io.tributary.log.group;

/**
 * The broker settings a group coordinator runs with (keys {@code offsets.*} and {@code group.*}), handed
 * in by the broker's wiring so that group/ does not depend on the broker's config class. No range checks
 * here beyond {@link GroupConfig}'s: a config that started a broker before still starts it.
 */
public record GroupCoordinatorConfig(int brokerId, GroupConfig groups, long offsetsRetentionMs,
                                     long offsetsRetentionCheckIntervalMs, long offsetsCommitTimeoutMs,
                                     int offsetsTopicPartitions, int offsetsTopicReplicationFactor) {}
