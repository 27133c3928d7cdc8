package io.tributary.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tributary.config.YamlTree.Kind;
import io.tributary.config.YamlTree.Scalar;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ScalarValuesTest {
  /** A key with only the parts the conversions read. */
  private record TestKey(long min, List<String> choices) implements KeySpec {
    @Override
    public String section() {
      return "";
    }

    @Override
    public String name() {
      return "k";
    }

    @Override
    public Presence presence() {
      return Presence.OPTIONAL;
    }

    @Override
    public String defaultValue() {
      return null;
    }

    @Override
    public String doc() {
      return "a | b";
    }
  }

  private final List<String> errors = new ArrayList<>();
  private final ScalarValues values =
      new ScalarValues((line, key, message) -> errors.add(line + " " + key + ": " + message), Pattern.compile("[-+]?[0-9]{1,19}"));

  @Test
  void integerTable() {
    record Row(String text, long min, Long value, String error) {}
    for (Row row : List.of(
        new Row("42", 0, 42L, null),
        new Row("-5", Long.MIN_VALUE, -5L, null),
        new Row("0", 1, null, "3 k: must be at least 1, got 0"),
        new Row("1.5", 0, null, "3 k: expected an integer, got '1.5'"),
        new Row("9223372036854775808", 0, null, "3 k: expected an integer, got '9223372036854775808' (out of range)"),
        new Row("12345678901234567890", 0, null, "3 k: expected an integer, got '12345678901234567890'"))) {
      errors.clear();
      Long v = values.integer(new TestKey(row.min(), List.of()), new Scalar(3, row.text(), Kind.STRING), row.text(), 3, "k");
      assertEquals(row.value(), v, row.toString());
      assertEquals(row.error() == null ? List.of() : List.of(row.error()), errors, row.toString());
    }
  }

  @Test
  void serversTable() {
    record Row(String text, String value) {}
    for (Row row : List.of(
        new Row("127.0.0.1:9092", "127.0.0.1:9092"),
        new Row("a:1, b:65535", "a:1,b:65535"),
        new Row("a:0", null),
        new Row("a:65536", null),
        new Row("a", null),
        new Row(":9092", null),
        new Row("a b:9092", null))) {
      errors.clear();
      assertEquals(row.value(), values.servers(row.text(), 2, "s", "h:1"), row.toString());
      assertEquals(row.value() == null ? 1 : 0, errors.size(), row.toString());
    }
    assertEquals(List.of("2 s: 'a b:9092' is not a list of host:port (e.g. h:1)"), errors);
  }

  @Test
  void namesChoicesBooleansAndUrls() {
    assertEquals("orders.v1", values.name("orders.v1", 1, "n", "(rule)"));
    assertNull(values.name("..", 1, "n", "(rule)"));
    assertNull(values.tableName("1st", 1, "t"));
    assertEquals("x", values.choice(new TestKey(0, List.of("x", "y")), "x", 1, "c", "unknown value"));
    assertNull(values.choice(new TestKey(0, List.of("x", "y")), "z", 1, "c", "unknown value"));
    assertEquals(Boolean.FALSE, values.bool(new Scalar(1, "False", Kind.STRING), "False", 1, "b"));
    assertNull(values.bool(new Scalar(1, "yes", Kind.STRING), "yes", 1, "b"));
    assertNull(values.nonEmpty("", 1, "e"));
    assertEquals(List.of(
        "1 n: '..' is not a valid name (rule)",
        "1 t: '1st' is not a valid table name (a letter or '_', then letters, digits, '_')",
        "1 c: unknown value 'z' (expected one of: x, y)",
        "1 b: expected true or false, got 'yes'",
        "1 e: must not be empty"), errors);
    assertEquals(true, ScalarValues.isHttpUrl("https://registry:8081"));
    assertEquals(false, ScalarValues.isHttpUrl("ftp://registry"));
    assertEquals(false, ScalarValues.isHttpUrl("http://"));
  }

  @Test
  void keySpecCells() {
    assertEquals("(none)", new TestKey(0, List.of()).defaultCell());
    assertEquals("a \\| b", new TestKey(0, List.of()).docCell());
    assertEquals("k", new TestKey(0, List.of()).path());
  }
}
