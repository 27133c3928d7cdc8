package io.tributary.console.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CounterRateTest {
  /**
   * Samples as {@code value@seconds} separated by spaces, oldest first; the expected rate per second, or "none".
   */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "''                      | none",   // nothing seen yet
      "100@0                   | none",   // one look: no rate yet
      "100@0 100@0             | none",   // no time between the looks
      "100@0 100@10            | 0",      // nothing happened
      "100@0 200@10            | 10",
      "100@0 150@5 250@10      | 15",     // the whole span, not the last step
      "500@0 30@10             | 3",      // the broker restarted: counted from 0, never negative
      "100@0 300@10 50@20 150@35 | 10",   // +200, restart +50, +100 over 35 s
      "0@0 1@1000              | 0.001",
  })
  void rateOfACounter(String samples, String expected) {
    OptionalDouble rate = CounterRate.perSecond(parse(samples));
    if (expected.equals("none")) {
      assertTrue(rate.isEmpty(), "no rate expected: " + rate);
    } else {
      assertEquals(Double.parseDouble(expected), rate.getAsDouble(), 1e-9);
    }
  }

  static List<CounterRate.Sample> parse(String samples) {
    List<CounterRate.Sample> out = new ArrayList<>();
    for (String s : samples.strip().split("\\s+")) {
      if (!s.isEmpty()) {
        String[] v = s.split("@");
        out.add(new CounterRate.Sample(Double.parseDouble(v[0]), Long.parseLong(v[1]) * 1000));
      }
    }
    return out;
  }
}
