package io.tributary.config;

import io.tributary.config.YamlTree.Scalar;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * The conversions every YAML loader shares, from a scalar's text to a checked value: each returns the value,
 * or null with the error reported (so that one pass over a file reports every problem).
 */
public final class ScalarValues {
  /** Where a loader collects its errors: the line, the key's path and the message. */
  @FunctionalInterface
  public interface Errors {
    void error(int line, String key, String message);
  }

  /** Topic, pipeline and job names: Kafka's rule. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,249}");
  /** Hudi and Spark SQL table names. */
  private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

  private final Errors errors;
  private final Pattern integer;

  /**
   * @param integer what an integer's text must match before it is parsed (a file kind that bounds the digits
   *     says "expected an integer" for longer ones instead of "out of range")
   */
  public ScalarValues(Errors errors, Pattern integer) {
    this.errors = errors;
    this.integer = integer;
  }

  /** Any text but the empty one. */
  public String nonEmpty(String text, int line, String path) {
    if (text.isEmpty()) {
      errors.error(line, path, "must not be empty");
      return null;
    }
    return text;
  }

  /** A Kafka-style name; {@code rule} says what one is, after "is not a valid name". */
  public String name(String text, int line, String path, String rule) {
    if (!NAME.matcher(text).matches() || text.equals(".") || text.equals("..")) {
      errors.error(line, path, "'" + text + "' is not a valid name " + rule);
      return null;
    }
    return text;
  }

  public String tableName(String text, int line, String path) {
    if (!isTableName(text)) {
      errors.error(line, path, "'" + text + "' is not a valid table name (a letter or '_', then letters, digits, '_')");
      return null;
    }
    return text;
  }

  public static boolean isTableName(String text) {
    return TABLE_NAME.matcher(text).matches();
  }

  /** A 64-bit integer of at least {@code key.min()}. */
  public Long integer(KeySpec key, Scalar s, String text, int line, String path) {
    if (!integer.matcher(text).matches()) {
      errors.error(line, path, "expected an integer, got " + s.describe());
      return null;
    }
    long v;
    try {
      v = Long.parseLong(text);
    } catch (NumberFormatException e) {
      errors.error(line, path, "expected an integer, got " + s.describe() + " (out of range)");
      return null;
    }
    if (v < key.min()) {
      errors.error(line, path, "must be at least " + key.min() + ", got " + v);
      return null;
    }
    return v;
  }

  public Boolean bool(Scalar s, String text, int line, String path) {
    if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(text);
    }
    errors.error(line, path, "expected true or false, got " + s.describe());
    return null;
  }

  /** One of {@code key.choices()}; {@code what} names a wrong one ("unknown value"). */
  public String choice(KeySpec key, String text, int line, String path, String what) {
    if (key.choices().contains(text)) {
      return text;
    }
    errors.error(line, path, what + " '" + text + "' (expected one of: " + String.join(", ", key.choices()) + ")");
    return null;
  }

  /** host:port[,host:port...], without the spaces; {@code example} is shown when it is not. */
  public String servers(String text, int line, String path, String example) {
    for (String server : text.split(",", -1)) {
      if (!isHostPort(server.trim())) {
        errors.error(line, path, "'" + text + "' is not a list of host:port (e.g. " + example + ")");
        return null;
      }
    }
    return text.replace(" ", "");
  }

  public static boolean isHostPort(String s) {
    int colon = s.lastIndexOf(':');
    if (colon <= 0 || colon == s.length() - 1) {
      return false;
    }
    String port = s.substring(colon + 1);
    if (!port.chars().allMatch(Character::isDigit) || port.length() > 5) {
      return false;
    }
    int p = Integer.parseInt(port);
    return p >= 1 && p <= 65535 && s.substring(0, colon).chars().noneMatch(Character::isWhitespace);
  }

  public static boolean isHttpUrl(String s) {
    try {
      URI u = new URI(s);
      return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
