package io.tributary.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What the read_committed read back accepts: every committed sequence number exactly once, nothing else. */
class CommittedRecordsCheckTest {

  private record Case(String name, long expected, long[] read, boolean complete, List<String> problemParts) {}

  @Test
  void table() {
    List<Case> cases = List.of(
        new Case("all once, any order", 4, new long[] {2, 0, 3, 1}, true, List.of()),
        new Case("nothing committed, nothing read", 0, new long[] {}, true, List.of()),
        new Case("one missing", 4, new long[] {0, 1, 3}, false,
            List.of("read 3 records for 4 committed", "missing 1", "first missing sequence 2")),
        new Case("a duplicate", 3, new long[] {0, 1, 1, 2}, true,
            List.of("duplicates 1", "sequence 1 read twice (again at partition 0 offset 2)")),
        new Case("a record never committed (e.g. an aborted one)", 2, new long[] {0, 1, 7}, true,
            List.of("never committed 1", "sequence 7 was never committed")),
        new Case("a value too short to hold a sequence", 1, new long[] {0, -1}, true, List.of("never committed 1")));
    for (Case c : cases) {
      CommittedRecordsCheck check = new CommittedRecordsCheck(c.expected());
      for (int i = 0; i < c.read().length; i++) {
        check.accept(c.read()[i], 0, i);
      }
      assertEquals(c.read().length, check.received(), c.name());
      assertEquals(c.complete(), check.complete(), c.name());
      String problems = check.problems();
      if (c.problemParts().isEmpty()) {
        assertEquals("", problems, c.name());
      }
      for (String part : c.problemParts()) {
        assertTrue(problems.contains(part), c.name() + ": " + problems);
      }
    }
  }

  @Test
  void quotesAtMostFiveExamples() {
    CommittedRecordsCheck check = new CommittedRecordsCheck(1);
    for (int i = 0; i < 20; i++) {
      check.accept(100 + i, 0, i);
    }
    String problems = check.problems();
    assertTrue(problems.contains("sequence 104"), problems);
    assertFalse(problems.contains("sequence 105"), problems);
  }

  @Test
  void refusesACountItCannotTrack() {
    assertThrows(IllegalArgumentException.class, () -> new CommittedRecordsCheck(-1));
    assertThrows(IllegalArgumentException.class, () -> new CommittedRecordsCheck(Integer.MAX_VALUE + 1L));
  }
}
