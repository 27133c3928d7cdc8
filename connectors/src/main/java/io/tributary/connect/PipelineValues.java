package io.tributary.connect;

import io.tributary.config.ScalarValues;
import io.tributary.config.ScalarValues.Errors;
import io.tributary.config.YamlTree.ListNode;
import io.tributary.config.YamlTree.Node;
import io.tributary.config.YamlTree.Scalar;
import io.tributary.connect.PipelineKeys.Key;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The value of a pipeline key, checked as its {@link PipelineKeys.Type} says: each conversion returns the value,
 * or null with the error reported to the loader.
 */
final class PipelineValues {
  /** Any number of digits: a longer one is reported "out of range". */
  private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]+");
  private static final Pattern URI_WITH_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:.*");

  private final Errors errors;
  private final ScalarValues scalars;
  /** The pipeline file's directory: relative local paths are resolved against it. */
  private final Path baseDir;

  PipelineValues(Errors errors, Path baseDir) {
    this.errors = errors;
    this.scalars = new ScalarValues(errors, INTEGER);
    this.baseDir = baseDir;
  }

  /** The value of {@code node} as {@code key}'s type; {@code noun} names the section in "unknown X type". */
  Object convert(Key key, Node node, String path, String noun) {
    int line = node.line();
    if (key.type() == PipelineKeys.Type.FIELD_LIST) {
      return fieldList(node, path);
    }
    if (!(node instanceof Scalar s)) {
      errors.error(line, path, "expected " + expected(key) + ", got " + node.describe());
      return null;
    }
    String text = s.text().trim();
    return switch (key.type()) {
      case STRING, SCALAR -> scalars.nonEmpty(text, line, path);
      case NAME -> scalars.name(text, line, path, "(letters, digits, '.', '_', '-'; at most 249 characters)");
      case TABLE_NAME -> scalars.tableName(text, line, path);
      case FIELDS -> fields(text, line, path);
      case INTEGER -> scalars.integer(key, s, text, line, path);
      case BOOLEAN -> scalars.bool(s, text, line, path);
      case CHOICE -> scalars.choice(key, text, line, path,
          key.name().equals("type") ? "unknown " + noun + " type" : "unknown value");
      case HADOOP_URI -> hadoopUri(text, line, path);
      case PATH_OR_URI -> pathOrUri(text, line, path);
      case HTTP_URL -> httpUrl(text, line, path);
      case SERVERS -> scalars.servers(text, line, path, PipelineKeys.DEFAULT_BOOTSTRAP_SERVERS);
      default -> throw new IllegalStateException("no conversion for " + key.type() + " of " + key.path());
    };
  }

  /** One field name or several separated by commas, as one comma-separated text without spaces. */
  private String fields(String text, int line, String path) {
    List<String> fields = new ArrayList<>();
    for (String f : text.split(",", -1)) {
      String t = f.trim();
      if (t.isEmpty() || t.chars().anyMatch(Character::isWhitespace)) {
        errors.error(line, path, "'" + text + "' is not a field name or a comma-separated list of field names");
        return null;
      }
      fields.add(t);
    }
    return String.join(",", fields);
  }

  private List<String> fieldList(Node node, String path) {
    if (!(node instanceof ListNode list)) {
      errors.error(node.line(), path, "expected a list of field names (e.g. [a, b]), got " + node.describe());
      return null;
    }
    if (list.items().isEmpty()) {
      errors.error(node.line(), path, "must name at least one field");
      return null;
    }
    List<String> out = new ArrayList<>();
    for (Node item : list.items()) {
      if (!(item instanceof Scalar s) || s.isNull() || s.text().isBlank()) {
        errors.error(item.line(), path, "expected a field name, got " + item.describe());
        return null;
      }
      out.add(s.text().trim());
    }
    return out;
  }

  private URI pathOrUri(String text, int line, String path) {
    if (URI_WITH_SCHEME.matcher(text).matches() && !looksLikeWindowsDrive(text)) {
      return hadoopUri(text, line, path);
    }
    try {
      return baseDir.resolve(text).normalize().toUri();
    } catch (InvalidPathException e) {
      errors.error(line, path, "'" + text + "' is not a valid local path (" + e.getReason() + ")");
      return null;
    }
  }

  private URI httpUrl(String text, int line, String path) {
    if (ScalarValues.isHttpUrl(text)) {
      return URI.create(text);
    }
    errors.error(line, path, "'" + text + "' is not an http:// or https:// URL (e.g. " + PipelineKeys.DEFAULT_REGISTRY_URL + ")");
    return null;
  }

  private URI hadoopUri(String text, int line, String path) {
    String invalid = "'" + text + "' is not a valid URI for a Hadoop file system (use file:// or hdfs://)";
    URI u;
    try {
      u = new URI(text);
    } catch (URISyntaxException e) {
      errors.error(line, path, invalid);
      return null;
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("file") && !scheme.equals("hdfs")) {
      errors.error(line, path, invalid);
      return null;
    }
    if (u.getQuery() != null || u.getFragment() != null) {
      errors.error(line, path, "'" + text + "' must not have a query (?) or fragment (#)");
      return null;
    }
    if (scheme.equals("file") && u.getAuthority() != null) {
      errors.error(line, path, "'" + text + "' names the host '" + u.getAuthority()
          + "'; a local path needs three slashes, as in 'file:///" + u.getAuthority() + (u.getPath() == null ? "" : u.getPath()) + "'");
      return null;
    }
    if (u.getPath() == null || u.getPath().isEmpty() || u.getPath().equals("/") || !u.getPath().startsWith("/")) {
      errors.error(line, path, "'" + text + "' has no absolute path (e.g. file:///tmp/lake/orders or hdfs://namenode:8020/lake/orders)");
      return null;
    }
    return u.normalize();
  }

  private static boolean looksLikeWindowsDrive(String text) {
    return text.length() >= 2 && Character.isLetter(text.charAt(0)) && text.charAt(1) == ':';
  }

  private static String expected(Key key) {
    return switch (key.type()) {
      case INTEGER -> "an integer";
      case BOOLEAN -> "true or false";
      case CHOICE -> "one of: " + String.join(", ", key.choices());
      case HADOOP_URI, PATH_OR_URI, HTTP_URL -> "a URI";
      case SERVERS -> "host:port[,host:port...]";
      case FIELDS -> "a field name";
      default -> "a single value";
    };
  }
}
