/**
 * Consumer groups (Kafka's classic group protocol) and their committed offsets.
 *
 * <ul>
 *   <li>{@link io.tributary.log.group.ClassicGroup}: one group as a pure state machine (Empty,
 *       PreparingRebalance, CompletingRebalance, Stable, Dead). Requests and {@code nowMs} in;
 *       {@link io.tributary.log.group.GroupEffect}s out (answers to parked JoinGroup/SyncGroup requests
 *       by token, "persist the group"). Tested step by step in {@code ClassicGroupTest}.</li>
 *   <li>{@link io.tributary.log.group.OffsetsTopicFormat}: the records of {@code __consumer_offsets}
 *       (JSON keys and values, tombstones for deletions) and the group → partition hash.</li>
 *   <li>{@link io.tributary.log.group.GroupCoordinator}: the broker's {@code GroupApis}. One thread owns
 *       all group state; it loads an offsets partition when this broker becomes its leader (replay from
 *       log start to log end), drops it on resignation, writes commits and group metadata with
 *       {@code appendAndWait} (acks=all) before acknowledging them, runs the state machines' timers every
 *       100 ms and offset retention every {@code offsets.retention.check.interval.ms}.</li>
 * </ul>
 *
 * Not served: the KIP-848 consumer protocol (ConsumerGroupHeartbeat), transactional offset commits
 * (TxnOffsetCommit) and transaction coordinators (FindCoordinator key type 1 answers
 * COORDINATOR_NOT_AVAILABLE).
 */
package io.tributary.log.group;
