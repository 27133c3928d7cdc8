/**
 * The broker's storage layer: partition logs on local disk, in Kafka's layout.
 *
 * <p>A partition is a directory {@code <logdir>/<topic>-<partition>} holding:
 * <table>
 *   <caption>Files of a partition directory</caption>
 *   <tr><th>file</th><th>class</th><th>content</th></tr>
 *   <tr><td>{@code <base>.log}</td><td>{@link io.tributary.log.storage.Segment}</td>
 *       <td>record batches (v2) as produced, base offset and partition leader epoch rewritten</td></tr>
 *   <tr><td>{@code <base>.index}</td><td>{@link io.tributary.log.storage.OffsetIndex}</td>
 *       <td>sparse (relative offset int, position int) every index.interval.bytes</td></tr>
 *   <tr><td>{@code <base>.timeindex}</td><td>{@link io.tributary.log.storage.TimeIndex}</td>
 *       <td>sparse (max timestamp long, relative offset int)</td></tr>
 *   <tr><td>{@code <base>.txnindex}</td><td>{@link io.tributary.log.storage.TransactionIndex}</td>
 *       <td>aborted transactions whose ABORT marker is in the segment (Kafka's 34-byte entries), for read_committed</td></tr>
 *   <tr><td>{@code <offset>.snapshot}</td><td>{@link io.tributary.log.storage.ProducerStateManager}</td>
 *       <td>idempotent producer state and open transactions up to offset, written at segment roll and clean close,
 *       CRC32C protected</td></tr>
 *   <tr><td>{@code leader-epoch-checkpoint}</td><td>{@link io.tributary.log.storage.LeaderEpochCache}</td>
 *       <td>(epoch, start offset) pairs</td></tr>
 *   <tr><td>{@code recovery-point-offset-checkpoint}, {@code .clean-shutdown}</td>
 *       <td>{@link io.tributary.log.storage.RecoveryCheckpoint}</td><td>where recovery starts; clean-close marker</td></tr>
 *   <tr><td>{@code log-start-offset-checkpoint}, {@code cleaner-offset-checkpoint}</td>
 *       <td>{@link io.tributary.log.storage.OffsetCheckpoint}</td><td>log start (DeleteRecords, retention); compaction progress</td></tr>
 *   <tr><td>{@code partition.metadata}</td><td>{@link io.tributary.log.storage.PartitionMetadata}</td><td>topic id</td></tr>
 *   <tr><td>{@code topic-overrides.properties}</td><td>{@link io.tributary.log.storage.LogManager}</td>
 *       <td>topic config overrides, so a restart loads the log with its config</td></tr>
 * </table>
 * The log dir itself holds, in Kafka's format ({@link io.tributary.log.storage.PartitionOffsetsFile}),
 * {@code replication-offset-checkpoint} (every partition's high watermark, restored at start) and
 * {@code recovery-point-offset-checkpoint} (every partition's recovery point), written by the
 * {@link io.tributary.log.storage.LogManager} periodically and at shutdown.
 * Transient suffixes: {@code .deleted} (removed segment, closed after file.delete.delay.ms), {@code .cleaned} and
 * {@code .swap} (compaction output of a segment and its .txnindex, before and after the commit point: see
 * {@code PartitionLog.swapCleanedSegment}), {@code .tmp} (checkpoint being written).
 *
 * <p>Durability: appends are written with FileChannel.write and survive a process kill (page cache); they are
 * fsynced per flush.messages / flush.ms and at close, and rolled segments every
 * log.flush.offset.checkpoint.interval.ms. Recovery after an unclean stop validates every batch from the recovery
 * point on and truncates at the first torn or corrupt one. A failed or short append is truncated back before the
 * produce fails with KAFKA_STORAGE_ERROR; when that is impossible, or an fsync fails, the log goes offline.
 */
package io.tributary.log.storage;
