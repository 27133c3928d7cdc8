package io.tributary.config;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Suggestions for a mistyped key: the known key nearest to what was written. */
public final class DidYouMean {
  private DidYouMean() {}

  /** A known name and its edit distance from what was written. */
  public record Match(String name, int distance) {}

  /** The name of {@code known} nearest to {@code typed} (the first of equally near ones), if there is any. */
  public static Optional<Match> nearest(String typed, Collection<String> known) {
    Match best = null;
    for (String name : known) {
      int d = distance(typed, name);
      if (best == null || d < best.distance()) {
        best = new Match(name, d);
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * Why {@code typed} is not one of {@code known}, as YAML files say it: a nested key where keys are written
   * flat, a near miss (within a third of the key's length, at least 2 edits), or the list of keys.
   */
  public static String unknownKey(String typed, List<String> known) {
    for (String name : known) {
      if (name.startsWith(typed + ".")) {
        return "unknown key (did you mean '" + name + "'? keys are written flat, not nested)";
      }
    }
    Optional<Match> near = nearest(typed.toLowerCase(Locale.ROOT), known);
    if (near.isPresent() && near.get().distance() <= Math.max(2, near.get().name().length() / 3)) {
      return "unknown key (did you mean '" + near.get().name() + "'?)";
    }
    return "unknown key" + (known.isEmpty() ? "" : " (expected one of: " + String.join(", ", known) + ")");
  }

  /** Levenshtein distance: the fewest single-character edits that turn {@code a} into {@code b}. */
  public static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] swap = prev;
      prev = cur;
      cur = swap;
    }
    return prev[b.length()];
  }
}
