package io.tributary.connect.runtime;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Token bucket: {@code rate} tokens per second, at most one second's worth saved up (a burst of {@code rate}).
 * {@link #delayNanos()} takes a token when one is there (returns 0) or says how long to wait for it. Rate 0
 * means no pacing. The clock ({@code nanoTime}) is injected so tests need not sleep.
 */
public final class Pacer {
  private final long rate;
  private final LongSupplier nanoTime;
  private double tokens;
  private long last;

  public Pacer(long ratePerSecond, LongSupplier nanoTime) {
    this.rate = ratePerSecond;
    this.nanoTime = nanoTime;
    this.last = nanoTime.getAsLong();
    this.tokens = Math.min(1.0, ratePerSecond);
  }

  /** 0 when a token was taken; else the nanoseconds until one is available (nothing taken). */
  public long delayNanos() {
    if (rate <= 0) {
      return 0;
    }
    long now = nanoTime.getAsLong();
    tokens = Math.min(rate, tokens + (now - last) * (double) rate / 1e9);
    last = now;
    if (tokens >= 1.0) {
      tokens -= 1.0;
      return 0;
    }
    return Math.max(1, (long) Math.ceil((1.0 - tokens) * 1e9 / rate));
  }

  /**
   * Blocks until a token is taken (true) or {@code stop} says to give up (false); waits in steps of at most
   * 50 ms so that a stop is seen quickly.
   */
  public boolean acquire(BooleanSupplier stop) {
    long d;
    while ((d = delayNanos()) > 0) {
      if (stop.getAsBoolean()) {
        return false;
      }
      LockSupport.parkNanos(Math.min(d, 50_000_000L));
    }
    return true;
  }
}
