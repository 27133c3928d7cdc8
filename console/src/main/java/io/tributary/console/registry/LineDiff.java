package io.tributary.console.registry;

import java.util.ArrayList;
import java.util.List;

/**
 * A line diff of two texts (two versions of a schema) by their longest common subsequence: every line of
 * {@code before} and {@code after} once, in order, marked as kept, removed or added.
 */
public final class LineDiff {
  /** Most lines per side: the table is lines x lines ints (2000 x 2000 = 16 MB at most). */
  static final int MAX_LINES = 2000;

  public enum Kind { SAME, REMOVED, ADDED }

  /** One line; {@code mark} is " ", "-" or "+" as in a unified diff. */
  public record Line(Kind kind, String text) {
    public String mark() {
      return switch (kind) {
        case SAME -> " ";
        case REMOVED -> "-";
        case ADDED -> "+";
      };
    }

    public boolean removed() {
      return kind == Kind.REMOVED;
    }

    public boolean added() {
      return kind == Kind.ADDED;
    }
  }

  private LineDiff() {}

  public static List<Line> diff(String before, String after) {
    String[] a = before.split("\n", -1);
    String[] b = after.split("\n", -1);
    if (a.length > MAX_LINES || b.length > MAX_LINES) {
      throw new IllegalArgumentException("a diff compares at most " + MAX_LINES + " lines per side");
    }
    // common[i][j]: length of the longest common subsequence of a[i..] and b[j..]
    int[][] common = new int[a.length + 1][b.length + 1];
    for (int i = a.length - 1; i >= 0; i--) {
      for (int j = b.length - 1; j >= 0; j--) {
        common[i][j] = a[i].equals(b[j]) ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
      }
    }
    List<Line> out = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < a.length && j < b.length) {
      if (a[i].equals(b[j])) {
        out.add(new Line(Kind.SAME, a[i++]));
        j++;
      } else if (common[i + 1][j] >= common[i][j + 1]) {
        out.add(new Line(Kind.REMOVED, a[i++]));
      } else {
        out.add(new Line(Kind.ADDED, b[j++]));
      }
    }
    while (i < a.length) {
      out.add(new Line(Kind.REMOVED, a[i++]));
    }
    while (j < b.length) {
      out.add(new Line(Kind.ADDED, b[j++]));
    }
    return out;
  }
}
