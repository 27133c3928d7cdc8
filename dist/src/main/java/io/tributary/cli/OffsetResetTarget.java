package io.tributary.cli;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/**
 * Where {@code group reset-offsets} moves a partition's committed offset, with the rules of Kafka's
 * kafka-consumer-groups.sh: an offset outside the log is clamped to its start or end; a datetime with no
 * record at or after it resolves to the end of the log.
 */
sealed interface OffsetResetTarget {
  record Earliest() implements OffsetResetTarget {}

  record Latest() implements OffsetResetTarget {}

  record ToOffset(long offset) implements OffsetResetTarget {}

  /** The first record whose timestamp is at or after {@code epochMs}. */
  record ToDatetime(long epochMs) implements OffsetResetTarget {}

  /**
   * The new offset of one partition.
   *
   * @param logStart the partition's earliest offset
   * @param logEnd the partition's log end offset
   * @param offsetForTime for {@link ToDatetime}: the broker's answer to ListOffsets by timestamp, or null when no
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
    if (this instanceof ToOffset o) {
      return Math.max(logStart, Math.min(logEnd, o.offset()));
    }
    return offsetForTime == null ? logEnd : Math.max(logStart, Math.min(logEnd, offsetForTime));
  }

  /**
   * Kafka's {@code --to-datetime} format, {@code YYYY-MM-DDTHH:mm:SS.sss}, seconds and milliseconds optional,
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
