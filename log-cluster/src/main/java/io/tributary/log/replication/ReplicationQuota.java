package io.tributary.log.replication;

/**
 * A replication rate quota in bytes per second, as Kafka's {@code ReplicationQuotaManager}: bytes are recorded in
 * {@value #WINDOWS} windows of {@value #WINDOW_MS} ms ({@code replication.quota.window.num} and
 * {@code replication.quota.window.size.seconds} at Kafka's defaults), and the rate is what the windows hold over the
 * time they span, counted as at least {@value #WINDOWS} - 1 windows (Kafka's {@code Rate}), so one early burst
 * cannot look like a huge rate. The quota is exceeded while that rate is above the limit; callers then skip
 * throttled partitions until it falls. Not a sleep: nothing here blocks. Thread-safe.
 */
public final class ReplicationQuota {
  public static final long WINDOW_MS = 1_000;
  public static final int WINDOWS = 11;
  /** No limit (the config is absent). */
  public static final long UNLIMITED = Long.MAX_VALUE;

  private final long[] windowStartMs = new long[WINDOWS];
  private final long[] windowBytes = new long[WINDOWS];
  private volatile long limitBytesPerSec;
  private int current = -1;

  public ReplicationQuota(long limitBytesPerSec) {
    this.limitBytesPerSec = limitBytesPerSec;
  }

  public long limitBytesPerSec() {
    return limitBytesPerSec;
  }

  public void setLimit(long bytesPerSec) {
    limitBytesPerSec = bytesPerSec;
  }

  public boolean isUnlimited() {
    return limitBytesPerSec == UNLIMITED;
  }

  /** Counts {@code bytes} moved at {@code nowMs}. */
  public synchronized void record(long bytes, long nowMs) {
    if (current < 0 || nowMs >= windowStartMs[current] + WINDOW_MS) {
      current = (current + 1) % WINDOWS;
      windowStartMs[current] = nowMs;
      windowBytes[current] = 0;
    }
    windowBytes[current] += bytes;
  }

  /** The measured rate in bytes per second at {@code nowMs}. */
  public synchronized double rate(long nowMs) {
    if (current < 0) {
      return 0;
    }
    long total = 0;
    long oldest = nowMs;
    for (int i = 0; i < WINDOWS; i++) {
      // Windows older than the whole span are expired (Kafka's purgeObsoleteSamples).
      if (windowBytes[i] > 0 || i == current) {
        if (nowMs - windowStartMs[i] < WINDOWS * WINDOW_MS) {
          total += windowBytes[i];
          oldest = Math.min(oldest, windowStartMs[i]);
        }
      }
    }
    long elapsedMs = Math.max(nowMs - oldest, (WINDOWS - 1) * WINDOW_MS);
    return total * 1000.0 / elapsedMs;
  }

  /** Whether throttled replicas must wait: the measured rate is above the limit. */
  public boolean isExceeded(long nowMs) {
    return !isUnlimited() && rate(nowMs) > limitBytesPerSec;
  }
}
