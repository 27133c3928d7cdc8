/**
 * Consumer groups (Kafka's classic group protocol) and their committed offsets. Layered bottom-up; nothing
 * here imports {@code broker/} or {@code network/} (the broker implements {@link CoordinatorHost}).
 *
 * <ul>
 *   <li>{@link ClassicGroup}: one group as a pure state machine (Empty, PreparingRebalance,
 *       CompletingRebalance, Stable, Dead). Requests and {@code nowMs} in; {@link GroupEffect}s out (answers to
 *       parked JoinGroup/SyncGroup requests by token, "persist the group"). Tested step by step in
 *       {@code ClassicGroupTest}.</li>
 *   <li>{@link OffsetManager}: committed offsets as pure decisions (which partitions of a commit are
 *       accepted, unstable commits, retention, the replay of an offsets partition). Table-tested in
 *       {@code OffsetManagerTest}.</li>
 *   <li>{@link OffsetsTopicFormat}: the records of {@code __consumer_offsets} (JSON keys and values,
 *       tombstones for deletions) and the group → partition hash.</li>
 *   <li>{@link GroupActor}: one thread owns all group state; it loads an offsets partition when this broker
 *       becomes its leader (replay from log start to log end), drops it on resignation, writes commits and
 *       group metadata with {@code appendAndWait} (acks=all) before acknowledging them, runs the state
 *       machines' timers every 100 ms and offset retention every {@code offsets.retention.check.interval.ms}.</li>
 *   <li>{@link GroupCoordinator}: the protocol glue, kafka-clients request data to calls on the actor and
 *       back; {@link CoordinatorLocator} answers FindCoordinator.</li>
 * </ul>
 *
 * Not served: the KIP-848 consumer protocol (ConsumerGroupHeartbeat), transactional offset commits
 * (TxnOffsetCommit) and transaction coordinators (FindCoordinator key type 1 answers
 * COORDINATOR_NOT_AVAILABLE).
 */
package io.tributary.log.group;
