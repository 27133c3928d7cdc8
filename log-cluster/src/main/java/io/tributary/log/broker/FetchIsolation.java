package io.tributary.log.broker;

/**
 * How far a fetch may read a partition (Kafka's {@code FetchIsolation}): a follower to the log end, a
 * read_uncommitted consumer to the high watermark, a read_committed consumer to the last stable offset.
 */
public enum FetchIsolation {
  LOG_END,
  HIGH_WATERMARK,
  TXN_COMMITTED;

  /** The isolation of a fetch: a replica's, or the consumer's {@code isolation_level} (1 = read_committed). */
  static FetchIsolation of(boolean isReplica, byte isolationLevel) {
    if (isReplica) {
      return LOG_END;
    }
    return isolationLevel == 1 ? TXN_COMMITTED : HIGH_WATERMARK;
  }
}
