package io.tributary.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.bench.ChangeWorkload.Change;
import io.tributary.bench.ChangeWorkload.Kind;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The CDC benchmark's load decisions, replayed against a model of the table's live ids. */
class ChangeWorkloadTest {

  @Test
  void everyChangeIsValidAgainstTheLiveIds() {
    ChangeWorkload w = new ChangeWorkload(18, 1000);
    Set<Integer> live = new HashSet<>();
    for (int id = 1; id <= 1000; id++) {
      live.add(id);
    }
    Map<Kind, Integer> kinds = new EnumMap<>(Kind.class);
    for (int i = 0; i < 20_000; i++) {
      Change c = w.next();
      kinds.merge(c.kind(), 1, Integer::sum);
      switch (c.kind()) {
        case INSERT -> assertTrue(live.add(c.id()), "insert of a live id " + c.id());
        case UPDATE -> assertTrue(live.contains(c.id()), "update of a missing id " + c.id());
        case DELETE -> assertTrue(live.remove(c.id()), "delete of a missing id " + c.id());
      }
      if (c.kind() != Kind.DELETE) {
        assertTrue(c.qty() >= 0 && c.qty() < ChangeWorkload.MAX_QTY, "qty " + c.qty());
        assertTrue(c.price().matches("\\d{1,3}\\.\\d{2}"), "price " + c.price());
      }
    }
    assertEquals(live.size(), w.liveRows());
    // 3 : 5 : 2 of every 10, within a few percent over 20,000 draws
    assertEquals(0.3, kinds.get(Kind.INSERT) / 20_000.0, 0.02);
    assertEquals(0.5, kinds.get(Kind.UPDATE) / 20_000.0, 0.02);
    assertEquals(0.2, kinds.get(Kind.DELETE) / 20_000.0, 0.02);
  }

  @Test
  void anEmptyTableGetsInsertsAndIdsStartAfterTheInitialRows() {
    // table: initial rows -> the first insert's id
    int[][] cases = {{0, 1}, {1, 2}, {5000, 5001}};
    for (int[] c : cases) {
      ChangeWorkload w = new ChangeWorkload(7, c[0]);
      Change first;
      do {
        first = w.next();
      } while (first.kind() != Kind.INSERT);
      assertEquals(c[1], first.id(), "initial rows " + c[0]);
    }
    Change onEmpty = new ChangeWorkload(7, 0).next();
    assertEquals(Kind.INSERT, onEmpty.kind(), "nothing to update or delete in an empty table");
  }

  @Test
  void theSameSeedGivesTheSameChanges() {
    ChangeWorkload a = new ChangeWorkload(42, 100);
    ChangeWorkload b = new ChangeWorkload(42, 100);
    for (int i = 0; i < 1000; i++) {
      assertEquals(a.next(), b.next());
    }
  }

  @Test
  void negativeInitialRowsAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ChangeWorkload(1, -1));
    assertTrue(e.getMessage().contains("-1"), e.getMessage());
  }
}
