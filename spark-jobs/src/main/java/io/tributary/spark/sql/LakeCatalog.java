package io.tributary.spark.sql;

import io.tributary.spark.JobException;
import io.tributary.config.YamlTree;
import io.tributary.config.YamlTree.MapNode;
import io.tributary.config.YamlTree.Scalar;
import io.tributary.spark.config.ConfigLoader;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Lake tables known by name: a folder with one small file per table, {@code <name>.yaml} (or .yml, .json)
 * holding {@code path: <URI or local path>}; the file's name is the table's name. Also parses
 * {@code --table name=URI} options. Relative paths are resolved against the folder (or the working
 * directory for options).
 */
public final class LakeCatalog {
  /** Largest catalog file read. */
  static final long MAX_FILE_BYTES = 64 * 1024;
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:.*");

  private LakeCatalog() {}

  /** A table: its SQL name, its location (a Hadoop URI) and where it was defined (for messages). */
  public record TableRef(String name, String uri, String definedBy) {}

  /** {@code $TRIBUTARY_HOME/.local/catalog}, else {@code <tributary.home>/.local/catalog}. */
  public static Path defaultDir() {
    String env = System.getenv("TRIBUTARY_HOME");
    String root = env != null && !env.isBlank() ? env : System.getProperty("tributary.home", ".");
    return Path.of(root, ".local", "catalog");
  }

  /** Every table of the folder; empty when the folder does not exist. */
  public static List<TableRef> read(Path dir) {
    List<TableRef> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(f -> f.getFileName().toString().matches(".+\\.(yaml|yml|json)")).sorted().toList();
    } catch (IOException e) {
      throw new JobException("cannot list the catalog folder " + dir + ": " + e.getMessage(), e);
    }
    for (Path f : files) {
      out.add(readOne(f));
    }
    return out;
  }

  static TableRef readOne(Path file) {
    String base = file.getFileName().toString().replaceFirst("\\.(yaml|yml|json)$", "");
    if (!NAME.matcher(base).matches()) {
      throw new JobException(file + ": '" + base + "' is not a table name (a letter or '_', then letters, digits, '_'): rename the file");
    }
    String text;
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new JobException(file + ": larger than " + MAX_FILE_BYTES + " bytes; a table definition is one line");
      }
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new JobException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
    YamlTree.Document doc = YamlTree.read(text, ConfigLoader.WORDING);
    if (!doc.problems().isEmpty()) {
      YamlTree.Problem p = doc.problems().get(0);
      throw new JobException(file + ":" + p.line() + ": " + (p.key() == null ? "" : p.key() + ": ") + p.message());
    }
    if (!(doc.root() instanceof MapNode map)) {
      throw new JobException(file + ":1: expected 'path: <URI or local path>'");
    }
    for (YamlTree.Entry e : map.entries().values()) {
      if (!e.key().equals("path") && !e.key().equals("description")) {
        throw new JobException(file + ":" + e.line() + ": " + e.key() + ": unknown key (expected path, description)");
      }
    }
    YamlTree.Entry path = map.entries().get("path");
    if (path == null || !(path.value() instanceof Scalar s) || s.isNull()) {
      throw new JobException(file + ":" + (path == null ? map.line() : path.line())
          + ": path: required (the table's location: file:///..., hdfs://..., or a local path)");
    }
    String where = file + ":" + path.line();
    return new TableRef(base, location(s.text().trim(), file.toAbsolutePath().getParent(), where), where);
  }

  /** {@code --table name=LOCATION}. */
  public static TableRef option(String spec, Path workingDir) {
    int eq = spec.indexOf('=');
    if (eq <= 0 || eq == spec.length() - 1) {
      throw new JobException("--table " + spec + ": expected NAME=LOCATION (e.g. orders=file:///tmp/lake/orders)");
    }
    String name = spec.substring(0, eq).trim();
    if (!NAME.matcher(name).matches()) {
      throw new JobException("--table " + spec + ": '" + name + "' is not a table name (a letter or '_', then letters, digits, '_')");
    }
    return new TableRef(name, location(spec.substring(eq + 1).trim(), workingDir, "--table " + spec), "--table " + spec);
  }

  static String location(String text, Path base, String where) {
    if (SCHEME.matcher(text).matches() && !(text.length() > 1 && text.charAt(1) == ':')) {
      try {
        URI u = new URI(text);
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("file") && u.getAuthority() != null) {
          throw new JobException(where + ": '" + text + "' names a host; a local path needs three slashes (file:///...)");
        }
        if (u.getPath() == null || u.getPath().isEmpty()) {
          throw new JobException(where + ": '" + text + "' has no path");
        }
        return strip(u.normalize().toString());
      } catch (URISyntaxException e) {
        throw new JobException(where + ": '" + text + "' is not a valid URI");
      }
    }
    return strip(base.resolve(text).normalize().toUri().toString());
  }

  private static String strip(String s) {
    return s.endsWith("/") && !s.endsWith(":///") ? s.substring(0, s.length() - 1) : s;
  }
}
