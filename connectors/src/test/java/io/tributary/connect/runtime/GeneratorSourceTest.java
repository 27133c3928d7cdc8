package io.tributary.connect.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class GeneratorSourceTest {

  private static List<Map<String, Object>> all(long keys, long records, long seed) {
    GeneratorSource g = new GeneratorSource(keys, OptionalLong.of(records), seed, () -> 1_000L);
    List<Map<String, Object>> out = new ArrayList<>();
    while (g.hasNext()) {
      out.add(g.next());
    }
    return out;
  }

  @Test
  void sameSeedSameSequenceOtherSeedOtherValues() {
    assertEquals(all(50, 1000, 7), all(50, 1000, 7));
    assertNotEquals(all(50, 1000, 7), all(50, 1000, 8));
  }

  @Test
  void everyKeyThenUpdatesWithIncreasingSeq() {
    List<Map<String, Object>> events = all(100, 1000, 1);
    assertEquals(1000, events.size());
    Map<String, Long> lastSeq = new HashMap<>();
    Map<String, Integer> count = new HashMap<>();
    for (Map<String, Object> e : events) {
      assertEquals(List.of("key", "seq", "updatedAt", "region", "status", "amount"), List.copyOf(e.keySet()));
      String key = (String) e.get("key");
      long seq = (Long) e.get("seq");
      Long prev = lastSeq.put(key, seq);
      assertTrue(prev == null || prev < seq, "seq increases per key");
      count.merge(key, 1, Integer::sum);
    }
    assertEquals(100, lastSeq.size());
    assertTrue(count.values().stream().allMatch(c -> c == 10), "each key updated 10 times");
    // the first `keys` events create every key
    assertEquals(100, events.subList(0, 100).stream().map(e -> e.get("key")).distinct().count());
  }

  @Test
  void stopsAtRecordsUnboundedOtherwiseAndUsesTheClock() {
    AtomicLong clock = new AtomicLong(5);
    GeneratorSource g = new GeneratorSource(3, OptionalLong.of(2), 0, clock::get);
    assertEquals(5L, g.next().get("updatedAt"));
    clock.set(9);
    assertEquals(9L, g.next().get("updatedAt"));
    assertFalse(g.hasNext());
    assertThrows(java.util.NoSuchElementException.class, g::next);
    GeneratorSource u = new GeneratorSource(3, OptionalLong.empty(), 0, clock::get);
    for (int i = 0; i < 10_000; i++) {
      u.next();
    }
    assertTrue(u.hasNext());
    assertEquals(10_000, u.produced());
  }

  @Test
  void pacerHoldsTheRate() {
    AtomicLong now = new AtomicLong(0);
    Pacer p = new Pacer(100, now::get); // one token every 10 ms, burst of 100
    assertEquals(0, p.delayNanos()); // the first record at once
    long d = p.delayNanos();
    assertTrue(d > 0 && d <= 10_000_000, "waits about 10 ms, got " + d);
    now.addAndGet(d);
    assertEquals(0, p.delayNanos());
    // over 10 simulated seconds, about 1000 records
    int taken = 0;
    long end = now.get() + 10_000_000_000L;
    while (now.get() < end) {
      long w = p.delayNanos();
      if (w == 0) {
        taken++;
      } else {
        now.addAndGet(w);
      }
    }
    assertTrue(taken >= 999 && taken <= 1001, "taken " + taken);
    // a long pause saves up at most one second's worth
    now.addAndGet(60_000_000_000L);
    int burst = 0;
    while (p.delayNanos() == 0) {
      burst++;
    }
    assertEquals(100, burst);
    assertEquals(0, new Pacer(0, now::get).delayNanos());
  }
}
