package io.tributary.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The CDC benchmark's load, as decisions only: which row to insert, update or delete next, over the ids that are
 * live in the table. Of every 10 changes about 3 insert a new id, 5 update a live one and 2 delete a live one (the
 * mix of {@code PostgresCdcTest}); with no live row left it inserts. The same seed gives the same changes.
 * {@link CdcHudiBench} applies them to PostgreSQL.
 */
final class ChangeWorkload {
  /** Draws out of 10 that insert, and (after those) that update; the rest delete. */
  static final int INSERT_DRAWS = 3;
  static final int UPDATE_DRAWS = 5;
  /** Upper bound of the random qty column (exclusive). */
  static final int MAX_QTY = 100;
  /** Upper bound of the random price column in cents (exclusive): prices up to 999.99, numeric(10,2). */
  static final int MAX_PRICE_CENTS = 100_000;

  enum Kind { INSERT, UPDATE, DELETE }

  /** One change of table {@code items}: the row's id and, for an insert or update, its new column values. */
  record Change(Kind kind, int id, int qty, String price, String note) {}

  private final Random random;
  private final List<Integer> live;
  private int nextId;
  private long made;

  /** Over a table whose live ids are 1..{@code initialRows}. */
  ChangeWorkload(long seed, int initialRows) {
    if (initialRows < 0) {
      throw new IllegalArgumentException("initial rows must be >= 0, not " + initialRows);
    }
    random = new Random(seed);
    live = new ArrayList<>(initialRows);
    for (int id = 1; id <= initialRows; id++) {
      live.add(id);
    }
    nextId = initialRows + 1;
  }

  Change next() {
    made++;
    int draw = random.nextInt(10);
    if (draw < INSERT_DRAWS || live.isEmpty()) {
      int id = nextId++;
      live.add(id);
      return new Change(Kind.INSERT, id, qty(), price(), note("new"));
    }
    int index = random.nextInt(live.size());
    if (draw < INSERT_DRAWS + UPDATE_DRAWS) {
      return new Change(Kind.UPDATE, live.get(index), qty(), price(), note("updated"));
    }
    // swap-remove: O(1), the order of the live ids does not matter
    int id = live.get(index);
    live.set(index, live.get(live.size() - 1));
    live.remove(live.size() - 1);
    return new Change(Kind.DELETE, id, 0, null, null);
  }

  /** Rows live in the table after the changes made so far. */
  int liveRows() {
    return live.size();
  }

  private int qty() {
    return random.nextInt(MAX_QTY);
  }

  /** A price with exactly two decimals, as PostgreSQL prints a numeric(10,2). */
  private String price() {
    int cents = random.nextInt(MAX_PRICE_CENTS);
    return (cents / 100) + "." + String.format("%02d", cents % 100);
  }

  /** Half of the notes are null: a nullable column's nulls must survive the trip too. */
  private String note(String what) {
    return random.nextBoolean() ? null : what + " " + made;
  }
}
