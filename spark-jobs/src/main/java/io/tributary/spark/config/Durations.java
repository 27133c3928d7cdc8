package io.tributary.spark.config;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as written in job files: {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}, {@code 1d}, {@code 10 seconds}. */
public final class Durations {
  private static final Pattern FORMAT = Pattern.compile("([0-9]+)\\s*([a-z]+)");
  private static final Map<String, Long> UNIT_MS = Map.ofEntries(
      Map.entry("ms", 1L), Map.entry("milli", 1L), Map.entry("millis", 1L), Map.entry("millisecond", 1L),
      Map.entry("milliseconds", 1L),
      Map.entry("s", 1000L), Map.entry("sec", 1000L), Map.entry("second", 1000L), Map.entry("seconds", 1000L),
      Map.entry("m", 60_000L), Map.entry("min", 60_000L), Map.entry("minute", 60_000L), Map.entry("minutes", 60_000L),
      Map.entry("h", 3_600_000L), Map.entry("hour", 3_600_000L), Map.entry("hours", 3_600_000L),
      Map.entry("d", 86_400_000L), Map.entry("day", 86_400_000L), Map.entry("days", 86_400_000L));

  private Durations() {}

  /** Milliseconds, or -1 when {@code text} is not a duration. */
  public static long parseMs(String text) {
    Matcher m = FORMAT.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      return -1;
    }
    Long unit = UNIT_MS.get(m.group(2));
    if (unit == null || m.group(1).length() > 12) {
      return -1;
    }
    return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
  }

  /** Spark's interval syntax, as window() and Trigger take it: {@code "60000 milliseconds"}. */
  public static String spark(long ms) {
    return ms + " milliseconds";
  }
}
