package io.tributary.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Fast unit tests of the percentile and verification code; nothing here starts a broker. */
class LatencyStatsTest {

  @Test
  void percentilesOfAUniformSpreadAreWithinHistogramPrecision() {
    LatencyStats s = new LatencyStats();
    for (int ms = 1; ms <= 1000; ms++) {
      s.recordNanos(ms * 1_000_000L);
    }
    assertEquals(1000, s.count());
    assertEquals(500, s.percentileMs(50), 0.5);
    assertEquals(990, s.percentileMs(99), 1.0);
    assertEquals(1000, s.percentileMs(100), 1.0);
    assertEquals(1000, s.maxMs(), 1.0);
    assertEquals(500.5, s.meanMs(), 0.5);
  }

  @Test
  void addMergesAnotherWritersLatencies() {
    LatencyStats a = new LatencyStats();
    LatencyStats b = new LatencyStats();
    for (int ms = 1; ms <= 500; ms++) {
      a.recordNanos(ms * 1_000_000L);
      b.recordNanos((500 + ms) * 1_000_000L);
    }
    a.add(b);
    assertEquals(1000, a.count());
    assertEquals(500, a.percentileMs(50), 0.5);
    assertEquals(1000, a.maxMs(), 1.0);
    assertEquals(500, b.count(), "the added histogram is left as it was");
  }

  @Test
  void emptyAndOutOfRangeInputs() {
    LatencyStats s = new LatencyStats();
    assertTrue(Double.isNaN(s.percentileMs(50)));
    assertThrows(IllegalArgumentException.class, () -> s.percentileMs(101));
    s.recordNanos(10); // below 1 µs: clamped to 1 µs
    s.recordNanos(Long.MAX_VALUE); // beyond 1 h: clamped to 1 h
    assertEquals(0.001, s.percentileMs(0), 1e-9);
    assertEquals(3_600_000, s.maxMs(), 3_600);
  }

  @Test
  void orderCheckAcceptsOrderedRecordsAndReportsProblems() {
    ProduceConsumeBench.OrderCheck ok = new ProduceConsumeBench.OrderCheck(2, 4);
    ok.accept(0, 0, seq(0));
    ok.accept(1, 0, seq(1));
    ok.accept(0, 1, seq(2));
    ok.accept(1, 1, seq(3));
    assertEquals("", ok.problems(0));

    ProduceConsumeBench.OrderCheck bad = new ProduceConsumeBench.OrderCheck(1, 3);
    bad.accept(0, 0, seq(1));
    bad.accept(0, 1, seq(0)); // out of order within the partition
    bad.accept(0, 2, seq(1)); // duplicate (in order again within the partition)
    String problems = bad.problems(0);
    assertTrue(problems.contains("missing 1"), problems);
    assertTrue(problems.contains("duplicates 1"), problems);
    assertTrue(problems.contains("out of order 1"), problems);
    assertTrue(problems.contains("partition 0 offset 1"), problems);
  }

  @Test
  void medianOverRuns() {
    java.util.List<WorkloadResult> runs = new java.util.ArrayList<>();
    for (long nanos : new long[] {3_000_000_000L, 1_000_000_000L, 2_000_000_000L}) {
      PhaseResult p = new PhaseResult(1_000, 100_000, nanos, null);
      runs.add(new WorkloadResult("s", "d", p, p, null, "ok"));
    }
    assertEquals(500, Report.median(runs, r -> r.produce().recordsPerSec()), 1e-9);
    assertEquals(2000.0 / 3, Report.median(runs.subList(0, 2), r -> r.produce().recordsPerSec()), 1e-9);
    assertTrue(Double.isNaN(Report.median(java.util.List.of(), r -> 1.0)));
  }

  private static byte[] seq(long s) {
    return ByteBuffer.allocate(100).putLong(0, s).array();
  }
}
