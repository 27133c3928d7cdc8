package io.tributary.connect.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class CsvLineTest {

  static List<Object[]> good() {
    return List.of(
        new Object[] {"a,b,c", List.of("a", "b", "c")},
        new Object[] {"", List.of("")},
        new Object[] {",", List.of("", "")},
        new Object[] {"a,,c", List.of("a", "", "c")},
        new Object[] {"\"a,b\",c", List.of("a,b", "c")},
        new Object[] {"\"say \"\"hi\"\"\",x", List.of("say \"hi\"", "x")},
        new Object[] {"\"\",\"\"", List.of("", "")},
        new Object[] {" a , b ", List.of(" a ", " b ")},
        new Object[] {"é,ü", List.of("é", "ü")});
  }

  @ParameterizedTest
  @MethodSource("good")
  void splits(String line, List<String> fields) {
    assertEquals(fields, CsvLine.split(line));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "'\"abc'|column 1: the quote opened at character 1 is not closed",
      "'a,\"b'|column 2: the quote opened at character 3 is not closed",
      "'a,b\"c'|column 2: a quote inside an unquoted field at character 4",
      "'\"a\"b,c'|column 1: text after the closing quote at character 3"})
  void refuses(String line, String message) {
    assertEquals(message, assertThrows(IllegalArgumentException.class, () -> CsvLine.split(line)).getMessage());
  }
}
