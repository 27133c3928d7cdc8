package io.tributary.cli;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/**
 * A position in every partition of a log: where {@code group reset-offsets} moves a group's committed offsets
 * and where {@code consume} starts reading ({@link ConsumeStart}).
 */
sealed interface LogPosition {
  record Earliest() implements LogPosition {}

  record Latest() implements LogPosition {}

  record AtOffset(long offset) implements LogPosition {}

  /** The first record whose timestamp is at or after {@code epochMs}. */
  record AtTime(long epochMs) implements LogPosition {}

  /**
   * The offset of this position in one partition, with the rules of Kafka's kafka-consumer-groups.sh
   * {@code --reset-offsets}: an offset outside the log is clamped to its start or end; a time with no record at
   * or after it resolves to the end of the log.
   *
   * @param logStart the partition's earliest offset
   * @param logEnd the partition's log end offset
   * @param offsetForTime for {@link AtTime}: the broker's answer to ListOffsets by timestamp, or null when no
   *     record is that recent
   */
  default long resolve(long logStart, long logEnd, Long offsetForTime) {
    if (logStart > logEnd) {
      throw new IllegalArgumentException("log start " + logStart + " is after log end " + logEnd);
    }
    if (this instanceof Earliest) {
      return logStart;
    }
    if (this instanceof Latest) {
      return logEnd;
    }
    if (this instanceof AtOffset o) {
      return Math.max(logStart, Math.min(logEnd, o.offset()));
    }
    return offsetForTime == null ? logEnd : Math.max(logStart, Math.min(logEnd, offsetForTime));
  }

  /**
   * Kafka's {@code --to-datetime} format (also {@code consume --from-timestamp}), {@code YYYY-MM-DDTHH:mm:SS.sss}, seconds and milliseconds optional,
   * with an optional zone offset ({@code Z}, {@code +01:00}); without one, the local time zone.
   */
  static long parseDatetime(String text, ZoneId localZone) {
    try {
      return OffsetDateTime.parse(text).toInstant().toEpochMilli();
    } catch (DateTimeParseException withoutZone) {
      try {
        return LocalDateTime.parse(text).atZone(localZone).toInstant().toEpochMilli();
      } catch (DateTimeParseException e) {
        throw new CliException("--to-datetime: cannot read '" + text
            + "': expected YYYY-MM-DDTHH:mm:SS[.sss][Z|+HH:MM], e.g. 2026-01-31T08:00:00Z", 2);
      }
    }
  }
}
