package io.tributary.log.replication;

/**
 * A replication rate quota in bytes per second (Kafka's {@code leader.replication.throttled.rate} and
 * {@code follower.replication.throttled.rate}), kept as an allowance that grows at the limit: every byte moved for a
 * throttled replica spends it (an in-sync replica's bytes too, as in Kafka, although those are never held back), and a
 * held-back replica's read may ask for at most what is left. The allowance starts empty when a limit is set and holds
 * at most {@value #BURST_MS} ms worth, so the bytes moved over any span of T ms stay at or under
 * {@code limit x (T + BURST_MS) / 1000} plus one record batch (a read returns at least one whole batch, KIP-74); the
 * debt that batch or in-sync traffic leaves is paid back before held-back replicas read again, down to at most
 * {@value #MAX_DEBT_MS} ms worth (what Kafka's 11 one-second samples remember).
 *
 * <p>Why not Kafka's sampled rate: Kafka admits while the bytes of its 11 one-second samples over at least 10 s stay
 * under the limit, so a move copies 10 s worth in its first second, then nothing until that sample expires, and again:
 * bursts of ten times the throttle that the network and the disks feel. Here the copying runs at the throttle.
 * Not a sleep: nothing here blocks. Thread-safe.
 */
public final class ReplicationQuota {
  /** The most the allowance holds: one second's worth, so an idle quota cannot save up a burst. */
  public static final long BURST_MS = 1_000;
  /** The most debt kept: ten seconds' worth (older excess is forgotten, as Kafka's samples expire). */
  public static final long MAX_DEBT_MS = 10_000;
  /** No limit (the config is absent). */
  public static final long UNLIMITED = Long.MAX_VALUE;

  private long limitBytesPerSec;
  /** Bytes that may move now; negative while paying back a debt. Meaningful from {@link #refilledAtMs} on. */
  private double allowanceBytes;
  /** When the allowance was last brought up to date; -1 before the first use under the current limit. */
  private long refilledAtMs = -1;

  public ReplicationQuota(long limitBytesPerSec) {
    this.limitBytesPerSec = limitBytesPerSec;
  }

  /** A new limit; from unlimited the allowance starts empty, otherwise it is kept within the new bounds. */
  public synchronized void setLimit(long bytesPerSec) {
    if (bytesPerSec == limitBytesPerSec) {
      return;
    }
    boolean wasUnlimited = limitBytesPerSec == UNLIMITED;
    limitBytesPerSec = bytesPerSec;
    if (wasUnlimited || bytesPerSec == UNLIMITED) {
      allowanceBytes = 0;
      refilledAtMs = -1;
    } else {
      allowanceBytes = clamp(allowanceBytes);
    }
  }

  public synchronized boolean isUnlimited() {
    return limitBytesPerSec == UNLIMITED;
  }

  /** Counts {@code bytes} moved at {@code nowMs}. */
  public synchronized void record(long bytes, long nowMs) {
    if (limitBytesPerSec == UNLIMITED) {
      return;
    }
    refill(nowMs);
    allowanceBytes = clamp(allowanceBytes - bytes);
  }

  /** The bytes a held-back replica's read may take at {@code nowMs}: 0 while in debt, {@link #UNLIMITED} without limit. */
  public synchronized long allowance(long nowMs) {
    if (limitBytesPerSec == UNLIMITED) {
      return UNLIMITED;
    }
    refill(nowMs);
    return (long) Math.max(0, Math.floor(allowanceBytes));
  }

  private void refill(long nowMs) {
    if (refilledAtMs < 0) {
      refilledAtMs = nowMs;
      return;
    }
    if (nowMs > refilledAtMs) {
      allowanceBytes = clamp(allowanceBytes + limitBytesPerSec * (double) (nowMs - refilledAtMs) / 1000);
      refilledAtMs = nowMs;
    }
  }

  private double clamp(double bytes) {
    double most = limitBytesPerSec * (double) BURST_MS / 1000;
    double leastDebt = -limitBytesPerSec * (double) MAX_DEBT_MS / 1000;
    return Math.max(leastDebt, Math.min(most, bytes));
  }
}
