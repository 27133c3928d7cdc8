package io.tributary.bench;

import java.util.BitSet;

/**
 * What a {@code read_committed} consumer must see after the transactional workload: every committed record
 * exactly once and nothing else. Records are identified by the sequence number in their value's first 8 bytes,
 * numbered 0 to {@code expected - 1} across all producers. Pure: fed one sequence number at a time.
 */
final class CommittedRecordsCheck {
  /** How many offending sequence numbers a problem report quotes. */
  private static final int EXAMPLES = 5;

  private final long expected;
  private final BitSet seen;
  private long received;
  private long duplicates;
  private long unknown;
  private final StringBuilder examples = new StringBuilder();
  private int exampleCount;

  CommittedRecordsCheck(long expected) {
    if (expected < 0 || expected > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("expected records must be within [0, " + Integer.MAX_VALUE + "], got "
          + expected);
    }
    this.expected = expected;
    this.seen = new BitSet((int) expected);
  }

  /** One record read, its sequence number; where it was read is only for the problem report. */
  void accept(long sequence, int partition, long offset) {
    received++;
    if (sequence < 0 || sequence >= expected) {
      unknown++;
      example("sequence " + sequence + " was never committed (partition " + partition + " offset " + offset + ")");
    } else if (seen.get((int) sequence)) {
      duplicates++;
      example("sequence " + sequence + " read twice (again at partition " + partition + " offset " + offset + ")");
    } else {
      seen.set((int) sequence);
    }
  }

  long received() {
    return received;
  }

  /** True once every committed record has been read (extra reads may still follow and make it fail). */
  boolean complete() {
    return seen.cardinality() == expected;
  }

  /** Empty when exactly the committed records were read, each once; otherwise what is wrong. */
  String problems() {
    long missing = expected - seen.cardinality();
    if (missing == 0 && duplicates == 0 && unknown == 0) {
      return "";
    }
    StringBuilder sb = new StringBuilder(String.format(
        "read_committed read %,d records for %,d committed: missing %,d, duplicates %,d, never committed %,d",
        received, expected, missing, duplicates, unknown));
    if (missing > 0) {
      sb.append("; first missing sequence ").append(seen.nextClearBit(0));
    }
    if (exampleCount > 0) {
      sb.append("; e.g. ").append(examples);
    }
    return sb.toString();
  }

  private void example(String what) {
    if (exampleCount < EXAMPLES) {
      examples.append(exampleCount == 0 ? "" : "; ").append(what);
    }
    exampleCount++;
  }
}
