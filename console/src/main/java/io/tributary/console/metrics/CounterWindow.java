package io.tributary.console.metrics;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The recent samples of many counters, by key, for their current rates: samples older than the window are dropped,
 * except the newest of them while it is the only earlier one, so that two looks further apart than the window
 * still give the rate between them.
 *
 * @param <K> what names one counter (a broker, series and topic; a pipeline run)
 */
public final class CounterWindow<K> {
  private final long windowMillis;
  private final Map<K, Deque<CounterRate.Sample>> samples = new HashMap<>();

  /** @param windowMillis how far back, in ms, a rate looks */
  public CounterWindow(long windowMillis) {
    if (windowMillis <= 0) {
      throw new IllegalArgumentException("the window must be positive, got " + windowMillis + " ms");
    }
    this.windowMillis = windowMillis;
  }

  public synchronized void record(K key, double value, long atMillis) {
    Deque<CounterRate.Sample> d = samples.computeIfAbsent(key, k -> new ArrayDeque<>());
    if (!d.isEmpty() && d.getLast().atMillis() >= atMillis) {
      return; // the same report read again (or a clock that went back): nothing new to rate
    }
    d.addLast(new CounterRate.Sample(value, atMillis));
    // Keep one sample at or before the window's start, so the rate spans the whole window.
    while (d.size() > 2) {
      CounterRate.Sample oldest = d.removeFirst();
      if (d.getFirst().atMillis() > atMillis - windowMillis) {
        d.addFirst(oldest);
        break;
      }
    }
  }

  /** The key's rate over the window; empty before its second sample. */
  public synchronized OptionalDouble perSecond(K key) {
    Deque<CounterRate.Sample> d = samples.get(key);
    return d == null ? OptionalDouble.empty() : CounterRate.perSecond(new ArrayList<>(d));
  }

  /** Forgets the keys not sampled since {@code atMillis} minus the window (deleted topics, removed pipelines). */
  public synchronized void forgetOlderThan(long atMillis) {
    samples.values().removeIf(d -> d.getLast().atMillis() < atMillis - windowMillis);
  }
}
