package io.tributary.connect.worker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which live worker runs which pipeline: balanced (worker loads differ by at most one) and sticky (a pipeline
 * stays on its worker unless that worker is gone or holds more than its share). Pure and deterministic: the
 * same inputs give the same assignment on every leader.
 */
public final class Assignor {
  private Assignor() {}

  /**
   * @param workers the live workers
   * @param pipelines the pipelines to run
   * @param previous the last assignment (pipeline to worker); entries of dead workers or removed pipelines are
   *     ignored
   * @return pipeline to worker, for every pipeline when there is at least one worker, else empty
   */
  public static Map<String, String> assign(Collection<String> workers, Collection<String> pipelines,
      Map<String, String> previous) {
    TreeSet<String> live = new TreeSet<>(workers);
    TreeSet<String> todo = new TreeSet<>(pipelines);
    Map<String, String> out = new TreeMap<>();
    if (live.isEmpty() || todo.isEmpty()) {
      return out;
    }
    // what each live worker may keep
    Map<String, List<String>> kept = new HashMap<>();
    for (String w : live) {
      kept.put(w, new ArrayList<>());
    }
    for (String p : todo) {
      String owner = previous.get(p);
      if (owner != null && live.contains(owner)) {
        kept.get(owner).add(p);
      }
    }
    // shares: every worker gets `base`; `extra` of them one more, preferably those already holding more
    int base = todo.size() / live.size();
    int extra = todo.size() % live.size();
    List<String> byHeld = new ArrayList<>(live);
    byHeld.sort(Comparator.comparing((String w) -> -kept.get(w).size()).thenComparing(w -> w));
    Map<String, Integer> share = new HashMap<>();
    for (int i = 0; i < byHeld.size(); i++) {
      share.put(byHeld.get(i), base + (i < extra ? 1 : 0));
    }
    Map<String, Integer> load = new HashMap<>();
    for (String w : live) {
      List<String> mine = kept.get(w); // sorted, since todo is
      int keep = Math.min(mine.size(), share.get(w));
      for (int i = 0; i < keep; i++) {
        out.put(mine.get(i), w);
        todo.remove(mine.get(i));
      }
      load.put(w, keep);
    }
    // the rest (new, orphaned, or beyond a worker's share) to the least loaded worker with room
    for (String p : todo) {
      String target = null;
      for (String w : live) {
        if (load.get(w) < share.get(w) && (target == null || load.get(w) < load.get(target))) {
          target = w;
        }
      }
      out.put(p, target);
      load.merge(target, 1, Integer::sum);
    }
    return out;
  }
}
