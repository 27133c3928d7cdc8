package io.tributary.config;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The lines of a Markdown table in a generated reference: a header with its rule, and rows of cells. */
public final class MarkdownTable {
  private MarkdownTable() {}

  /** The header line and the rule under it: {@code | key | default |\n|---|---|\n}. */
  public static String header(String... columns) {
    return row(columns) + "|" + "---|".repeat(columns.length) + "\n";
  }

  /** One row; the cells are written as given (see {@link #escape}). */
  public static String row(String... cells) {
    return Arrays.stream(cells).collect(Collectors.joining(" | ", "| ", " |\n"));
  }

  /** {@code text} as one cell: a '|' in it would end the cell. */
  public static String escape(String text) {
    return text.replace("|", "\\|");
  }

  /** {@code text} as inline code: {@code `text`}. */
  public static String code(String text) {
    return "`" + text + "`";
  }
}
