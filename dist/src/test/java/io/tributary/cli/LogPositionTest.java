package io.tributary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Positions in a log [start, end): the offset group reset-offsets computes (as kafka-consumer-groups.sh), the
 * datetimes it reads, and consume's start options.
 */
class LogPositionTest {

  private static LogPosition target(String kind, long arg) {
    return switch (kind) {
      case "earliest" -> new LogPosition.Earliest();
      case "latest" -> new LogPosition.Latest();
      case "offset" -> new LogPosition.AtOffset(arg);
      case "datetime" -> new LogPosition.AtTime(arg);
      default -> throw new IllegalArgumentException(kind);
    };
  }

  @ParameterizedTest(name = "{0} {1} on [{2},{3}) (for time: {4}) -> {5}")
  @CsvSource(nullValues = "null", value = {
      // kind,   arg, start, end, forTime, expected
      "earliest,   0,    5,  20,    null,    5",
      "latest,     0,    5,  20,    null,   20",
      "offset,    12,    5,  20,    null,   12",
      "offset,     2,    5,  20,    null,    5",   // before the log start: clamped up
      "offset,    99,    5,  20,    null,   20",   // past the end: clamped down
      "offset,    20,    5,  20,    null,   20",
      "datetime, 1000,   5,  20,      9,    9",
      "datetime, 1000,   5,  20,    null,   20",   // no record that recent: the end
      "earliest,   0,    0,   0,    null,    0",   // empty log
      "offset,     3,    0,   0,    null,    0",
  })
  void resolve(String kind, long arg, long start, long end, Long forTime, long expected) {
    assertEquals(expected, target(kind, arg).resolve(start, end, forTime));
  }

  @Test
  void aLogStartAfterItsEndIsAnError() {
    assertThrows(IllegalArgumentException.class, () -> new LogPosition.Earliest().resolve(5, 4, null));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "2026-01-31T08:00:00Z,            1769846400000",
      "2026-01-31T08:00:00.250Z,        1769846400250",
      "2026-01-31T09:00:00+01:00,       1769846400000",
      "2026-01-31T08:00:00,             1769846400000",   // no zone: the local zone (UTC in this test)
      "2026-01-31T08:00,                1769846400000",
      "2026-01-31T08:00:00.000,         1769846400000",
  })
  void parseDatetime(String text, long epochMs) {
    assertEquals(epochMs, LogPosition.parseDatetime(text, ZoneOffset.UTC));
  }

  @Test
  void anUnreadableDatetimeIsAUsageError() {
    CliException e = assertThrows(CliException.class,
        () -> LogPosition.parseDatetime("yesterday", ZoneId.of("UTC")));
    assertEquals(2, e.exitCode());
  }

  @ParameterizedTest(name = "from-beginning={0} offset={1} from-timestamp={2} -> {3}")
  @CsvSource(nullValues = "null", value = {
      "false, null,      null,                  Latest[]",
      "true,  null,      null,                  Earliest[]",
      "false, earliest,  null,                  Earliest[]",
      "false, beginning, null,                  Earliest[]",
      "false, latest,    null,                  Latest[]",
      "false, end,       null,                  Latest[]",
      "false, 42,        null,                  AtOffset[offset=42]",
      "false, null,      1769846400000,         AtTime[epochMs=1769846400000]",
  })
  void consumeStart(boolean fromBeginning, String offset, String fromTimestamp, String expected) {
    assertEquals(expected, ConsumeStart.of(fromBeginning, offset, fromTimestamp).toString());
  }

  @ParameterizedTest(name = "from-beginning={0} offset={1} from-timestamp={2} is refused")
  @CsvSource(nullValues = "null", value = {
      "true,  5,    null",
      "false, 5,    1000",
      "false, -1,   null",
      "false, soon, null",
  })
  void consumeStartRefuses(boolean fromBeginning, String offset, String fromTimestamp) {
    CliException e = assertThrows(CliException.class, () -> ConsumeStart.of(fromBeginning, offset, fromTimestamp));
    assertEquals(2, e.exitCode());
  }
}
