package io.tributary.log.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.faults.DeliveryCheck.Position;
import io.tributary.log.faults.DeliveryCheck.Read;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeliveryCheckTest {
  private static final Map<String, Position> ACKED = Map.of("a", new Position(0, 0), "b", new Position(1, 0));

  /** One case: what the consumers read, and the expected {lost, duplicated, abortedVisible, offsetMismatch}. */
  private record Case(String name, Set<String> aborted, List<Read> committed, List<Read> uncommitted, int[] expected) {}

  @Test
  void table() {
    Read a = new Read("a", 0, 0);
    Read b = new Read("b", 1, 0);
    Read x = new Read("x", 0, 1); // aborted
    Read u = new Read("u", 0, 2); // fate unknown (not acknowledged, not aborted)
    List<Case> cases = List.of(
        new Case("all read once", Set.of(), List.of(a, b), List.of(a, b), new int[] {0, 0, 0, 0}),
        new Case("aborted only in read_uncommitted", Set.of("x"), List.of(a, b), List.of(a, x, b), new int[] {0, 0, 0, 0}),
        new Case("unknown fate read once", Set.of(), List.of(a, u, b), List.of(a, u, b), new int[] {0, 0, 0, 0}),
        new Case("missing in read_committed", Set.of(), List.of(a), List.of(a, b), new int[] {1, 0, 0, 0}),
        new Case("missing in both", Set.of(), List.of(a), List.of(a), new int[] {1, 0, 0, 0}),
        new Case("at another offset", Set.of(), List.of(a, new Read("b", 1, 5)), List.of(a, new Read("b", 1, 5)),
            new int[] {1, 0, 0, 0}),
        new Case("read twice (so also at other offsets than the other consumer)", Set.of(), List.of(a, b, new Read("b", 1, 1)),
            List.of(a, b), new int[] {0, 1, 0, 1}),
        new Case("unknown fate read twice", Set.of(), List.of(a, b, u, new Read("u", 0, 3)), List.of(a, b, u),
            new int[] {0, 1, 0, 1}),
        new Case("aborted visible", Set.of("x"), List.of(a, x, b), List.of(a, x, b), new int[] {0, 0, 1, 0}),
        new Case("offsets differ between consumers", Set.of(), List.of(a, b, u), List.of(a, b, new Read("u", 0, 9)),
            new int[] {0, 0, 0, 1}));
    for (Case c : cases) {
      DeliveryCheck.Result r = DeliveryCheck.check(ACKED, c.aborted(), c.committed(), c.uncommitted());
      assertEquals(List.of(c.expected()[0], c.expected()[1], c.expected()[2], c.expected()[3]),
          List.of(r.lost(), r.duplicated(), r.abortedVisible(), r.offsetMismatch()), c.name() + ": " + r.examples());
      assertEquals(c.expected()[0] + c.expected()[1] + c.expected()[2] + c.expected()[3] == 0, r.clean(), c.name());
      assertTrue(r.clean() == r.examples().isEmpty(), c.name() + ": an example names each problem: " + r.examples());
    }
  }
}
