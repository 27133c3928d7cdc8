package io.tributary.connect.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AssignorTest {

  record Case(String name, List<String> workers, List<String> pipelines, Map<String, String> previous,
      Map<String, String> expected) {}

  static Map<String, String> m(String... kv) {
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      out.put(kv[i], kv[i + 1]);
    }
    return out;
  }

  @Test
  void table() {
    List<Case> cases = List.of(
        new Case("no workers: nothing runs", List.of(), List.of("a", "b"), m("a", "w1"), m()),
        new Case("no pipelines", List.of("w1"), List.of(), m(), m()),
        new Case("fresh: round robin by name", List.of("w2", "w1"), List.of("d", "c", "b", "a"), m(),
            m("a", "w1", "b", "w2", "c", "w1", "d", "w2")),
        new Case("unchanged inputs: unchanged assignment", List.of("w1", "w2"), List.of("a", "b", "c"),
            m("a", "w2", "b", "w1", "c", "w2"), m("a", "w2", "b", "w1", "c", "w2")),
        new Case("a new pipeline goes to the least loaded worker", List.of("w1", "w2"), List.of("a", "b", "c"),
            m("a", "w1", "b", "w1"), m("a", "w1", "b", "w1", "c", "w2")),
        new Case("a dead worker's pipelines move, the others stay", List.of("w1", "w3"),
            List.of("a", "b", "c", "d", "e", "f"),
            m("a", "w1", "b", "w2", "c", "w3", "d", "w1", "e", "w2", "f", "w3"),
            m("a", "w1", "b", "w1", "c", "w3", "d", "w1", "e", "w3", "f", "w3")),
        new Case("the two-worker failover: w1 dies", List.of("w2"), List.of("p1", "p2"), m("p1", "w1", "p2", "w2"),
            m("p1", "w2", "p2", "w2")),
        new Case("a joining worker takes only the excess (the last by name)", List.of("w1", "w2"),
            List.of("a", "b", "c", "d"), m("a", "w1", "b", "w1", "c", "w1", "d", "w1"),
            m("a", "w1", "b", "w1", "c", "w2", "d", "w2")),
        new Case("uneven: the worker holding more keeps the extra one", List.of("w1", "w2"), List.of("a", "b", "c"),
            m("a", "w2", "b", "w2", "c", "w2"), m("a", "w2", "b", "w2", "c", "w1")),
        new Case("removed pipelines and unknown workers in the previous assignment are ignored", List.of("w1"),
            List.of("a"), m("a", "w9", "gone", "w1"), m("a", "w1")),
        new Case("more workers than pipelines: idle workers", List.of("w1", "w2", "w3"), List.of("a"),
            m("a", "w3"), m("a", "w3")));
    for (Case c : cases) {
      assertEquals(c.expected(), Assignor.assign(c.workers(), c.pipelines(), c.previous()), c.name());
    }
  }

  /** Random inputs: everything assigned to live workers, loads within one, and as few moves as balance allows. */
  @Test
  void balancedAndStickyOnRandomInputs() {
    Random random = new Random(7);
    for (int round = 0; round < 2000; round++) {
      List<String> workers = names("w", 1 + random.nextInt(6), random);
      List<String> pipelines = names("p", random.nextInt(20), random);
      Map<String, String> previous = new HashMap<>();
      List<String> everyWorker = List.of("w0", "w1", "w2", "w3", "w4", "w5", "w6");
      for (String p : pipelines) {
        if (random.nextInt(4) > 0) {
          previous.put(p, everyWorker.get(random.nextInt(everyWorker.size())));
        }
      }
      Map<String, String> a = Assignor.assign(workers, pipelines, previous);
      String ctx = workers + " " + pipelines + " " + previous + " -> " + a;
      assertEquals(new TreeSet<>(pipelines), new TreeSet<>(a.keySet()), ctx);
      assertTrue(workers.containsAll(a.values()), ctx);
      Map<String, Long> load = workers.stream().collect(Collectors.toMap(w -> w,
          w -> a.values().stream().filter(w::equals).count()));
      long max = load.values().stream().mapToLong(Long::longValue).max().orElse(0);
      long min = load.values().stream().mapToLong(Long::longValue).min().orElse(0);
      assertTrue(max - min <= 1, "balanced: " + ctx);
      // sticky: no live worker loses a pipeline while holding no more than the smallest share
      int base = pipelines.size() / workers.size();
      for (String p : pipelines) {
        String before = previous.get(p);
        if (before != null && workers.contains(before) && !before.equals(a.get(p))) {
          long heldBefore = pipelines.stream().filter(q -> before.equals(previous.get(q))).count();
          assertTrue(heldBefore > base, "moved " + p + " from " + before + " needlessly: " + ctx);
        }
      }
      List<String> reversed = new ArrayList<>(workers);
      java.util.Collections.reverse(reversed);
      assertEquals(a, Assignor.assign(reversed, pipelines, previous), "order-free: " + ctx);
    }
  }

  private static List<String> names(String prefix, int n, Random random) {
    Set<String> out = new TreeSet<>();
    while (out.size() < n) {
      out.add(prefix + random.nextInt(prefix.equals("w") ? 7 : 40));
    }
    return new ArrayList<>(out);
  }
}
