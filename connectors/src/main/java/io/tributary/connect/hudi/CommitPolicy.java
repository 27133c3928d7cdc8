package io.tributary.connect.hudi;

/**
 * When the sink commits: as soon as {@code commitRecords} rows are buffered, or when {@code intervalMs} has
 * passed since the last commit and something was consumed since (rows, or only filtered or dead-lettered
 * records, whose offsets must move on too). Pure: the caller passes the clock.
 */
final class CommitPolicy {
  private final long intervalMs;
  private final long commitRecords;
  private long lastCommitMs;

  CommitPolicy(long intervalMs, long commitRecords, long nowMs) {
    this.intervalMs = intervalMs;
    this.commitRecords = commitRecords;
    this.lastCommitMs = nowMs;
  }

  /**
   * @param bufferedRows rows waiting for the next commit
   * @param consumedSinceCommit records read since the last commit (rows, filtered and rejected)
   */
  boolean due(long bufferedRows, long consumedSinceCommit, long nowMs) {
    if (bufferedRows >= commitRecords) {
      return true;
    }
    return consumedSinceCommit > 0 && nowMs - lastCommitMs >= intervalMs;
  }

  /** Milliseconds until an interval commit would be due (0 if it is), for how long to poll. */
  long msUntilInterval(long nowMs) {
    return Math.max(0, lastCommitMs + intervalMs - nowMs);
  }

  void committed(long nowMs) {
    lastCommitMs = nowMs;
  }
}
