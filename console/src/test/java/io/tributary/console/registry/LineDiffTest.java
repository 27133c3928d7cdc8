package io.tributary.console.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LineDiffTest {
  /** before | after | the diff as mark+text per line, joined by '|' (texts use ';' for newlines). */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "a;b;c | a;b;c | ' a| b| c'",
      "a;c | a;b;c | ' a|+b| c'",
      "a;b;c | a;c | ' a|-b| c'",
      "a;b | a;x | ' a|-b|+x'",
      "'' | x | '-|+x'",
      "x;y | y;x | '-x| y|+x'",
  })
  void marksEveryLineOnceInOrder(String before, String after, String expected) {
    String got = LineDiff.diff(before.replace(';', '\n'), after.replace(';', '\n')).stream()
        .map(l -> l.mark() + l.text()).collect(Collectors.joining("|"));
    assertEquals(expected, got);
  }
}
