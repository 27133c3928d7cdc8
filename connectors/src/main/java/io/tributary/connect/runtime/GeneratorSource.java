package io.tributary.connect.runtime;

import io.tributary.connect.Source;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * Synthetic keyed events with updates ({@code source.type: generator}). Event {@code i} (from 0) has the key
 * {@code i % keys}, so the first {@code keys} events create every key and later ones update them; its
 * {@code seq} is {@code i}, so per key {@code seq} strictly increases. Values (region, status, amount) come
 * from a random generator seeded with {@code seed}: the same seed and clock give the same events.
 *
 * <p>Each event is a mutable map, in field order: {@code key} (string), {@code seq} (long), {@code updatedAt}
 * (long, ms from the clock), {@code region} (string), {@code status} (string), {@code amount} (double). Not
 * thread-safe. Pacing is separate ({@link Pacer}).
 */
public final class GeneratorSource {
  static final String[] REGIONS = {"eu", "us", "apac", "latam"};
  static final String[] STATUSES = {"NEW", "PAID", "SHIPPED", "DELIVERED", "CANCELLED"};

  private final long keys;
  private final OptionalLong records;
  private final SplittableRandom random;
  private final LongSupplier clockMillis;
  private final int keyWidth;
  private long next;

  public GeneratorSource(Source.Generator config, LongSupplier clockMillis) {
    this(config.keys(), config.records(), config.seed(), clockMillis);
  }

  public GeneratorSource(long keys, OptionalLong records, long seed, LongSupplier clockMillis) {
    if (keys < 1) {
      throw new IllegalArgumentException("keys must be at least 1, got " + keys);
    }
    this.keys = keys;
    this.records = records;
    this.random = new SplittableRandom(seed);
    this.clockMillis = clockMillis;
    this.keyWidth = Math.max(6, Long.toString(keys - 1).length());
  }

  /** Whether another event is to come ({@code records} not reached). */
  public boolean hasNext() {
    return records.isEmpty() || next < records.getAsLong();
  }

  /** Number of events made so far. */
  public long produced() {
    return next;
  }

  /** The key of event number {@code i}. */
  public String keyOf(long i) {
    return "key-" + String.format("%0" + keyWidth + "d", i % keys);
  }

  /** The next event. */
  public Map<String, Object> next() {
    if (!hasNext()) {
      throw new NoSuchElementException("all " + records.getAsLong() + " records were generated");
    }
    long i = next++;
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("key", keyOf(i));
    r.put("seq", i);
    r.put("updatedAt", clockMillis.getAsLong());
    r.put("region", REGIONS[random.nextInt(REGIONS.length)]);
    r.put("status", STATUSES[random.nextInt(STATUSES.length)]);
    r.put("amount", random.nextInt(1_000_000) / 100.0);
    return r;
  }
}
