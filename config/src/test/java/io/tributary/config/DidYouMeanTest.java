package io.tributary.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.config.DidYouMean.Match;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DidYouMeanTest {
  private static final List<String> KEYS = List.of("topic", "bootstrap.servers", "start", "table.path", "table.name");

  @Test
  void distanceTable() {
    record Row(String a, String b, int distance) {}
    for (Row row : List.of(
        new Row("", "", 0),
        new Row("", "abc", 3),
        new Row("abc", "", 3),
        new Row("topic", "topic", 0),
        new Row("topc", "topic", 1),
        new Row("tpoic", "topic", 2),
        new Row("kitten", "sitting", 3),
        new Row("table.path", "table.name", 3))) {
      assertEquals(row.distance(), DidYouMean.distance(row.a(), row.b()), row.toString());
      assertEquals(row.distance(), DidYouMean.distance(row.b(), row.a()), "symmetric: " + row);
    }
  }

  @Test
  void nearestIsTheFirstOfTheNearest() {
    assertEquals(Optional.of(new Match("topic", 1)), DidYouMean.nearest("topik", KEYS));
    // "table.xath" is 1 edit from table.path and 3 from table.name
    assertEquals(Optional.of(new Match("table.path", 1)), DidYouMean.nearest("table.xath", KEYS));
    // equally near: the first known one wins
    assertEquals(Optional.of(new Match("ab", 1)), DidYouMean.nearest("a", List.of("ab", "ac")));
    assertEquals(Optional.empty(), DidYouMean.nearest("x", List.of()));
  }

  @Test
  void unknownKeyMessageTable() {
    record Row(String typed, List<String> known, String message) {}
    for (Row row : List.of(
        new Row("topik", KEYS, "unknown key (did you mean 'topic'?)"),
        new Row("TOPIC", KEYS, "unknown key (did you mean 'topic'?)"),
        new Row("table", KEYS, "unknown key (did you mean 'table.path'? keys are written flat, not nested)"),
        new Row("bootstrap.server", KEYS, "unknown key (did you mean 'bootstrap.servers'?)"),
        // 3 edits from "start" (length 5): more than max(2, 5 / 3)
        new Row("stxyz", KEYS, "unknown key (expected one of: topic, bootstrap.servers, start, table.path, table.name)"),
        new Row("anything", List.of(), "unknown key"))) {
      assertEquals(row.message(), DidYouMean.unknownKey(row.typed(), row.known()), row.toString());
    }
  }
}
