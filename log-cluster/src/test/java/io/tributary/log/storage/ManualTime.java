package io.tributary.log.storage;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.common.utils.Time;

/**
 * A hand-driven clock for tests (kafka-clients' MockTime lives in its test jar, which log-cluster does not
 * depend on): {@link #sleep} advances time instantly.
 */
final class ManualTime implements Time {
  private final AtomicLong nowMs;

  ManualTime(long startMs) {
    this.nowMs = new AtomicLong(startMs);
  }

  @Override
  public long milliseconds() {
    return nowMs.get();
  }

  @Override
  public long nanoseconds() {
    return TimeUnit.MILLISECONDS.toNanos(nowMs.get());
  }

  @Override
  public void sleep(long ms) {
    nowMs.addAndGet(ms);
  }

  @Override
  public void waitObject(Object obj, Supplier<Boolean> condition, long deadlineMs) {
    while (!condition.get()) {
      if (nowMs.get() >= deadlineMs) {
        throw new IllegalStateException("condition not met by " + deadlineMs);
      }
      nowMs.incrementAndGet();
    }
  }
}
