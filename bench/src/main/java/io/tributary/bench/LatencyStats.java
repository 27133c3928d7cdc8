package io.tributary.bench;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Latencies in microseconds, kept in an HdrHistogram (3 significant digits, 1 µs to 1 hour), read back
 * as percentiles in milliseconds. Not thread-safe: one writer (the producer's I/O thread, which runs
 * every send callback), read after that thread has finished (producer flushed and closed).
 */
public final class LatencyStats {
  static final long HIGHEST_TRACKABLE_MICROS = TimeUnit.HOURS.toMicros(1);

  private final Histogram histogram = new Histogram(1, HIGHEST_TRACKABLE_MICROS, 3);

  /** Records one latency given in nanoseconds; values are clamped to [1 µs, 1 h]. */
  public void recordNanos(long nanos) {
    long micros = Math.max(1, nanos / 1_000);
    histogram.recordValue(Math.min(micros, HIGHEST_TRACKABLE_MICROS));
  }

  /** Adds every latency of {@code other} (e.g. one writer thread's, after that thread has finished). */
  public void add(LatencyStats other) {
    histogram.add(other.histogram);
  }

  public long count() {
    return histogram.getTotalCount();
  }

  /** The latency at {@code percentile} (0 to 100) in milliseconds, or NaN when nothing was recorded. */
  public double percentileMs(double percentile) {
    if (percentile < 0 || percentile > 100) {
      throw new IllegalArgumentException("percentile must be within [0, 100], got " + percentile);
    }
    if (count() == 0) {
      return Double.NaN;
    }
    return histogram.getValueAtPercentile(percentile) / 1_000.0;
  }

  public double maxMs() {
    return count() == 0 ? Double.NaN : histogram.getMaxValue() / 1_000.0;
  }

  public double meanMs() {
    return count() == 0 ? Double.NaN : histogram.getMean() / 1_000.0;
  }

  public void reset() {
    histogram.reset();
  }
}
