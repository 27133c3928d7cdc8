package io.tributary.config;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A YAML document read into a small tree in which every node and every mapping key keeps its line, so that
 * validation can name the line of each problem. Jackson's {@code JsonNode} drops locations; this reads the
 * {@link YAMLParser}'s tokens directly.
 */
public final class YamlTree {
  /**
   * Deepest nesting accepted, in levels. The limit is there so that a hostile file cannot exhaust the stack of
   * this recursive reader, not to check a file's shape (the loaders' keys do that): a pipeline needs 4 levels
   * (root, transforms, item, list) and a job file 3 (root, section, options map); 16 leaves room for both and is
   * far from any stack limit. It was 16 for pipelines and 8 for job files: the larger one keeps the pipeline
   * message tests assert, and a job file nested 9 to 16 deep now gets the error of the key it misuses instead.
   */
  public static final int MAX_DEPTH = 16;

  /** A SnakeYAML location line: "in 'reader', line 3, column 5:". */
  private static final Pattern MARK = Pattern.compile("in '.*', line (\\d+), column (\\d+):?");

  private static final YAMLFactory FACTORY = YAMLFactory.builder().build();

  private YamlTree() {}

  public sealed interface Node {
    int line();

    /** How the node is described in "expected X, got Y" messages. */
    String describe();
  }

  /** A mapping; entries in file order. */
  public record MapNode(int line, Map<String, Entry> entries) implements Node {
    @Override
    public String describe() {
      return "a mapping";
    }
  }

  /** One key of a mapping with the line the key is on. */
  public record Entry(String key, int line, Node value) {}

  public record ListNode(int line, List<Node> items) implements Node {
    @Override
    public String describe() {
      return "a list";
    }
  }

  /** The kinds of scalar YAML resolves (so that {@code 5000} and {@code "5000"} can be told apart if needed). */
  public enum Kind { STRING, INT, FLOAT, BOOLEAN, NULL }

  public record Scalar(int line, String text, Kind kind) implements Node {
    @Override
    public String describe() {
      return kind == Kind.NULL ? "nothing" : "'" + text + "'";
    }

    /** Whether this is "no value" ({@code key:} with nothing after it, {@code ~}, {@code null} or {@code ""}). */
    public boolean isNull() {
      return kind == Kind.NULL;
    }
  }

  /** Whether {@code node} is a scalar without a value. */
  public static boolean isNull(Node node) {
    return node instanceof Scalar s && s.isNull();
  }

  /** A problem found while reading: a syntax error, a duplicate key, an alias. Column 0 = unknown. */
  public record Problem(int line, int column, String key, String message) {}

  /** The result of reading: the root (null when the document is unusable) and the problems found. */
  public record Document(Node root, List<Problem> problems) {}

  /**
   * The words a kind of file uses for problems of the whole document (each file kind kept its own).
   *
   * @param emptyFile the message for a file without a document
   * @param secondDocument the message for a second document after '---'
   * @param syntaxContext whether a syntax error says where the enclosing construct started and quotes the token
   *     it got
   */
  public record Wording(String emptyFile, String secondDocument, boolean syntaxContext) {}

  public static Document read(String text, Wording wording) {
    List<Problem> problems = new ArrayList<>();
    try (JsonParser p = FACTORY.createParser(text)) {
      if (p.nextToken() == null) {
        problems.add(new Problem(1, 0, null, wording.emptyFile()));
        return new Document(null, problems);
      }
      Node root = node(p, "", 0, problems);
      if (p.nextToken() != null) {
        problems.add(new Problem(line(p.currentTokenLocation()), 0, null, wording.secondDocument()));
      }
      return new Document(root, problems);
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      int column = loc == null ? 0 : Math.max(0, loc.getColumnNr());
      problems.add(new Problem(line(loc), column, null,
          "malformed YAML: " + syntaxMessage(e.getOriginalMessage(), wording.syntaxContext())));
      return new Document(null, problems);
    } catch (IOException e) { // reading a String: only parser errors are possible, but be explicit
      problems.add(new Problem(1, 0, null, "malformed YAML: " + e.getMessage()));
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
            problems.add(new Problem(keyLine, 0, childPath, "duplicate key (first at line " + first.line() + ")"));
          } else {
            entries.put(key, new Entry(key, keyLine, value));
          }
        }
        // A mapping is on the line of its first key (the start token of a block mapping has no line of its own).
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

  /**
   * The parser's own description of the problem, without the locations it repeats and the snippet it quotes.
   * SnakeYAML's message is "while parsing X\n in 'reader', line 1, column 1:\n  snippet\nproblem\n in ...";
   * with {@code context} the first mark (where the enclosing construct started) is kept in words.
   */
  static String syntaxMessage(String original, boolean context) {
    if (original == null) {
      return "unreadable";
    }
    List<String> kept = new ArrayList<>();
    boolean contextMarked = false;
    for (String part : original.split("\n")) {
      String s = part.trim();
      Matcher mark = MARK.matcher(s);
      if (mark.matches() || (!context && s.startsWith("in '"))) {
        if (context && !contextMarked && kept.size() == 1) {
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
    String message = kept.isEmpty() ? original.trim() : String.join(", ", kept);
    // "but got :" names a token: quote it so that it reads as one ("but got ':'").
    return context ? message.replaceAll("but got ([^<'\\s][^\\s]{0,3})$", "but got '$1'") : message;
  }
}
