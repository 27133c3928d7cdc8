package io.tributary.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * A table's row count and a CRC-32 over every column of every row, rows in key order: what the CDC benchmark
 * compares between PostgreSQL and the Hudi table read by Spark (the check of {@code PostgresCdcTest}). A column
 * is rendered with {@link String#valueOf(Object)}, so a null is {@code "null"} on both sides.
 */
record TableChecksum(long rows, String crc) {

  /** One row's text: its columns joined with {@code |}. */
  static String row(Object... columns) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < columns.length; i++) {
      if (i > 0) {
        b.append('|');
      }
      b.append(columns[i]);
    }
    return b.toString();
  }

  /** The checksum of rows already in key order. */
  static TableChecksum of(List<String> rows) {
    CRC32 crc = new CRC32();
    rows.forEach(r -> crc.update((r + "\n").getBytes(StandardCharsets.UTF_8)));
    return new TableChecksum(rows.size(), Long.toHexString(crc.getValue()));
  }

  /** The first {@code limit} rows of {@code a} that {@code b} lacks (to say what differs when the sums do). */
  static List<String> onlyIn(List<String> a, List<String> b, int limit) {
    Set<String> other = new HashSet<>(b);
    List<String> out = new ArrayList<>();
    for (String r : a) {
      if (!other.contains(r) && out.size() < limit) {
        out.add(r);
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return String.format("%,d rows, CRC-32 %s", rows, crc);
  }
}
