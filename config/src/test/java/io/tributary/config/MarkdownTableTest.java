package io.tributary.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MarkdownTableTest {
  @Test
  void headerRowsAndCells() {
    assertEquals("| key | default |\n|---|---|\n", MarkdownTable.header("key", "default"));
    assertEquals("| `a` | `` | x \\| y |\n",
        MarkdownTable.row(MarkdownTable.code("a"), MarkdownTable.code(""), MarkdownTable.escape("x | y")));
    assertEquals("| one |\n", MarkdownTable.row("one"));
  }
}
