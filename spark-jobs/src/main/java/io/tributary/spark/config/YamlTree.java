package io.tributary.spark.config;

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
 * A YAML document read into a tree whose nodes remember their line, so that every validation error can name
 * it. Built from the {@link YAMLParser}'s tokens because Jackson's own tree model forgets locations.
 */
public final class YamlTree {
  /** Deepest nesting accepted (a job file needs 3: root, section, options map). */
  static final int MAX_DEPTH = 8;

  private static final YAMLFactory FACTORY = YAMLFactory.builder().build();

  private YamlTree() {}

  public sealed interface Node {
    int line();

    /** How the node reads in "expected X, got Y". */
    String describe();
  }

  public record Entry(String key, int line, Node value) {}

  public record MapNode(int line, Map<String, Entry> entries) implements Node {
    @Override
    public String describe() {
      return "a mapping";
    }
  }

  public record ListNode(int line, List<Node> items) implements Node {
    @Override
    public String describe() {
      return "a list";
    }
  }

  public enum Kind { STRING, INT, FLOAT, BOOLEAN, NULL }

  public record Scalar(int line, String text, Kind kind) implements Node {
    @Override
    public String describe() {
      return kind == Kind.NULL ? "nothing" : "'" + text + "'";
    }

    public boolean isNull() {
      return kind == Kind.NULL;
    }
  }

  public record Problem(int line, String key, String message) {}

  public record Document(Node root, List<Problem> problems) {}

  public static Document read(String text) {
    List<Problem> problems = new ArrayList<>();
    try (JsonParser p = FACTORY.createParser(text)) {
      if (p.nextToken() == null) {
        problems.add(new Problem(1, null, "the file is empty"));
        return new Document(null, problems);
      }
      Node root = node(p, "", 0, problems);
      if (p.nextToken() != null) {
        problems.add(new Problem(line(p.currentTokenLocation()), null,
            "a second YAML document ('---'): one per file"));
      }
      return new Document(root, problems);
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      problems.add(new Problem(loc == null ? 1 : Math.max(1, loc.getLineNr()), null,
          "malformed YAML: " + firstLine(e.getOriginalMessage())));
      return new Document(null, problems);
    } catch (IOException e) {
      problems.add(new Problem(1, null, "malformed YAML: " + e.getMessage()));
      return new Document(null, problems);
    }
  }

  private static Node node(JsonParser p, String path, int depth, List<Problem> problems) throws IOException {
    int line = line(p.currentTokenLocation());
    if (depth > MAX_DEPTH) {
      throw new JsonProcessingException("nesting deeper than " + MAX_DEPTH + " levels at " + path,
          p.currentTokenLocation()) {
        private static final long serialVersionUID = 1L;
      };
    }
    switch (p.currentToken()) {
      case START_OBJECT: {
        Map<String, Entry> entries = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          int keyLine = line(p.currentTokenLocation());
          p.nextToken();
          String childPath = path.isEmpty() ? key : path + "." + key;
          Node value = node(p, childPath, depth + 1, problems);
          Entry first = entries.get(key);
          if (first != null) {
            problems.add(new Problem(keyLine, childPath, "duplicate key (first at line " + first.line() + ")"));
          } else {
            entries.put(key, new Entry(key, keyLine, value));
          }
        }
        int mapLine = entries.isEmpty() ? line : entries.values().iterator().next().line();
        return new MapNode(mapLine, entries);
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
          problems.add(new Problem(line, path.isEmpty() ? null : path,
              "YAML aliases (*" + p.getText() + ") are not supported: write the value out"));
        }
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

  /** SnakeYAML's messages repeat the location and quote the text over several lines: keep the sentences. */
  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    List<String> kept = new ArrayList<>();
    for (String part : message.split("\n")) {
      String s = part.trim();
      if (!s.isEmpty() && !s.startsWith("in '") && !s.startsWith("at [") && !s.equals("^") && !part.startsWith("    ")) {
        kept.add(s);
      }
    }
    return kept.isEmpty() ? message.trim() : String.join(", ", kept);
  }
}
