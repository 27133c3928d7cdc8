package io.tributary.console.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CounterWindowTest {
  private static final long WINDOW_MS = 60_000;

  @Test
  void aRateIsOverTheLastWindowNotSinceTheStart() {
    CounterWindow<String> w = new CounterWindow<>(WINDOW_MS);
    w.record("a", 0, 0);
    w.record("a", 6_000, 60_000);   // 100/s in the first minute
    w.record("a", 6_000, 120_000);  // then nothing for a minute
    assertEquals(0.0, w.perSecond("a").getAsDouble(), 1e-9, "the first minute is out of the window");
  }

  @Test
  void twoLooksFurtherApartThanTheWindowStillGiveTheirRate() {
    CounterWindow<String> w = new CounterWindow<>(WINDOW_MS);
    w.record("a", 0, 0);
    w.record("a", 3_000, 300_000);
    assertEquals(10.0, w.perSecond("a").getAsDouble(), 1e-9);
  }

  @Test
  void theSameReportReadTwiceIsOneSample() {
    CounterWindow<String> w = new CounterWindow<>(WINDOW_MS);
    w.record("a", 10, 1_000);
    w.record("a", 10, 1_000);
    assertTrue(w.perSecond("a").isEmpty(), "one report is no rate");
    w.record("a", 30, 3_000);
    assertEquals(10.0, w.perSecond("a").getAsDouble(), 1e-9);
  }

  @Test
  void keysAreApartAndForgottenWhenNoLongerSampled() {
    CounterWindow<String> w = new CounterWindow<>(WINDOW_MS);
    w.record("a", 0, 0);
    w.record("a", 10, 1_000);
    w.record("b", 0, 100_000);
    w.record("b", 50, 101_000);
    w.forgetOlderThan(101_000);
    assertTrue(w.perSecond("a").isEmpty(), "a was last seen more than a window ago");
    assertEquals(50.0, w.perSecond("b").getAsDouble(), 1e-9);
    assertThrows(IllegalArgumentException.class, () -> new CounterWindow<String>(0));
  }
}
