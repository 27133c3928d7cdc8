package io.tributary.connect.worker;

import java.util.List;

/** Columns padded to their widest cell; numeric columns right-aligned. */
final class StatusTable {
  private StatusTable() {}

  static String render(List<String> headers, List<List<String>> rows, boolean[] rightAligned) {
    int[] width = new int[headers.size()];
    for (int c = 0; c < width.length; c++) {
      width[c] = headers.get(c).length();
      for (List<String> r : rows) {
        width[c] = Math.max(width[c], r.get(c).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    line(sb, headers, width, rightAligned);
    for (List<String> r : rows) {
      line(sb, r, width, rightAligned);
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, List<String> cells, int[] width, boolean[] right) {
    StringBuilder l = new StringBuilder();
    for (int c = 0; c < cells.size(); c++) {
      String cell = cells.get(c);
      String pad = " ".repeat(width[c] - cell.length());
      l.append(right[c] ? pad + cell : cell + (c == cells.size() - 1 ? "" : pad));
      if (c < cells.size() - 1) {
        l.append("  ");
      }
    }
    sb.append(l.toString().stripTrailing()).append('\n');
  }
}
