package io.tributary.console.kafka;

import io.tributary.console.BadInput;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Where a group's offset goes when it is reset, by the strategies of {@code kafka-consumer-groups --reset-offsets}:
 * to the earliest or latest offset, to an offset, shifted by N, or to the first offset at or after a time. The
 * result is always inside the partition's log: [earliest, latest].
 */
public final class OffsetReset {
  /** The strategies, with Kafka's option names. */
  public enum Strategy {
    TO_EARLIEST("to-earliest"), TO_LATEST("to-latest"), TO_OFFSET("to-offset"), SHIFT_BY("shift-by"),
    TO_DATETIME("to-datetime");

    private final String option;

    Strategy(String option) {
      this.option = option;
    }

    public String option() {
      return option;
    }

    public static Strategy of(String option) {
      for (Strategy s : values()) {
        if (s.option.equals(option)) {
          return s;
        }
      }
      throw new BadInput("no reset strategy '" + option + "' (to-earliest, to-latest, to-offset, shift-by, to-datetime)");
    }

    /** Whether the strategy needs a value (an offset, a shift or a time). */
    public boolean needsValue() {
      return this == TO_OFFSET || this == SHIFT_BY || this == TO_DATETIME;
    }
  }

  private OffsetReset() {}

  /**
   * The new offset of one partition.
   *
   * @param current the committed offset, or -1 when the group has none there (a shift then starts at earliest)
   * @param value the offset (to-offset), the shift (shift-by), unused otherwise
   * @param atTime the first offset at or after the asked time (to-datetime), or -1 when no record is that new
   */
  public static long target(Strategy strategy, long current, long earliest, long latest, long value, long atTime) {
    if (earliest > latest) {
      throw new IllegalArgumentException("earliest " + earliest + " > latest " + latest);
    }
    long wanted = switch (strategy) {
      case TO_EARLIEST -> earliest;
      case TO_LATEST -> latest;
      case TO_OFFSET -> value;
      case SHIFT_BY -> (current < 0 ? earliest : current) + value;
      case TO_DATETIME -> atTime < 0 ? latest : atTime;
    };
    return Math.max(earliest, Math.min(latest, wanted));
  }

  /** An ISO-8601 time ({@code 2024-05-01T12:00:00Z}) as epoch milliseconds, for to-datetime. */
  public static long parseTime(String text) {
    try {
      return Instant.parse(text.strip()).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new BadInput("'" + text + "' is not a time such as 2024-05-01T12:00:00Z");
    }
  }
}
