package io.tributary.notebooks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Deterministic events of the quickstart's shape ({@code key, seq, updatedAt, region, status, amount}),
 * spread over a time span at a rate that rises and falls (so that charts over time have a shape). New keys
 * appear all along the span (so the table grows from commit to commit); the other events update a random
 * existing key. A key keeps its region: with Hudi's default (non-global) index a key that changed partition
 * would be stored twice.
 */
final class SampleEvents {
  static final String[] REGIONS = {"eu", "us", "apac", "latam"};
  /** The order a key goes through; {@code CANCELLED} may end it early. */
  static final String[] LIFECYCLE = {"NEW", "PAID", "SHIPPED", "DELIVERED"};

  /** One event; {@code seq} increases with {@code updatedAt}. */
  record Event(String key, long seq, long updatedAt, String region, String status, double amount) {}

  private SampleEvents() {}

  static List<Event> generate(int keys, int count, long startMillis, long spanMillis, long seed) {
    if (count < keys) {
      throw new IllegalArgumentException("count " + count + " < keys " + keys + ": every key is created once");
    }
    SplittableRandom random = new SplittableRandom(seed);
    long[] times = timesWithVaryingRate(count, startMillis, spanMillis, random);
    Map<String, Integer> versions = new HashMap<>();
    Map<String, String> regions = new HashMap<>();
    Map<String, Double> amounts = new HashMap<>();
    List<Event> events = new ArrayList<>(count);
    int created = 0;
    for (int i = 0; i < count; i++) {
      int keysLeft = keys - created;
      // create with probability keysLeft / eventsLeft: every key is created, evenly over the span
      boolean create = created == 0 || random.nextInt(count - i) < keysLeft;
      String key = String.format("key-%06d", create ? created++ : random.nextInt(created));
      int version = versions.merge(key, 1, Integer::sum) - 1;
      String region = regions.computeIfAbsent(key, k -> REGIONS[random.nextInt(REGIONS.length)]);
      double amount = amounts.computeIfAbsent(key, k -> random.nextInt(1_000_000) / 100.0);
      String status = version > 0 && random.nextInt(20) == 0
          ? "CANCELLED" : LIFECYCLE[Math.min(version, LIFECYCLE.length - 1)];
      events.add(new Event(key, i, times[i], region, status, amount));
    }
    return events;
  }

  /**
   * {@code count} sorted times in [start, start + span): drawn by rejection from a rate that goes through
   * two peaks, as traffic over a couple of hours would.
   */
  private static long[] timesWithVaryingRate(int count, long start, long span, SplittableRandom random) {
    long[] times = new long[count];
    int n = 0;
    while (n < count) {
      double u = random.nextDouble();
      double rate = 1 + 0.8 * Math.sin(2 * Math.PI * 2 * u);
      if (random.nextDouble() * 1.8 < rate) {
        times[n++] = start + (long) (u * span);
      }
    }
    java.util.Arrays.sort(times);
    return times;
  }
}
