package io.tributary.log.faults;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The delivery invariants of the fault run, a pure function of what producers were told and what consumers
 * read: every acknowledged record read exactly once, at its acknowledged offset, by the read_committed and the
 * read_uncommitted consumer; the same offset for a record in both; nothing aborted visible to read_committed.
 * Records whose fate the producer never learnt (a commit that failed with an unknown outcome) are only checked
 * for duplicates.
 */
final class DeliveryCheck {
  /** Where a record sits. */
  record Position(int partition, long offset) {}

  /** A record as a consumer returned it. */
  record Read(String value, int partition, long offset) {
    Position position() {
      return new Position(partition, offset);
    }
  }

  /**
   * Counts (each a number of distinct records) and up to {@link #EXAMPLES} examples of each for the message:
   * {@code lost} acknowledged but missing, or elsewhere than acknowledged, in either consumer;
   * {@code duplicated} read more than once by a consumer; {@code abortedVisible} aborted yet read by
   * read_committed; {@code offsetMismatch} read by both consumers at different positions.
   */
  record Result(int lost, int duplicated, int abortedVisible, int offsetMismatch, List<String> examples) {
    boolean clean() {
      return lost == 0 && duplicated == 0 && abortedVisible == 0 && offsetMismatch == 0;
    }
  }

  static final int EXAMPLES = 10;

  private DeliveryCheck() {}

  static Result check(Map<String, Position> acknowledged, Set<String> aborted, List<Read> readCommitted,
      List<Read> readUncommitted) {
    List<String> examples = new ArrayList<>();
    Map<String, List<Position>> committed = byValue(readCommitted);
    Map<String, List<Position>> uncommitted = byValue(readUncommitted);

    Set<String> lost = new LinkedHashSet<>();
    acknowledged.forEach((value, at) -> {
      for (Map<String, List<Position>> seen : List.of(committed, uncommitted)) {
        List<Position> where = seen.getOrDefault(value, List.of());
        if (!where.contains(at)) {
          if (lost.add(value)) {
            example(examples, "lost " + value + " acknowledged at " + at + ", read at " + where
                + (seen == committed ? " (read_committed)" : " (read_uncommitted)"));
          }
        }
      }
    });
    Set<String> duplicated = new LinkedHashSet<>();
    for (Map<String, List<Position>> seen : List.of(committed, uncommitted)) {
      seen.forEach((value, where) -> {
        if (where.size() > 1 && duplicated.add(value)) {
          example(examples, "duplicated " + value + " at " + where);
        }
      });
    }
    Set<String> abortedVisible = new LinkedHashSet<>();
    for (String value : aborted) {
      if (committed.containsKey(value) && abortedVisible.add(value)) {
        example(examples, "aborted " + value + " visible to read_committed at " + committed.get(value));
      }
    }
    Set<String> mismatch = new LinkedHashSet<>();
    committed.forEach((value, where) -> {
      List<Position> other = uncommitted.get(value);
      if (other != null && !other.equals(where) && mismatch.add(value)) {
        example(examples, value + " at " + where + " for read_committed but " + other + " for read_uncommitted");
      }
    });
    return new Result(lost.size(), duplicated.size(), abortedVisible.size(), mismatch.size(), List.copyOf(examples));
  }

  private static Map<String, List<Position>> byValue(List<Read> reads) {
    Map<String, List<Position>> out = new HashMap<>();
    for (Read r : reads) {
      out.computeIfAbsent(r.value(), v -> new ArrayList<>()).add(r.position());
    }
    return out;
  }

  private static void example(List<String> examples, String line) {
    if (examples.size() < EXAMPLES) {
      examples.add(line);
    }
  }
}
