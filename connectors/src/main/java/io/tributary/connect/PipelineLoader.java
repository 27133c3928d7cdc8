package io.tributary.connect;

import io.tributary.connect.PipelineKeys.Key;
import io.tributary.connect.PipelineKeys.Presence;
import io.tributary.connect.PipelineKeys.Type;
import io.tributary.connect.YamlTree.Entry;
import io.tributary.connect.YamlTree.Kind;
import io.tributary.connect.YamlTree.ListNode;
import io.tributary.connect.YamlTree.MapNode;
import io.tributary.connect.YamlTree.Node;
import io.tributary.connect.YamlTree.Scalar;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Reads a pipeline file and validates all of it before anything starts: every error is collected, each
 * naming the file, line and key ({@code pipelines/orders.yaml:12: sink.record.key: required key is
 * missing}), and thrown together as a {@link PipelineException}. A file that passes yields a fully typed
 * {@link Pipeline} with every default applied.
 */
public final class PipelineLoader {
  /** Largest pipeline file read (a pipeline is a few dozen lines). */
  public static final long MAX_FILE_BYTES = 1024 * 1024;
  /** Most transforms in one pipeline. */
  public static final int MAX_TRANSFORMS = 64;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,249}");
  private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
  private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]+");
  private static final Pattern URI_WITH_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:.*");

  private PipelineLoader() {}

  /** Reads and validates {@code file}; relative local paths in it are resolved against its directory. */
  public static Pipeline load(Path file) throws PipelineException {
    String text;
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        throw fail(file, 0, "the file is " + size + " bytes; a pipeline file may have at most " + MAX_FILE_BYTES);
      }
      byte[] bytes = Files.readAllBytes(file);
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw fail(file, 0, "the file is not UTF-8 text");
    } catch (IOException e) {
      throw fail(file, 0, "cannot read the file (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
    }
    return parse(file, text);
  }

  /** Validates {@code text} as if read from {@code file} (which names the errors and anchors relative paths). */
  public static Pipeline parse(Path file, String text) throws PipelineException {
    Run run = new Run(file);
    Pipeline pipeline = run.pipeline(text);
    if (!run.errors.isEmpty()) {
      List<ValidationError> sorted = new ArrayList<>(run.errors);
      sorted.sort(Comparator.comparingInt(ValidationError::line)); // stable: same-line errors keep their order
      throw new PipelineException(sorted);
    }
    return pipeline;
  }

  private static PipelineException fail(Path file, int line, String message) {
    return new PipelineException(List.of(new ValidationError(file, line, 0, null, message)));
  }

  /** The keys found in one mapping, checked and converted (absent keys with a default hold the default). */
  private record Section(MapNode node, int line, String variant, Map<String, Object> values) {
    Object get(String name) {
      return values.get(name);
    }

    /** Whether the file sets {@code name} (to a value: "key:" with nothing is not set). */
    boolean given(String name) {
      Entry e = node.entries().get(name);
      return e != null && !isNull(e.value());
    }

    int lineOf(String name) {
      Entry e = node.entries().get(name);
      return e == null ? line : e.line();
    }
  }

  /** One validation: the file and the errors found so far. */
  private static final class Run {
    final Path file;
    final Path baseDir;
    final List<ValidationError> errors = new ArrayList<>();

    Run(Path file) {
      this.file = file;
      Path parent = file.toAbsolutePath().getParent();
      this.baseDir = parent == null ? Path.of("").toAbsolutePath() : parent;
    }

    void error(int line, String key, String message) {
      errors.add(new ValidationError(file, line, 0, key, message));
    }

    Pipeline pipeline(String text) {
      YamlTree.Document doc = YamlTree.read(text);
      for (YamlTree.Problem p : doc.problems()) {
        errors.add(new ValidationError(file, p.line(), p.column(), p.key(), p.message()));
      }
      if (doc.root() == null) {
        return null;
      }
      if (!(doc.root() instanceof MapNode root)) {
        error(doc.root().line(), null,
            "a pipeline file is a mapping of keys (name, source, sink, ...), got " + doc.root().describe());
        return null;
      }
      Section top = check(root, 1, "", "", "");
      Section source = variantSection(top, "source", PipelineKeys.SOURCE, "source", "source");
      Section sink = variantSection(top, "sink", PipelineKeys.SINK, "sink", "sink");
      List<Section> transforms = transforms(top);
      Section schema = plainSection(top, "schema", PipelineKeys.SCHEMA);
      Section errs = plainSection(top, "errors", PipelineKeys.ERRORS);
      crossChecks(source, sink, transforms, errs);
      if (!errors.isEmpty()) {
        return null;
      }
      return build(top, source, transforms, sink, schema, errs);
    }

    // ---- sections ----

    /** A section with a {@code type} choosing its keys (source, sink); null when absent or unusable. */
    Section variantSection(Section top, String name, String section, String path, String noun) {
      Object raw = top.get(name);
      if (raw == null) {
        return null; // missing: reported by check() when required
      }
      int line = top.lineOf(name);
      if (!(raw instanceof MapNode node)) {
        error(line, path, "expected a mapping of keys (type: ...), got " + ((Node) raw).describe());
        return null;
      }
      String variant = variantOf(node, line, section, path, noun);
      return variant == null ? null : check(node, line, section, variant, path);
    }

    /** A section without variants (schema, errors): an empty mapping when absent, so defaults apply. */
    Section plainSection(Section top, String name, String section) {
      Object raw = top.get(name);
      int line = top.lineOf(name);
      if (raw == null) {
        return check(new MapNode(line, Map.of()), line, section, "", name);
      }
      if (!(raw instanceof MapNode node)) {
        error(line, name, "expected a mapping of keys, got " + ((Node) raw).describe());
        return null;
      }
      return check(node, line, section, "", name);
    }

    List<Section> transforms(Section top) {
      List<Section> out = new ArrayList<>();
      Object raw = top.get("transforms");
      if (raw == null) {
        return out;
      }
      int line = top.lineOf("transforms");
      if (!(raw instanceof ListNode list)) {
        error(line, "transforms", "expected a list of transforms (each '- type: ...'), got " + ((Node) raw).describe());
        return out;
      }
      if (list.items().size() > MAX_TRANSFORMS) {
        error(line, "transforms", list.items().size() + " transforms; at most " + MAX_TRANSFORMS + " are allowed");
        return out;
      }
      for (int i = 0; i < list.items().size(); i++) {
        Node item = list.items().get(i);
        String path = "transforms[" + i + "]";
        if (!(item instanceof MapNode node)) {
          error(item.line(), path, "expected a mapping (type: rename|drop|filter, ...), got " + item.describe());
          out.add(null);
          continue;
        }
        String variant = variantOf(node, item.line(), PipelineKeys.TRANSFORMS, path, "transform");
        out.add(variant == null ? null : check(node, item.line(), PipelineKeys.TRANSFORMS, variant, path));
      }
      return out;
    }

    /** The {@code type} of a section, or null (with the error recorded) when missing or unknown. */
    String variantOf(MapNode node, int line, String section, String path, String noun) {
      Key typeKey = PipelineKeys.find(section, "", "type");
      Entry e = node.entries().get("type");
      if (e == null || isNull(e.value())) {
        error(e == null ? line : e.line(), path + ".type",
            e == null ? "required key is missing (one of: " + String.join(", ", typeKey.choices()) + ")"
                : "required key has no value (one of: " + String.join(", ", typeKey.choices()) + ")");
        return null;
      }
      Object v = convert(typeKey, e.value(), path + ".type", noun);
      return v == null ? null : (String) v;
    }

    /**
     * Checks every entry of {@code node} against the keys of {@code section}/{@code variant}: unknown keys,
     * wrong types, missing required keys; fills in defaults.
     */
    Section check(MapNode node, int line, String section, String variant, String path) {
      Map<String, Object> values = new LinkedHashMap<>();
      String noun = path.startsWith("transforms") ? "transform" : path;
      for (Entry e : node.entries().values()) {
        String keyPath = path.isEmpty() ? e.key() : path + "." + e.key();
        Key key = PipelineKeys.find(section, variant, e.key());
        if (key == null) {
          error(e.line(), keyPath, unknownKey(section, variant, e.key(), noun));
          continue;
        }
        if (isNull(e.value())) {
          if (key.presence() == Presence.REQUIRED) {
            error(e.line(), keyPath, "required key has no value");
          }
          continue; // an empty optional key means "not set": its default applies
        }
        if (key.type() == Type.SECTION || key.type() == Type.LIST) {
          values.put(key.name(), e.value());
          continue;
        }
        Object v = convert(key, e.value(), keyPath, noun);
        if (v != null) {
          values.put(key.name(), v);
        }
      }
      for (Key key : PipelineKeys.keysOf(section, variant)) {
        Entry given = node.entries().get(key.name());
        if (given != null && (!isNull(given.value()) || key.presence() == Presence.REQUIRED)) {
          continue; // checked above (a required key with no value is reported there)
        }
        String keyPath = path.isEmpty() ? key.name() : path + "." + key.name();
        if (key.presence() == Presence.REQUIRED) {
          error(line, keyPath, "required key is missing");
        } else if (key.presence() == Presence.DEFAULT) {
          values.put(key.name(), convert(key, new Scalar(line, key.defaultValue(), Kind.STRING), keyPath, noun));
        }
      }
      return new Section(node, line, variant, values);
    }

    String unknownKey(String section, String variant, String name, String noun) {
      List<Key> known = PipelineKeys.keysOf(section, variant);
      for (Key k : PipelineKeys.KEYS) {
        if (k.section().equals(section) && !k.variant().isEmpty() && !k.variant().equals(variant) && k.name().equals(name)) {
          return "unknown key for " + noun + " type '" + variant + "' (it is a key of " + noun + " type '" + k.variant() + "')";
        }
      }
      for (Key k : known) {
        if (k.name().startsWith(name + ".")) {
          return "unknown key (did you mean '" + k.name() + "'? keys are written flat, not nested)";
        }
      }
      String best = null;
      int bestDistance = Integer.MAX_VALUE;
      for (Key k : known) {
        int d = distance(name.toLowerCase(Locale.ROOT), k.name());
        if (d < bestDistance) {
          best = k.name();
          bestDistance = d;
        }
      }
      if (best != null && bestDistance <= Math.max(2, best.length() / 3)) {
        return "unknown key (did you mean '" + best + "'?)";
      }
      List<String> names = new ArrayList<>();
      known.forEach(k -> names.add(k.name()));
      return "unknown key (expected one of: " + String.join(", ", names) + ")";
    }

    // ---- values ----

    /** The value of {@code node} as {@code key}'s type, or null with the error recorded. */
    Object convert(Key key, Node node, String path, String noun) {
      int line = node.line();
      if (key.type() == Type.FIELD_LIST) {
        return fieldList(node, path);
      }
      if (!(node instanceof Scalar s)) {
        error(line, path, "expected " + expected(key) + ", got " + node.describe());
        return null;
      }
      String text = s.text().trim();
      switch (key.type()) {
        case STRING:
        case SCALAR:
          if (text.isEmpty()) {
            error(line, path, "must not be empty");
            return null;
          }
          return text;
        case NAME:
          if (!NAME.matcher(text).matches() || text.equals(".") || text.equals("..")) {
            error(line, path, "'" + text + "' is not a valid name (letters, digits, '.', '_', '-'; at most 249 characters)");
            return null;
          }
          return text;
        case TABLE_NAME:
          if (!TABLE_NAME.matcher(text).matches()) {
            error(line, path, "'" + text + "' is not a valid table name (a letter or '_', then letters, digits, '_')");
            return null;
          }
          return text;
        case FIELDS: {
          List<String> fields = new ArrayList<>();
          for (String f : text.split(",", -1)) {
            String t = f.trim();
            if (t.isEmpty() || t.chars().anyMatch(Character::isWhitespace)) {
              error(line, path, "'" + text + "' is not a field name or a comma-separated list of field names");
              return null;
            }
            fields.add(t);
          }
          return String.join(",", fields);
        }
        case INTEGER: {
          long v;
          if ((s.kind() != Kind.INT && s.kind() != Kind.STRING) || !INTEGER.matcher(text).matches()) {
            error(line, path, "expected an integer, got " + s.describe());
            return null;
          }
          try {
            v = Long.parseLong(text);
          } catch (NumberFormatException e) {
            error(line, path, "expected an integer, got " + s.describe() + " (out of range)");
            return null;
          }
          if (v < key.min()) {
            error(line, path, "must be at least " + key.min() + ", got " + v);
            return null;
          }
          return v;
        }
        case BOOLEAN:
          if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
          }
          error(line, path, "expected true or false, got " + s.describe());
          return null;
        case CHOICE:
          if (key.choices().contains(text)) {
            return text;
          }
          String what = key.name().equals("type") ? "unknown " + noun + " type" : "unknown value";
          error(line, path, what + " '" + text + "' (expected one of: " + String.join(", ", key.choices()) + ")");
          return null;
        case HADOOP_URI:
          return hadoopUri(text, line, path);
        case PATH_OR_URI:
          if (URI_WITH_SCHEME.matcher(text).matches() && !looksLikeWindowsDrive(text)) {
            return hadoopUri(text, line, path);
          }
          try {
            return baseDir.resolve(text).normalize().toUri();
          } catch (InvalidPathException e) {
            error(line, path, "'" + text + "' is not a valid local path (" + e.getReason() + ")");
            return null;
          }
        case HTTP_URL:
          try {
            URI u = new URI(text);
            if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null) {
              return u;
            }
          } catch (URISyntaxException e) {
            // reported below
          }
          error(line, path, "'" + text + "' is not an http:// or https:// URL (e.g. " + PipelineKeys.DEFAULT_REGISTRY_URL + ")");
          return null;
        case SERVERS:
          for (String server : text.split(",", -1)) {
            if (!isHostPort(server.trim())) {
              error(line, path, "'" + text + "' is not a list of host:port (e.g. " + PipelineKeys.DEFAULT_BOOTSTRAP_SERVERS + ")");
              return null;
            }
          }
          return text.replace(" ", "");
        default:
          throw new IllegalStateException("no conversion for " + key.type() + " of " + key.path());
      }
    }

    List<String> fieldList(Node node, String path) {
      if (!(node instanceof ListNode list)) {
        error(node.line(), path, "expected a list of field names (e.g. [a, b]), got " + node.describe());
        return null;
      }
      if (list.items().isEmpty()) {
        error(node.line(), path, "must name at least one field");
        return null;
      }
      List<String> out = new ArrayList<>();
      for (Node item : list.items()) {
        if (!(item instanceof Scalar s) || s.kind() == Kind.NULL || s.text().isBlank()) {
          error(item.line(), path, "expected a field name, got " + item.describe());
          return null;
        }
        out.add(s.text().trim());
      }
      return out;
    }

    URI hadoopUri(String text, int line, String path) {
      String invalid = "'" + text + "' is not a valid URI for a Hadoop file system (use file:// or hdfs://)";
      URI u;
      try {
        u = new URI(text);
      } catch (URISyntaxException e) {
        error(line, path, invalid);
        return null;
      }
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("file") && !scheme.equals("hdfs")) {
        error(line, path, invalid);
        return null;
      }
      if (u.getQuery() != null || u.getFragment() != null) {
        error(line, path, "'" + text + "' must not have a query (?) or fragment (#)");
        return null;
      }
      if (scheme.equals("file") && u.getAuthority() != null) {
        error(line, path, "'" + text + "' names the host '" + u.getAuthority()
            + "'; a local path needs three slashes, as in 'file:///" + u.getAuthority() + (u.getPath() == null ? "" : u.getPath()) + "'");
        return null;
      }
      if (u.getPath() == null || u.getPath().isEmpty() || u.getPath().equals("/") || !u.getPath().startsWith("/")) {
        error(line, path, "'" + text + "' has no absolute path (e.g. file:///tmp/lake/orders or hdfs://namenode:8020/lake/orders)");
        return null;
      }
      return u.normalize();
    }

    // ---- rules across keys ----

    void crossChecks(Section source, Section sink, List<Section> transforms, Section errs) {
      if (source != null && source.variant().equals("files") && source.given("csv.header")
          && source.get("format") != null && !"csv".equals(source.get("format"))) {
        error(source.lineOf("csv.header"), "source.csv.header", "only applies when source.format is 'csv'");
      }
      String sourceTopic = source != null && source.variant().equals("topic") ? (String) source.get("topic") : null;
      String sinkTopic = sink != null && sink.variant().equals("topic") ? (String) sink.get("topic") : null;
      if (sourceTopic != null && sourceTopic.equals(sinkTopic)) {
        error(sink.lineOf("topic"), "sink.topic", "'" + sinkTopic + "' is also the source topic: the pipeline would read its own output");
      }
      for (int i = 0; i < transforms.size(); i++) {
        Section t = transforms.get(i);
        if (t != null && t.variant().equals("rename") && t.get("from") != null && t.get("from").equals(t.get("to"))) {
          error(t.lineOf("to"), "transforms[" + i + "].to", "renames '" + t.get("from") + "' to itself");
        }
      }
      if (errs != null) {
        Object dlq = errs.get("dead.letter.topic");
        if ("all".equals(errs.get("tolerance")) && dlq == null && !errs.given("dead.letter.topic")) {
          error(errs.lineOf("tolerance"), "errors.dead.letter.topic",
              "required when errors.tolerance is 'all' (bad records go there: nothing is dropped silently)");
        }
        if (dlq != null && (dlq.equals(sourceTopic) || dlq.equals(sinkTopic))) {
          error(errs.lineOf("dead.letter.topic"), "errors.dead.letter.topic",
              "'" + dlq + "' is also the pipeline's " + (dlq.equals(sourceTopic) ? "source" : "sink") + " topic");
        }
      }
    }

    // ---- the typed model (only built when there are no errors) ----

    Pipeline build(Section top, Section src, List<Section> trs, Section snk, Section sch, Section err) {
      String name = (String) top.get("name");
      Source source = switch (src.variant()) {
        case "topic" -> new Source.Topic((String) src.get("topic"), (String) src.get("bootstrap.servers"),
            src.given("group") ? (String) src.get("group") : "connect-" + name,
            Source.StartPosition.valueOf(((String) src.get("start")).toUpperCase(Locale.ROOT)));
        case "files" -> new Source.Files((URI) src.get("path"),
            Source.FileFormat.valueOf(((String) src.get("format")).toUpperCase(Locale.ROOT)),
            (Boolean) src.get("csv.header"), (Long) src.get("poll.interval.ms"));
        case "generator" -> new Source.Generator((Long) src.get("keys"), (Long) src.get("rate"),
            src.get("records") == null ? OptionalLong.empty() : OptionalLong.of((Long) src.get("records")),
            (Long) src.get("seed"));
        default -> throw new IllegalStateException("unchecked source type " + src.variant());
      };
      List<Transform> transforms = new ArrayList<>();
      for (Section t : trs) {
        transforms.add(switch (t.variant()) {
          case "rename" -> new Transform.Rename((String) t.get("from"), (String) t.get("to"));
          case "drop" -> {
            @SuppressWarnings("unchecked")
            List<String> fields = (List<String>) t.get("fields");
            yield new Transform.Drop(fields);
          }
          case "filter" -> new Transform.Filter((String) t.get("field"), (String) t.get("equals"));
          default -> throw new IllegalStateException("unchecked transform type " + t.variant());
        });
      }
      Sink sink = switch (snk.variant()) {
        case "hudi" -> new Sink.Hudi((URI) snk.get("table.path"), (String) snk.get("table.name"),
            Sink.TableType.valueOf((String) snk.get("table.type")), (String) snk.get("record.key"),
            (String) snk.get("precombine.field"), Optional.ofNullable((String) snk.get("partition.path")),
            (Long) snk.get("commit.interval.ms"), (Long) snk.get("commit.records"),
            (Boolean) snk.get("metadata.enable"));
        case "topic" -> new Sink.Topic((String) snk.get("topic"), (String) snk.get("bootstrap.servers"));
        default -> throw new IllegalStateException("unchecked sink type " + snk.variant());
      };
      String subject = (String) sch.get("subject");
      if (subject == null) {
        if (source instanceof Source.Topic t) {
          subject = t.topic() + "-value";
        } else if (sink instanceof Sink.Topic t) {
          subject = t.topic() + "-value";
        } else {
          subject = name + "-value";
        }
      }
      Pipeline.Schema schema = new Pipeline.Schema((URI) sch.get("registry.url"), subject);
      Pipeline.Errors errors = new Pipeline.Errors(Optional.ofNullable((String) err.get("dead.letter.topic")),
          Pipeline.Tolerance.valueOf(((String) err.get("tolerance")).toUpperCase(Locale.ROOT)));
      return new Pipeline(file, name, source, transforms, sink, schema, errors);
    }
  }

  private static boolean isNull(Node node) {
    return node instanceof Scalar s && s.kind() == Kind.NULL;
  }

  private static boolean looksLikeWindowsDrive(String text) {
    return text.length() >= 2 && Character.isLetter(text.charAt(0)) && text.charAt(1) == ':';
  }

  private static boolean isHostPort(String s) {
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

  /** Levenshtein distance, for "did you mean" suggestions (key names are short). */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
