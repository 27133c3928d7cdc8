package io.tributary.console.metrics;

import java.util.List;
import java.util.OptionalDouble;

/**
 * The per-second rate of a monotonic counter over successive samples, as Prometheus' {@code rate()} computes it: the
 * sum of the increases between neighbouring samples over the time they span. A counter that went down was reset (its
 * process restarted and counts from 0 again), so the increase of that step is the new value, never a negative one.
 */
public final class CounterRate {
  private CounterRate() {}

  /** One reading of a counter and when it was taken. */
  public record Sample(double value, long atMillis) {}

  /** The rate over {@code samples} (oldest first); empty with fewer than two samples or no time between them. */
  public static OptionalDouble perSecond(List<Sample> samples) {
    if (samples.size() < 2) {
      return OptionalDouble.empty();
    }
    long spanMillis = samples.get(samples.size() - 1).atMillis() - samples.get(0).atMillis();
    if (spanMillis <= 0) {
      return OptionalDouble.empty();
    }
    double increase = 0;
    for (int i = 1; i < samples.size(); i++) {
      double before = samples.get(i - 1).value();
      double now = samples.get(i).value();
      increase += now >= before ? now - before : now; // a reset: counted from 0 again
    }
    return OptionalDouble.of(increase * 1000.0 / spanMillis);
  }
}
