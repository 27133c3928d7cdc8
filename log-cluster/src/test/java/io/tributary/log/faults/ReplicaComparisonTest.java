package io.tributary.log.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.faults.ReplicaComparison.Batch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplicaComparisonTest {
  private static Batch batch(long base, long last, int fill) {
    return new Batch(base, last, new byte[] {(byte) base, (byte) last, (byte) fill});
  }

  private static Map<Integer, List<Batch>> replicas(List<Batch> r0, List<Batch> r1, List<Batch> r2) {
    Map<Integer, List<Batch>> m = new LinkedHashMap<>();
    m.put(0, r0);
    m.put(1, r1);
    m.put(2, r2);
    return m;
  }

  /** One case: the replicas, the high watermark, and the expected number of differences. */
  private record Case(String name, Map<Integer, List<Batch>> replicas, long highWatermark, int differences) {}

  @Test
  void table() {
    List<Batch> log = List.of(batch(0, 4, 0), batch(5, 9, 0), batch(10, 10, 0));
    List<Batch> divergentTail = List.of(batch(0, 4, 0), batch(5, 9, 0), batch(10, 12, 7));
    List<Batch> divergentMiddle = List.of(batch(0, 4, 0), batch(5, 9, 1), batch(10, 10, 0));
    List<Batch> short1 = List.of(batch(0, 4, 0));
    List<Case> cases = List.of(
        new Case("identical", replicas(log, log, log), 11, 0),
        new Case("a different tail above the high watermark", replicas(log, log, divergentTail), 10, 0),
        new Case("a different tail below it", replicas(log, log, divergentTail), 11, 2),
        new Case("a different batch in the middle", replicas(log, divergentMiddle, log), 10, 1),
        new Case("a replica short of the high watermark", replicas(log, log, short1), 10, 2),
        new Case("empty partition", replicas(List.of(), List.of(), List.of()), 0, 0),
        new Case("all empty but a high watermark", replicas(List.of(), List.of(), List.of()), 3, 3));
    for (Case c : cases) {
      List<String> d = ReplicaComparison.differences(c.replicas(), c.highWatermark());
      assertEquals(c.differences(), d.size(), c.name() + ": " + d);
      d.forEach(line -> assertTrue(line.startsWith("broker "), "each difference names the broker: " + line));
    }
  }
}
