package io.tributary.connect.hudi;

/**
 * When the sink commits: as soon as {@code commitRecords} rows or {@code commitBytes} bytes of values are
 * buffered, or when {@code intervalMs} has
 * passed since the last commit and something was consumed since (rows, or only filtered or dead-lettered
 * records, whose offsets must move on too). Pure: the caller passes the clock.
 */
final class CommitPolicy {
  private final long intervalMs;
  private final long commitRecords;
  private final long commitBytes;
  private long lastCommitMs;

  CommitPolicy(long intervalMs, long commitRecords, long nowMs) {
    this(intervalMs, commitRecords, Long.MAX_VALUE, nowMs);
  }

  CommitPolicy(long intervalMs, long commitRecords, long commitBytes, long nowMs) {
    if (intervalMs < 1 || commitRecords < 1 || commitBytes < 1) {
      throw new IllegalArgumentException("interval, records and bytes must be positive: " + intervalMs + " ms, "
          + commitRecords + " records, " + commitBytes + " bytes");
    }
    this.intervalMs = intervalMs;
    this.commitRecords = commitRecords;
    this.commitBytes = commitBytes;
    this.lastCommitMs = nowMs;
  }

  /**
   * @param bufferedRows rows waiting for the next commit
   * @param consumedSinceCommit records read since the last commit (rows, filtered and rejected)
   */
  boolean due(long bufferedRows, long consumedSinceCommit, long nowMs) {
    return due(bufferedRows, 0, consumedSinceCommit, nowMs);
  }

  /**
   * @param bufferedRows rows waiting for the next commit
   * @param bufferedBytes bytes of the values (and keys) read since the last commit
   * @param consumedSinceCommit records read since the last commit (rows, filtered and rejected)
   */
  boolean due(long bufferedRows, long bufferedBytes, long consumedSinceCommit, long nowMs) {
    if (full(bufferedRows, bufferedBytes)) {
      return true;
    }
    return consumedSinceCommit > 0 && nowMs - lastCommitMs >= intervalMs;
  }

  /** Whether the buffer holds enough to commit now, whatever the clock. */
  boolean full(long bufferedRows, long bufferedBytes) {
    return bufferedRows >= commitRecords || bufferedBytes >= commitBytes;
  }

  /** Milliseconds until an interval commit would be due (0 if it is), for how long to poll. */
  long msUntilInterval(long nowMs) {
    return Math.max(0, lastCommitMs + intervalMs - nowMs);
  }

  void committed(long nowMs) {
    lastCommitMs = nowMs;
  }
}
