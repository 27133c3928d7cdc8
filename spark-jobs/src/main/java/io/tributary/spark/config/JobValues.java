package io.tributary.spark.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.config.ScalarValues;
import io.tributary.config.ScalarValues.Errors;
import io.tributary.config.YamlTree.Entry;
import io.tributary.config.YamlTree.ListNode;
import io.tributary.config.YamlTree.MapNode;
import io.tributary.config.YamlTree.Node;
import io.tributary.config.YamlTree.Scalar;
import io.tributary.spark.config.ConfigKeys.Key;
import io.tributary.spark.config.ConfigKeys.Type;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The value of a job-file key, checked as its {@link ConfigKeys.Type} says: each conversion returns the value,
 * or null with the error reported to the loader.
 */
final class JobValues {
  /** At most 19 digits (a long): a longer number is "not an integer" rather than "out of range". */
  static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]{1,19}");
  private static final Pattern FIELD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern URI_WITH_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:.*");
  /** The job files' offsets are Spark's JSON: {"topic":{"partition":offset}}. */
  static final ObjectMapper JSON = new ObjectMapper();

  private final Errors errors;
  private final ScalarValues scalars;
  /** The job file's directory: relative local paths are resolved against it. */
  private final Path baseDir;

  JobValues(Errors errors, Path baseDir) {
    this.errors = errors;
    this.scalars = new ScalarValues(errors, INTEGER);
    this.baseDir = baseDir;
  }

  Object convert(Key key, Node node, String path) {
    int line = node.line();
    if (key.type() == Type.FIELDS && node instanceof ListNode list) {
      return fieldList(list, path);
    }
    if (key.type() == Type.MAP) {
      return map(node, path);
    }
    if (!(node instanceof Scalar s)) {
      errors.error(line, path, "expected " + expected(key) + ", got " + node.describe());
      return null;
    }
    String text = s.text().trim();
    return switch (key.type()) {
      case STRING -> scalars.nonEmpty(text, line, path);
      case NAME -> scalars.name(text, line, path, "(letters, digits, '.', '_', '-')");
      case TABLE_NAME -> scalars.tableName(text, line, path);
      case FIELDS -> fields(text, line, path);
      case INTEGER -> scalars.integer(key, s, text, line, path);
      case BOOLEAN -> scalars.bool(s, text, line, path);
      case CHOICE -> scalars.choice(key, text, line, path, "unknown value");
      case PATH_OR_URI -> pathOrUri(text, line, path);
      case HTTP_URL -> httpUrls(text, line, path);
      case SERVERS -> scalars.servers(text, line, path, ConfigKeys.DEFAULT_BOOTSTRAP_SERVERS);
      case OFFSETS -> offsets(key, text, line, path);
      case TIMESTAMP -> timestamp(text, line, path);
      case DURATION -> duration(text, line, path);
      case VERSION -> version(s, text, line, path);
      default -> throw new IllegalStateException("no conversion for " + key.type() + " of " + key.path());
    };
  }

  private List<String> fields(String text, int line, String path) {
    List<String> fields = new ArrayList<>();
    for (String f : text.split(",", -1)) {
      if (!FIELD.matcher(f.trim()).matches()) {
        errors.error(line, path, "'" + text + "' is not a field name or a comma-separated list of field names");
        return null;
      }
      fields.add(f.trim());
    }
    return List.copyOf(fields);
  }

  private List<String> fieldList(ListNode list, String path) {
    if (list.items().isEmpty()) {
      errors.error(list.line(), path, "must name at least one field");
      return null;
    }
    List<String> out = new ArrayList<>();
    for (Node item : list.items()) {
      if (!(item instanceof Scalar s) || !FIELD.matcher(s.text().trim()).matches()) {
        errors.error(item.line(), path, "expected a field name, got " + item.describe());
        return null;
      }
      out.add(s.text().trim());
    }
    return List.copyOf(out);
  }

  private Map<String, String> map(Node node, String path) {
    if (!(node instanceof MapNode m)) {
      errors.error(node.line(), path, "expected a mapping of names to values, got " + node.describe());
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Entry e : m.entries().values()) {
      if (!(e.value() instanceof Scalar s) || s.isNull()) {
        errors.error(e.line(), path + "." + e.key(), "expected a value (text, number or boolean), got " + e.value().describe());
        continue;
      }
      out.put(e.key(), s.text());
    }
    return out;
  }

  /** One URL or several separated by commas, without the spaces. */
  private String httpUrls(String text, int line, String path) {
    for (String u : text.split(",", -1)) {
      if (!ScalarValues.isHttpUrl(u.trim())) {
        errors.error(line, path, "'" + text + "' is not an http:// or https:// URL (e.g. "
            + ConfigKeys.DEFAULT_REGISTRY_URL + ")");
        return null;
      }
    }
    return text.replace(" ", "");
  }

  private Long timestamp(String text, int line, String path) {
    if (INTEGER.matcher(text).matches()) {
      long ms = Long.parseLong(text);
      if (ms >= 0) {
        return ms;
      }
    } else {
      try {
        return Instant.parse(text).toEpochMilli();
      } catch (DateTimeParseException e) {
        // reported below
      }
    }
    errors.error(line, path, "'" + text + "' is not a timestamp (milliseconds since the epoch, or ISO-8601 such as 2024-05-01T12:00:00Z)");
    return null;
  }

  private Long duration(String text, int line, String path) {
    long ms;
    try {
      ms = Durations.parseMs(text);
    } catch (ArithmeticException e) {
      ms = -1;
    }
    if (ms <= 0) {
      errors.error(line, path, "'" + text + "' is not a duration above zero (e.g. 500ms, 10s, 5m, 1h, 1d)");
      return null;
    }
    return ms;
  }

  /** A schema version: a number from 1, or -1 for latest. */
  private Integer version(Scalar s, String text, int line, String path) {
    if (text.equals("latest")) {
      return -1;
    }
    if (INTEGER.matcher(text).matches() && text.length() < 10 && Integer.parseInt(text) >= 1) {
      return Integer.parseInt(text);
    }
    errors.error(line, path, "expected 'latest' or a version number (1, 2, ...), got " + s.describe());
    return null;
  }

  private Object offsets(Key key, String text, int line, String path) {
    if (text.equals("earliest") || text.equals("latest")) {
      if (key.name().equals("ending.offsets") && text.equals("earliest")) {
        errors.error(line, path, "'earliest' cannot end a batch (use latest or JSON offsets)");
        return null;
      }
      return text;
    }
    String usage = "expected earliest, latest or JSON offsets per partition such as {\"orders\":{\"0\":42,\"1\":-2}}";
    JsonNode n;
    try {
      n = JSON.readTree(text);
    } catch (IOException e) {
      errors.error(line, path, "'" + text + "' is not valid: " + usage);
      return null;
    }
    if (n == null || !n.isObject() || n.size() == 0) {
      errors.error(line, path, usage);
      return null;
    }
    for (Iterator<Map.Entry<String, JsonNode>> topics = n.fields(); topics.hasNext(); ) {
      Map.Entry<String, JsonNode> t = topics.next();
      if (!t.getValue().isObject() || t.getValue().size() == 0) {
        errors.error(line, path, "topic '" + t.getKey() + "': " + usage);
        return null;
      }
      for (Iterator<Map.Entry<String, JsonNode>> parts = t.getValue().fields(); parts.hasNext(); ) {
        Map.Entry<String, JsonNode> p = parts.next();
        if (!p.getKey().matches("[0-9]{1,9}") || !p.getValue().canConvertToLong() || !p.getValue().isIntegralNumber()
            || p.getValue().asLong() < -2) {
          errors.error(line, path, "topic '" + t.getKey() + "' partition '" + p.getKey()
              + "': partitions are numbers and offsets are integers >= -2 (-2 earliest, -1 latest)");
          return null;
        }
      }
    }
    return n.toString();
  }

  private String pathOrUri(String text, int line, String path) {
    if (URI_WITH_SCHEME.matcher(text).matches() && !(text.length() > 1 && text.charAt(1) == ':')) {
      URI u;
      try {
        u = new URI(text);
      } catch (URISyntaxException e) {
        errors.error(line, path, "'" + text + "' is not a valid URI");
        return null;
      }
      String scheme = u.getScheme().toLowerCase(Locale.ROOT);
      if (scheme.equals("file") && u.getAuthority() != null) {
        errors.error(line, path, "'" + text + "' names the host '" + u.getAuthority()
            + "'; a local path needs three slashes, as in file:///" + u.getAuthority() + u.getPath());
        return null;
      }
      if (u.getPath() == null || u.getPath().isEmpty() || u.getPath().equals("/")) {
        errors.error(line, path, "'" + text + "' has no path (e.g. file:///tmp/lake/orders or hdfs://namenode:8020/lake/orders)");
        return null;
      }
      if (u.getQuery() != null || u.getFragment() != null) {
        errors.error(line, path, "'" + text + "' must not have a query (?) or fragment (#)");
        return null;
      }
      return stripSlash(u.normalize().toString());
    }
    try {
      return stripSlash(baseDir.resolve(text).normalize().toUri().toString());
    } catch (InvalidPathException e) {
      errors.error(line, path, "'" + text + "' is not a valid local path (" + e.getReason() + ")");
      return null;
    }
  }

  /** The last segment of a table path as a table name, or null when it cannot be one. */
  static String tableNameOf(String path) {
    String p = stripSlash(path);
    String last = p.substring(p.lastIndexOf('/') + 1).replace('-', '_').replace('.', '_');
    return ScalarValues.isTableName(last) ? last : null;
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") && s.length() > 1 && !s.endsWith(":///") ? s.substring(0, s.length() - 1) : s;
  }

  private static String expected(Key key) {
    return switch (key.type()) {
      case INTEGER -> "an integer";
      case BOOLEAN -> "true or false";
      case CHOICE -> "one of: " + String.join(", ", key.choices());
      case FIELDS -> "a field name, a comma-separated list or a YAML list";
      case DURATION -> "a duration (10s, 5m)";
      case TIMESTAMP -> "a timestamp";
      default -> "a single value";
    };
  }
}
