package io.tributary.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.config.YamlTree.Document;
import io.tributary.config.YamlTree.Kind;
import io.tributary.config.YamlTree.ListNode;
import io.tributary.config.YamlTree.MapNode;
import io.tributary.config.YamlTree.Problem;
import io.tributary.config.YamlTree.Scalar;
import io.tributary.config.YamlTree.Wording;
import java.util.List;
import org.junit.jupiter.api.Test;

class YamlTreeTest {
  private static final Wording PLAIN = new Wording("empty!", "second!", false);
  private static final Wording CONTEXT = new Wording("empty!", "second!", true);

  @Test
  void everyKeyAndNodeKeepsItsLine() {
    Document doc = YamlTree.read("""
        name: orders
        # a comment
        source:
          type: topic
          partitions: 3
        fields:
          - a
          - b
        """, PLAIN);
    assertEquals(List.of(), doc.problems());
    MapNode root = assertInstanceOf(MapNode.class, doc.root());
    assertEquals(1, root.line());
    assertEquals(List.of("name", "source", "fields"), List.copyOf(root.entries().keySet()));
    MapNode source = assertInstanceOf(MapNode.class, root.entries().get("source").value());
    assertEquals(3, root.entries().get("source").line());
    assertEquals(4, source.line());
    assertEquals(new Scalar(5, "3", Kind.INT), source.entries().get("partitions").value());
    ListNode fields = assertInstanceOf(ListNode.class, root.entries().get("fields").value());
    assertEquals(List.of(new Scalar(7, "a", Kind.STRING), new Scalar(8, "b", Kind.STRING)), fields.items());
  }

  @Test
  void scalarsKeepTheirKindAndEmptyValuesAreNull() {
    MapNode root = (MapNode) YamlTree.read("a: 1\nb: 1.5\nc: true\nd:\ne: ''\nf: ~\ng: text\n", PLAIN).root();
    assertEquals(Kind.INT, kind(root, "a"));
    assertEquals(Kind.FLOAT, kind(root, "b"));
    assertEquals(Kind.BOOLEAN, kind(root, "c"));
    assertEquals(Kind.NULL, kind(root, "d"));
    assertEquals(Kind.NULL, kind(root, "e"));
    assertEquals(Kind.NULL, kind(root, "f"));
    assertEquals(Kind.STRING, kind(root, "g"));
    assertTrue(YamlTree.isNull(root.entries().get("d").value()));
    assertEquals("nothing", root.entries().get("d").value().describe());
    assertEquals("'text'", root.entries().get("g").value().describe());
  }

  @Test
  void duplicatesAliasesAndSecondDocumentsAreProblems() {
    assertEquals(List.of(new Problem(3, 0, "a", "duplicate key (first at line 1)")),
        YamlTree.read("a: 1\nb: 2\na: 3\n", PLAIN).problems());
    assertEquals(List.of(new Problem(2, 0, "b", "YAML aliases (*x) are not supported: write the value out")),
        YamlTree.read("a: &x 1\nb: *x\n", PLAIN).problems());
    assertEquals(List.of(new Problem(3, 0, null, "second!")), YamlTree.read("a: 1\n---\nb: 2\n", PLAIN).problems());
    Document empty = YamlTree.read("# nothing\n", PLAIN);
    assertNull(empty.root());
    assertEquals(List.of(new Problem(1, 0, null, "empty!")), empty.problems());
  }

  @Test
  void nestingIsLimitedToMaxDepth() {
    String deepest = "x: " + "[".repeat(YamlTree.MAX_DEPTH - 1) + "1" + "]".repeat(YamlTree.MAX_DEPTH - 1) + "\n";
    assertEquals(List.of(), YamlTree.read(deepest, PLAIN).problems());

    String tooDeep = "x: " + "[".repeat(YamlTree.MAX_DEPTH) + "1" + "]".repeat(YamlTree.MAX_DEPTH) + "\n";
    Document doc = YamlTree.read(tooDeep, PLAIN);
    assertNull(doc.root());
    assertEquals(1, doc.problems().size());
    assertEquals("malformed YAML: nesting deeper than 16 levels at x" + "[0]".repeat(YamlTree.MAX_DEPTH),
        doc.problems().get(0).message());
  }

  @Test
  void syntaxErrorsKeepTheParsersSentencesWithoutItsSnippets() {
    String text = "a: [1, 2\nb: 3\n";
    Problem plain = YamlTree.read(text, PLAIN).problems().get(0);
    Problem context = YamlTree.read(text, CONTEXT).problems().get(0);
    assertTrue(plain.message().startsWith("malformed YAML: while parsing a flow sequence, expected ','"),
        plain.message());
    assertTrue(context.message().startsWith(
        "malformed YAML: while parsing a flow sequence (which started at line 1, column 4), expected ','"),
        context.message());
    assertTrue(plain.line() >= 2 && context.line() == plain.line(), plain.toString());
  }

  /** The sentences kept from SnakeYAML's multi-line messages, with and without the context mark. */
  @Test
  void syntaxMessageTable() {
    String snakeYaml = "while parsing a block mapping\n in 'reader', line 1, column 1:\n    a: 1\n    ^\n"
        + "expected <block end>, but found ':'\n in 'reader', line 2, column 3:\n    : 2\n      ^\n";
    record Row(String original, boolean context, String expected) {}
    List<Row> rows = List.of(
        new Row(null, false, "unreadable"),
        new Row(null, true, "unreadable"),
        new Row(snakeYaml, false, "while parsing a block mapping, expected <block end>, but found ':'"),
        new Row(snakeYaml, true,
            "while parsing a block mapping (which started at line 1, column 1), expected <block end>, but found ':'"),
        new Row("mapping values are not allowed here, but got :", true,
            "mapping values are not allowed here, but got ':'"),
        new Row("mapping values are not allowed here, but got :", false,
            "mapping values are not allowed here, but got :"),
        new Row("\n", false, ""));
    for (Row row : rows) {
      assertEquals(row.expected(), YamlTree.syntaxMessage(row.original(), row.context()), row.toString());
    }
  }

  private static Kind kind(MapNode root, String key) {
    return ((Scalar) root.entries().get(key).value()).kind();
  }
}
