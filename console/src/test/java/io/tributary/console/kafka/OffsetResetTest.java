package io.tributary.console.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tributary.console.BadInput;
import io.tributary.console.kafka.OffsetReset.Strategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OffsetResetTest {
  /** The log holds offsets [10, 50); the group is at {@code current} (-1: nothing committed). */
  @ParameterizedTest(name = "{0} current={1} value={2} atTime={3} -> {4}")
  @CsvSource({
      "to-earliest, 30, 0, -1, 10",
      "to-latest, 30, 0, -1, 50",
      "to-offset, 30, 20, -1, 20",
      "to-offset, 30, 5, -1, 10",      // below the log: its start
      "to-offset, 30, 99, -1, 50",     // past the end: the end
      "shift-by, 30, -5, -1, 25",
      "shift-by, 30, -100, -1, 10",
      "shift-by, 30, 100, -1, 50",
      "shift-by, -1, 3, -1, 13",       // no commit: shifted from the start
      "to-datetime, 30, 0, 42, 42",
      "to-datetime, 30, 0, -1, 50",    // no record that new: the end
  })
  void targetStaysInsideTheLog(String strategy, long current, long value, long atTime, long expected) {
    assertEquals(expected, OffsetReset.target(Strategy.of(strategy), current, 10, 50, value, atTime));
  }

  @Test
  void unknownStrategiesAndTimesAreBadInput() {
    assertThrows(BadInput.class, () -> Strategy.of("to-somewhere"));
    assertThrows(BadInput.class, () -> OffsetReset.parseTime("yesterday"));
    assertEquals(1_714_564_800_000L, OffsetReset.parseTime("2024-05-01T12:00:00Z"));
  }
}
