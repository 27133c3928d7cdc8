package io.tributary.connect;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document read into a small tree in which every node and every mapping key keeps its line, so
 * that validation can name the line of each problem. Jackson's {@code JsonNode} drops locations; this
 * reads the {@link YAMLParser}'s tokens directly.
 */
final class YamlTree {
  /** Deepest nesting accepted; a pipeline needs 4 (root, transforms, item, list). */
  static final int MAX_DEPTH = 16;

  private static final java.util.regex.Pattern MARK =
      java.util.regex.Pattern.compile("in '.*', line (\\d+), column (\\d+):?");

  private static final YAMLFactory FACTORY = YAMLFactory.builder().build();

  private YamlTree() {}

  sealed interface Node {
    int line();

    /** How the node is described in "expected X, got Y" messages. */
    String describe();
  }

  /** A mapping; entries in file order. */
  record MapNode(int line, Map<String, Entry> entries) implements Node {
    @Override
    public String describe() {
      return "a mapping";
    }
  }

  /** One key of a mapping with the line the key is on. */
  record Entry(String key, int line, Node value) {}

  record ListNode(int line, List<Node> items) implements Node {
    @Override
    public String describe() {
      return "a list";
    }
  }

  /** The kinds of scalar YAML resolves (so that {@code 5000} and {@code "5000"} can be told apart if needed). */
  enum Kind { STRING, INT, FLOAT, BOOLEAN, NULL }

  record Scalar(int line, String text, Kind kind) implements Node {
    @Override
    public String describe() {
      return kind == Kind.NULL ? "nothing" : "'" + text + "'";
    }
  }

  /** A problem found while reading: a syntax error, a duplicate key, an alias. */
  record Problem(int line, int column, String key, String message) {}

  /** The result of reading: the root (null when the document is unusable) and the problems found. */
  record Document(Node root, List<Problem> problems) {}

  static Document read(String text) {
    List<Problem> problems = new ArrayList<>();
    try (JsonParser p = FACTORY.createParser(text)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        problems.add(new Problem(1, 0, null, "the file is empty; a pipeline needs at least name, source and sink"));
        return new Document(null, problems);
      }
      Node root = node(p, "", 0, problems);
      if (p.nextToken() != null) {
        problems.add(new Problem(line(p.currentTokenLocation()), 0, null,
            "a second YAML document ('---'): put one pipeline per file"));
      }
      return new Document(root, problems);
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      int line = loc == null ? 1 : Math.max(1, loc.getLineNr());
      int column = loc == null ? 0 : Math.max(0, loc.getColumnNr());
      problems.add(new Problem(line, column, null, "malformed YAML: " + syntaxMessage(e)));
      return new Document(null, problems);
    } catch (IOException e) { // reading a String: only parser errors are possible, but be explicit
      problems.add(new Problem(1, 0, null, "malformed YAML: " + e.getMessage()));
      return new Document(null, problems);
    }
  }

  private static Node node(JsonParser p, String path, int depth, List<Problem> problems) throws IOException {
    int line = line(p.currentTokenLocation());
    if (depth > MAX_DEPTH) {
      throw new JsonProcessingException("nesting deeper than " + MAX_DEPTH + " levels at " + path, p.currentTokenLocation()) {
        private static final long serialVersionUID = 1L;
      };
    }
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT: {
        Map<String, Entry> entries = new LinkedHashMap<>();
        int mapLine = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          int keyLine = line(p.currentTokenLocation());
          if (mapLine < 0) {
            mapLine = keyLine;
          }
          p.nextToken();
          String childPath = path.isEmpty() ? key : path + "." + key;
          Node value = node(p, childPath, depth + 1, problems);
          Entry previous = entries.get(key);
          if (previous != null) {
            problems.add(new Problem(keyLine, 0, childPath, "duplicate key (first at line " + previous.line() + ")"));
          } else {
            entries.put(key, new Entry(key, keyLine, value));
          }
        }
        return new MapNode(mapLine < 0 ? line : mapLine, entries);
      }
      case START_ARRAY: {
        List<Node> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          items.add(node(p, path + "[" + items.size() + "]", depth + 1, problems));
        }
        return new ListNode(line, items);
      }
      case VALUE_STRING:
        if (p instanceof YAMLParser yp && yp.isCurrentAlias()) {
          problems.add(new Problem(line, 0, path.isEmpty() ? null : path,
              "YAML aliases (*" + p.getText() + ") are not supported: write the value out"));
        }
        // "key:" with nothing after it arrives as an empty string: treat it (and "") as no value.
        return p.getText().isEmpty() ? new Scalar(line, "", Kind.NULL) : new Scalar(line, p.getText(), Kind.STRING);
      case VALUE_NUMBER_INT:
        return new Scalar(line, p.getText(), Kind.INT);
      case VALUE_NUMBER_FLOAT:
        return new Scalar(line, p.getText(), Kind.FLOAT);
      case VALUE_TRUE:
      case VALUE_FALSE:
        return new Scalar(line, p.getText(), Kind.BOOLEAN);
      case VALUE_NULL:
        return new Scalar(line, "", Kind.NULL);
      default:
        return new Scalar(line, p.getText(), Kind.STRING);
    }
  }

  private static int line(JsonLocation loc) {
    return loc == null ? 1 : Math.max(1, loc.getLineNr());
  }

  /** The parser's own description of the problem, without the location it repeats and the snippet. */
  private static String syntaxMessage(JsonProcessingException e) {
    String m = e.getOriginalMessage();
    if (m == null) {
      return "unreadable";
    }
    // SnakeYAML's message is "while parsing X\n in 'reader', line 1, column 1:\n  snippet\nproblem\n in ...".
    // The first "in 'reader', line N, column M:" marks where the enclosing construct started: keep it.
    List<String> kept = new ArrayList<>();
    boolean contextMarked = false;
    for (String part : m.split("\n")) {
      String s = part.trim();
      java.util.regex.Matcher mark = MARK.matcher(s);
      if (mark.matches()) {
        if (!contextMarked && kept.size() == 1) {
          kept.set(0, kept.get(0) + " (which started at line " + mark.group(1) + ", column " + mark.group(2) + ")");
        }
        contextMarked = true;
        continue;
      }
      if (s.isEmpty() || s.startsWith("at [") || s.equals("^") || part.startsWith("    ")) {
        continue;
      }
      kept.add(s);
    }
    String message = kept.isEmpty() ? m.trim() : String.join(", ", kept);
    // "but got :" names a token: quote it so that it reads as one ("but got ':'").
    return message.replaceAll("but got ([^<'\\s][^\\s]{0,3})$", "but got '$1'");
  }
}
