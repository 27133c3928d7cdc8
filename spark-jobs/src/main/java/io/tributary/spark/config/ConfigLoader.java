package io.tributary.spark.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.spark.config.ConfigKeys.Key;
import io.tributary.spark.config.ConfigKeys.Presence;
import io.tributary.spark.config.ConfigKeys.Type;
import io.tributary.spark.config.YamlTree.Entry;
import io.tributary.spark.config.YamlTree.ListNode;
import io.tributary.spark.config.YamlTree.MapNode;
import io.tributary.spark.config.YamlTree.Node;
import io.tributary.spark.config.YamlTree.Scalar;
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
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads a job file and validates all of it before Spark starts: every error is collected, each naming the
 * file, line and key ({@code jobs/ingest.yaml:7: source.topic: required key is missing}), and thrown together
 * as a {@link ConfigException}. A file that passes yields a {@link JobConfig} with every default applied.
 */
public final class ConfigLoader {
  /** Largest job file read (a job file is a few dozen lines). */
  public static final long MAX_FILE_BYTES = 256 * 1024;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,249}");
  private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
  private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]{1,19}");
  private static final Pattern FIELD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern URI_WITH_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:.*");
  private static final ObjectMapper JSON = new ObjectMapper();

  private ConfigLoader() {}

  /** Reads and validates {@code file} as the configuration of {@code job}. */
  public static JobConfig load(JobKind job, Path file) throws ConfigException {
    String text;
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        throw fail(file, "the file is " + size + " bytes; a job file may have at most " + MAX_FILE_BYTES);
      }
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    } catch (CharacterCodingException e) {
      throw fail(file, "the file is not UTF-8 text");
    } catch (java.nio.file.NoSuchFileException e) {
      throw fail(file, "no such file");
    } catch (IOException e) {
      throw fail(file, "cannot read the file (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
    }
    return parse(job, file, text);
  }

  /** Validates {@code text} as if read from {@code file} (which names errors and anchors relative paths). */
  public static JobConfig parse(JobKind job, Path file, String text) throws ConfigException {
    Run run = new Run(job, file);
    JobConfig config = run.config(text);
    if (!run.errors.isEmpty()) {
      List<ConfigError> sorted = new ArrayList<>(run.errors);
      sorted.sort(Comparator.comparingInt(ConfigError::line));
      throw new ConfigException(sorted);
    }
    return config;
  }

  private static ConfigException fail(Path file, String message) {
    return new ConfigException(List.of(new ConfigError(file, 0, null, message)));
  }

  /** The checked values of one mapping: absent keys with a default hold it; absent optional keys are missing. */
  private record Section(String name, int line, Map<String, Object> values, Map<String, Integer> lines) {
    Object get(String key) {
      return values.get(key);
    }

    boolean given(String key) {
      return lines.containsKey(key);
    }

    int lineOf(String key) {
      return lines.getOrDefault(key, line);
    }

    @SuppressWarnings("unchecked")
    <T> T as(String key) {
      return (T) values.get(key);
    }
  }

  private static final class Run {
    final JobKind job;
    final Path file;
    final Path baseDir;
    final List<ConfigError> errors = new ArrayList<>();
    final Map<String, Integer> keyLines = new TreeMap<>();

    Run(JobKind job, Path file) {
      this.job = job;
      this.file = file;
      Path parent = file.toAbsolutePath().getParent();
      this.baseDir = parent == null ? Path.of("").toAbsolutePath() : parent;
    }

    void error(int line, String key, String message) {
      errors.add(new ConfigError(file, line, key, message));
    }

    JobConfig config(String text) {
      YamlTree.Document doc = YamlTree.read(text);
      doc.problems().forEach(p -> error(p.line(), p.key(), p.message()));
      if (doc.root() == null) {
        return null;
      }
      if (!(doc.root() instanceof MapNode root)) {
        error(doc.root().line(), null, "a job file is a mapping of keys (name, source, table, ...), got "
            + doc.root().describe());
        return null;
      }
      Section top = check("", root, 1);
      Map<String, Section> sections = new LinkedHashMap<>();
      for (String name : ConfigKeys.SECTIONS) {
        Key key = ConfigKeys.find("", name);
        if (!key.jobs().contains(job)) {
          continue; // given anyway: reported by check("")
        }
        Object raw = top.get(name);
        if (raw == null && key.presence() == Presence.REQUIRED) {
          continue; // reported as missing by check("")
        }
        if (raw == null) {
          sections.put(name, check(name, new MapNode(top.lineOf(name), Map.of()), top.lineOf(name)));
        } else if (raw instanceof MapNode node) {
          sections.put(name, check(name, node, top.lineOf(name)));
        } else {
          error(top.lineOf(name), name, "expected a mapping of keys, got " + ((Node) raw).describe());
        }
      }
      crossChecks(sections);
      if (!errors.isEmpty()) {
        return null;
      }
      return build(top, sections);
    }

    /** Checks the entries of one mapping against the keys of {@code section} that apply to this job. */
    Section check(String section, MapNode node, int line) {
      Map<String, Object> values = new LinkedHashMap<>();
      Map<String, Integer> lines = new LinkedHashMap<>();
      for (Entry e : node.entries().values()) {
        String path = section.isEmpty() ? e.key() : section + "." + e.key();
        Key key = ConfigKeys.find(section, e.key());
        if (key == null) {
          error(e.line(), path, unknownKey(section, e.key()));
          continue;
        }
        if (!key.jobs().contains(job)) {
          error(e.line(), path, "does not apply to job " + job + " (it is a key of: "
              + key.jobs().stream().map(JobKind::jobName).collect(Collectors.joining(", ")) + ")");
          continue;
        }
        keyLines.put(path, e.line());
        if (e.value() instanceof Scalar s && s.isNull()) {
          if (key.presence() == Presence.REQUIRED) {
            error(e.line(), path, "required key has no value");
          }
          continue; // "key:" with nothing: not set, its default applies
        }
        lines.put(key.name(), e.line());
        if (key.type() == Type.SECTION) {
          values.put(key.name(), e.value());
          continue;
        }
        Object v = convert(key, e.value(), path);
        if (v != null) {
          values.put(key.name(), v);
        }
      }
      for (Key key : ConfigKeys.keysOf(section)) {
        if (!key.jobs().contains(job) || lines.containsKey(key.name())) {
          continue;
        }
        String path = key.path();
        boolean givenEmpty = node.entries().containsKey(key.name());
        if (key.presence() == Presence.REQUIRED && !givenEmpty) {
          error(line, path, "required key is missing" + (key.type() == Type.SECTION ? " (a section)" : ""));
        } else if (key.presence() == Presence.DEFAULT) {
          values.put(key.name(), convert(key, new Scalar(line, key.defaultValue(), YamlTree.Kind.STRING), path));
        }
      }
      return new Section(section, line, values, lines);
    }

    String unknownKey(String section, String name) {
      for (String s : ConfigKeys.SECTIONS) {
        if (!s.equals(section) && ConfigKeys.find(s, name) != null && section.isEmpty()) {
          return "unknown key (it is a key of section '" + s + "': write it under '" + s + ":')";
        }
      }
      List<Key> known = ConfigKeys.keysOf(section).stream().filter(k -> k.jobs().contains(job)).toList();
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
      return "unknown key" + (known.isEmpty() ? "" : " (expected one of: "
          + known.stream().map(Key::name).collect(Collectors.joining(", ")) + ")");
    }

    // ---- values ----

    Object convert(Key key, Node node, String path) {
      int line = node.line();
      if (key.type() == Type.FIELDS && node instanceof ListNode list) {
        return fieldList(list, path);
      }
      if (key.type() == Type.MAP) {
        return map(node, path);
      }
      if (!(node instanceof Scalar s)) {
        error(line, path, "expected " + expected(key) + ", got " + node.describe());
        return null;
      }
      String text = s.text().trim();
      switch (key.type()) {
        case STRING:
          if (text.isEmpty()) {
            error(line, path, "must not be empty");
            return null;
          }
          return text;
        case NAME:
          if (!NAME.matcher(text).matches() || text.equals(".") || text.equals("..")) {
            error(line, path, "'" + text + "' is not a valid name (letters, digits, '.', '_', '-')");
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
            if (!FIELD.matcher(f.trim()).matches()) {
              error(line, path, "'" + text + "' is not a field name or a comma-separated list of field names");
              return null;
            }
            fields.add(f.trim());
          }
          return List.copyOf(fields);
        }
        case INTEGER: {
          if (!INTEGER.matcher(text).matches()) {
            error(line, path, "expected an integer, got " + s.describe());
            return null;
          }
          long v;
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
          error(line, path, "unknown value '" + text + "' (expected one of: " + String.join(", ", key.choices()) + ")");
          return null;
        case PATH_OR_URI:
          return pathOrUri(text, line, path);
        case HTTP_URL:
          for (String u : text.split(",", -1)) {
            if (!isHttpUrl(u.trim())) {
              error(line, path, "'" + text + "' is not an http:// or https:// URL (e.g. "
                  + ConfigKeys.DEFAULT_REGISTRY_URL + ")");
              return null;
            }
          }
          return text.replace(" ", "");
        case SERVERS:
          for (String server : text.split(",", -1)) {
            if (!isHostPort(server.trim())) {
              error(line, path, "'" + text + "' is not a list of host:port (e.g. " + ConfigKeys.DEFAULT_BOOTSTRAP_SERVERS + ")");
              return null;
            }
          }
          return text.replace(" ", "");
        case OFFSETS:
          return offsets(key, text, line, path);
        case TIMESTAMP:
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
          error(line, path, "'" + text + "' is not a timestamp (milliseconds since the epoch, or ISO-8601 such as 2024-05-01T12:00:00Z)");
          return null;
        case DURATION: {
          long ms;
          try {
            ms = Durations.parseMs(text);
          } catch (ArithmeticException e) {
            ms = -1;
          }
          if (ms <= 0) {
            error(line, path, "'" + text + "' is not a duration above zero (e.g. 500ms, 10s, 5m, 1h, 1d)");
            return null;
          }
          return ms;
        }
        case VERSION:
          if (text.equals("latest")) {
            return -1;
          }
          if (INTEGER.matcher(text).matches() && text.length() < 10 && Integer.parseInt(text) >= 1) {
            return Integer.parseInt(text);
          }
          error(line, path, "expected 'latest' or a version number (1, 2, ...), got " + s.describe());
          return null;
        default:
          throw new IllegalStateException("no conversion for " + key.type() + " of " + key.path());
      }
    }

    List<String> fieldList(ListNode list, String path) {
      if (list.items().isEmpty()) {
        error(list.line(), path, "must name at least one field");
        return null;
      }
      List<String> out = new ArrayList<>();
      for (Node item : list.items()) {
        if (!(item instanceof Scalar s) || !FIELD.matcher(s.text().trim()).matches()) {
          error(item.line(), path, "expected a field name, got " + item.describe());
          return null;
        }
        out.add(s.text().trim());
      }
      return List.copyOf(out);
    }

    Map<String, String> map(Node node, String path) {
      if (!(node instanceof MapNode m)) {
        error(node.line(), path, "expected a mapping of names to values, got " + node.describe());
        return null;
      }
      Map<String, String> out = new LinkedHashMap<>();
      for (Entry e : m.entries().values()) {
        if (!(e.value() instanceof Scalar s) || s.isNull()) {
          error(e.line(), path + "." + e.key(), "expected a value (text, number or boolean), got " + e.value().describe());
          continue;
        }
        out.put(e.key(), s.text());
      }
      return out;
    }

    Object offsets(Key key, String text, int line, String path) {
      if (text.equals("earliest") || text.equals("latest")) {
        if (key.name().equals("ending.offsets") && text.equals("earliest")) {
          error(line, path, "'earliest' cannot end a batch (use latest or JSON offsets)");
          return null;
        }
        return text;
      }
      String usage = "expected earliest, latest or JSON offsets per partition such as {\"orders\":{\"0\":42,\"1\":-2}}";
      JsonNode n;
      try {
        n = JSON.readTree(text);
      } catch (IOException e) {
        error(line, path, "'" + text + "' is not valid: " + usage);
        return null;
      }
      if (n == null || !n.isObject() || n.size() == 0) {
        error(line, path, usage);
        return null;
      }
      for (Iterator<Map.Entry<String, JsonNode>> topics = n.fields(); topics.hasNext(); ) {
        Map.Entry<String, JsonNode> t = topics.next();
        if (!t.getValue().isObject() || t.getValue().size() == 0) {
          error(line, path, "topic '" + t.getKey() + "': " + usage);
          return null;
        }
        for (Iterator<Map.Entry<String, JsonNode>> parts = t.getValue().fields(); parts.hasNext(); ) {
          Map.Entry<String, JsonNode> p = parts.next();
          if (!p.getKey().matches("[0-9]{1,9}") || !p.getValue().canConvertToLong() || !p.getValue().isIntegralNumber()
              || p.getValue().asLong() < -2) {
            error(line, path, "topic '" + t.getKey() + "' partition '" + p.getKey()
                + "': partitions are numbers and offsets are integers >= -2 (-2 earliest, -1 latest)");
            return null;
          }
        }
      }
      return n.toString();
    }

    String pathOrUri(String text, int line, String path) {
      if (URI_WITH_SCHEME.matcher(text).matches() && !(text.length() > 1 && text.charAt(1) == ':')) {
        URI u;
        try {
          u = new URI(text);
        } catch (URISyntaxException e) {
          error(line, path, "'" + text + "' is not a valid URI");
          return null;
        }
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("file") && u.getAuthority() != null) {
          error(line, path, "'" + text + "' names the host '" + u.getAuthority()
              + "'; a local path needs three slashes, as in file:///" + u.getAuthority() + u.getPath());
          return null;
        }
        if (u.getPath() == null || u.getPath().isEmpty() || u.getPath().equals("/")) {
          error(line, path, "'" + text + "' has no path (e.g. file:///tmp/lake/orders or hdfs://namenode:8020/lake/orders)");
          return null;
        }
        if (u.getQuery() != null || u.getFragment() != null) {
          error(line, path, "'" + text + "' must not have a query (?) or fragment (#)");
          return null;
        }
        return stripSlash(u.normalize().toString());
      }
      try {
        return stripSlash(baseDir.resolve(text).normalize().toUri().toString());
      } catch (InvalidPathException e) {
        error(line, path, "'" + text + "' is not a valid local path (" + e.getReason() + ")");
        return null;
      }
    }

    // ---- the typed model (only built when there are no errors) ----

    JobConfig build(Section top, Map<String, Section> s) {
      String name = top.given("name") ? top.as("name") : "tributary-" + job.jobName();
      Map<String, String> spark = top.given("spark") ? top.as("spark") : Map.of();

      Section tb = s.get("table");
      String tablePath = tb.as("path");
      String tableName = tb.given("name") ? tb.as("name") : tableNameOf(tablePath);
      if (tableName == null) {
        error(tb.lineOf("path"), "table.name", "cannot derive a table name from '" + tablePath
            + "' (letters, digits and '_' only): set table.name");
      }
      JobConfig.Table table = new JobConfig.Table(tablePath, tableName, tb.as("type"),
          tb.get("record.key") == null ? List.of() : tb.as("record.key"),
          tb.as("precombine.field"), tb.given("partition.path") ? tb.as("partition.path") : List.of(),
          tb.given("options") ? tb.as("options") : Map.of());

      JobConfig.Source source = null;
      JobConfig.SchemaRef schema = null;
      JobConfig.Quarantine quarantine = null;
      if (job.readsTopic()) {
        Section src = s.get("source");
        source = source(src);
        Section sc = s.get("schema");
        int version = sc.as("version");
        schema = new JobConfig.SchemaRef(sc.as("registry.url"),
            sc.given("subject") ? sc.as("subject") : source.topic() + "-value",
            version < 0 ? OptionalInt.empty() : OptionalInt.of(version));
        Section q = s.get("quarantine");
        String qPath = q.given("path") ? q.as("path") : tablePath + "_quarantine";
        String qName = q.given("name") ? q.as("name") : (tableName == null ? "quarantine" : tableName + "_quarantine");
        if (qPath.equals(tablePath)) {
          error(q.lineOf("path"), "quarantine.path", "is the table's own path: use another directory");
        }
        quarantine = new JobConfig.Quarantine(qPath, qName);
      }
      JobConfig.Stream stream = null;
      if (job.streaming()) {
        Section st = s.get("stream");
        String checkpoint = st.given("checkpoint") ? st.as("checkpoint") : tablePath + "_checkpoint";
        if (checkpoint.equals(tablePath)) {
          error(st.lineOf("checkpoint"), "stream.checkpoint", "is the table's own path: use another directory");
        }
        stream = new JobConfig.Stream(checkpoint,
            "available-now".equals(st.as("trigger")) ? JobConfig.Trigger.AVAILABLE_NOW : JobConfig.Trigger.PROCESSING_TIME,
            (Long) st.as("trigger.interval"));
      }
      JobConfig.Window window = null;
      if (job == JobKind.AGGREGATE) {
        Section w = s.get("window");
        long duration = w.as("duration");
        long slide = w.given("slide") ? w.as("slide") : duration;
        window = new JobConfig.Window(w.as("event.time.field"),
            JobConfig.TimeUnit.valueOf(((String) w.as("event.time.unit")).toUpperCase(Locale.ROOT)), duration, slide,
            w.as("watermark.delay"), w.given("group.by") ? w.as("group.by") : List.of(),
            w.given("sum") ? w.as("sum") : List.of());
      }
      JobConfig.Report report = null;
      if (job == JobKind.BATCH_REPORT) {
        Section r = s.get("report");
        report = new JobConfig.Report(r.given("id") ? r.as("id") : name,
            r.given("group.by") ? r.as("group.by") : List.of(), r.given("measures") ? r.as("measures") : List.of(),
            r.given("count.distinct") ? r.as("count.distinct") : List.of(), r.as("print"));
      }
      JobConfig.Service service = null;
      if (job == JobKind.COMPACT || job == JobKind.CLEAN) {
        Section sv = s.get("service");
        service = new JobConfig.Service(small(sv, "min.delta.commits"), small(sv, "retain.commits"),
            small(sv, "retain.file.versions"));
      }
      if (!errors.isEmpty()) {
        return null;
      }
      return new JobConfig(file, job, name, spark, source, schema, table, quarantine, stream, window, report,
          service, Map.copyOf(keyLines));
    }

    /** Rules across keys; run even when some values were bad, so that one pass reports everything. */
    void crossChecks(Map<String, Section> s) {
      Section src = s.get("source");
      if (src != null) {
        for (String end : List.of("starting", "ending")) {
          if (src.given(end + ".timestamp") && src.given(end + ".offsets")) {
            error(src.lineOf(end + ".timestamp"), "source." + end + ".timestamp",
                "give " + end + ".offsets or " + end + ".timestamp, not both");
          }
        }
        Long from = src.as("starting.timestamp");
        Long to = src.as("ending.timestamp");
        if (from != null && to != null && from >= to) {
          error(src.lineOf("ending.timestamp"), "source.ending.timestamp", "must be after source.starting.timestamp");
        }
        String topic = src.as("topic");
        for (String k : List.of("starting.offsets", "ending.offsets")) {
          String v = src.as(k);
          if (topic != null && v != null && v.startsWith("{")) {
            try {
              JSON.readTree(v).fieldNames().forEachRemaining(t -> {
                if (!t.equals(topic)) {
                  error(src.lineOf(k), "source." + k, "names topic '" + t + "' but the job reads '" + topic + "'");
                }
              });
            } catch (IOException e) {
              throw new IllegalStateException("checked when converted", e);
            }
          }
        }
      }
      Section w = s.get("window");
      if (w != null && w.given("slide") && w.as("slide") != null && w.as("duration") != null
          && (Long) w.as("slide") > (Long) w.as("duration")) {
        error(w.lineOf("slide"), "window.slide", "is longer than window.duration (" + w.as("slide") + " ms > "
            + w.as("duration") + " ms): events between windows would be lost");
      }
      Section sv = s.get("service");
      if (sv != null && sv.given("retain.commits") && sv.given("retain.file.versions")) {
        error(sv.lineOf("retain.file.versions"), "service.retain.file.versions",
            "give retain.commits or retain.file.versions, not both");
      }
    }

    /** An int-sized key of a section (0 when it does not apply to the job). */
    int small(Section sec, String key) {
      Long v = sec.as(key);
      if (v == null) {
        return 0;
      }
      if (v > Integer.MAX_VALUE) {
        error(sec.lineOf(key), sec.name() + "." + key, "must be at most " + Integer.MAX_VALUE);
        return 0;
      }
      return v.intValue();
    }

    JobConfig.Source source(Section src) {
      String topic = src.as("topic");
      boolean startTs = src.given("starting.timestamp");
      boolean endTs = src.given("ending.timestamp");
      return new JobConfig.Source(topic, src.as("bootstrap.servers"), src.as("starting.offsets"),
          job == JobKind.BATCH_REPORT ? src.as("ending.offsets") : null,
          startTs ? OptionalLong.of(src.as("starting.timestamp")) : OptionalLong.empty(),
          endTs ? OptionalLong.of(src.as("ending.timestamp")) : OptionalLong.empty(),
          src.given("max.offsets.per.trigger") ? OptionalLong.of(src.as("max.offsets.per.trigger")) : OptionalLong.empty(),
          src.given("options") ? src.as("options") : Map.of());
    }
  }

  /** The last segment of a table path as a table name, or null when it cannot be one. */
  static String tableNameOf(String path) {
    String p = stripSlash(path);
    String last = p.substring(p.lastIndexOf('/') + 1).replace('-', '_').replace('.', '_');
    return TABLE_NAME.matcher(last).matches() ? last : null;
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") && s.length() > 1 && !s.endsWith(":///") ? s.substring(0, s.length() - 1) : s;
  }

  private static boolean isHttpUrl(String s) {
    try {
      URI u = new URI(s);
      return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
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
      case FIELDS -> "a field name, a comma-separated list or a YAML list";
      case DURATION -> "a duration (10s, 5m)";
      case TIMESTAMP -> "a timestamp";
      default -> "a single value";
    };
  }

  /** Levenshtein distance, for "did you mean" (key names are short). */
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
