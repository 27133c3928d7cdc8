package io.tributary.spark.config;

import io.tributary.config.ConfigFile;
import io.tributary.config.ConfigFile.UnreadableException;
import io.tributary.config.DidYouMean;
import io.tributary.config.Presence;
import io.tributary.config.YamlTree;
import io.tributary.config.YamlTree.Entry;
import io.tributary.config.YamlTree.Kind;
import io.tributary.config.YamlTree.MapNode;
import io.tributary.config.YamlTree.Node;
import io.tributary.config.YamlTree.Scalar;
import io.tributary.config.YamlTree.Wording;
import io.tributary.spark.config.ConfigKeys.Key;
import io.tributary.spark.config.ConfigKeys.Type;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Reads a job file and validates all of it before Spark starts: every error is collected, each naming the
 * file, line and key ({@code jobs/ingest.yaml:7: source.topic: required key is missing}), and thrown together
 * as a {@link ConfigException}. A file that passes yields a {@link JobConfig} with every default applied.
 */
public final class ConfigLoader {
  /** Largest job file read (a job file is a few dozen lines). */
  public static final long MAX_FILE_BYTES = 256 * 1024;

  /** How job files (and the table files of {@code spark sql}) name problems of the whole document. */
  public static final Wording WORDING =
      new Wording("the file is empty", "a second YAML document ('---'): one per file", false);

  private ConfigLoader() {}

  /** Reads and validates {@code file} as the configuration of {@code job}. */
  public static JobConfig load(JobKind job, Path file) throws ConfigException {
    String text;
    try {
      text = ConfigFile.readUtf8(file, MAX_FILE_BYTES, "a job file");
    } catch (UnreadableException e) {
      throw fail(file, e.getCause() instanceof NoSuchFileException ? "no such file" : e.getMessage());
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
    final List<ConfigError> errors = new ArrayList<>();
    final Map<String, Integer> keyLines = new TreeMap<>();
    final JobValues jobValues;

    Run(JobKind job, Path file) {
      this.job = job;
      this.file = file;
      Path parent = file.toAbsolutePath().getParent();
      this.jobValues = new JobValues(this::error, parent == null ? Path.of("").toAbsolutePath() : parent);
    }

    void error(int line, String key, String message) {
      errors.add(new ConfigError(file, line, key, message));
    }

    JobConfig config(String text) {
      YamlTree.Document doc = YamlTree.read(text, WORDING);
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
        Object v = jobValues.convert(key, e.value(), path);
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
          values.put(key.name(), jobValues.convert(key, new Scalar(line, key.defaultValue(), Kind.STRING), path));
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
      return DidYouMean.unknownKey(name, known.stream().map(Key::name).toList());
    }

    // ---- the typed model (only built when there are no errors) ----

    JobConfig build(Section top, Map<String, Section> s) {
      String name = top.given("name") ? top.as("name") : "tributary-" + job.jobName();
      Map<String, String> spark = top.given("spark") ? top.as("spark") : Map.of();

      Section tb = s.get("table");
      String tablePath = tb.as("path");
      String tableName = tb.given("name") ? tb.as("name") : JobValues.tableNameOf(tablePath);
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
        source = secured(source(src), s.get("security"));
        Section sc = s.get("schema");
        int version = sc.as("version");
        schema = new JobConfig.SchemaRef(sc.as("registry.url"),
            sc.given("subject") ? sc.as("subject") : source.topic() + "-value",
            version < 0 ? OptionalInt.empty() : OptionalInt.of(version), Map.copyOf(registrySecurity(s.get("security"))));
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
      securityChecks(s.get("security"));
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
              JobValues.JSON.readTree(v).fieldNames().forEachRemaining(t -> {
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

    /** The security section's keys must agree with each other, as Kafka's and Confluent's clients require. */
    void securityChecks(Section sec) {
      if (sec == null) {
        return;
      }
      String protocol = sec.as("security.protocol");
      boolean sasl = protocol != null && protocol.startsWith("SASL_");
      boolean tls = "SSL".equals(protocol) || "SASL_SSL".equals(protocol);
      for (String key : List.of("sasl.mechanism", "sasl.jaas.config")) {
        if (sasl && !sec.given(key)) {
          error(sec.lineOf("security.protocol"), "security." + key, "required when security.protocol is " + protocol);
        } else if (!sasl && sec.given(key)) {
          error(sec.lineOf(key), "security." + key, "only applies when security.protocol is SASL_PLAINTEXT or SASL_SSL (it is " + protocol + ")");
        }
      }
      for (String key : sec.lines().keySet()) {
        if (key.startsWith("ssl.") && !tls) {
          error(sec.lineOf(key), "security." + key, "only applies when security.protocol is SSL or SASL_SSL (it is " + protocol + ")");
        }
      }
      if (sasl && sec.given("sasl.mechanism") && sec.given("sasl.jaas.config")) {
        String module = ((String) sec.as("sasl.mechanism")).startsWith("SCRAM-") ? "ScramLoginModule" : "PlainLoginModule";
        if (!((String) sec.as("sasl.jaas.config")).contains(module + " required")) {
          error(sec.lineOf("sasl.jaas.config"), "security.sasl.jaas.config", "sasl.mechanism " + sec.as("sasl.mechanism")
              + " needs the " + module + " (org.apache.kafka.common.security..." + module + " required username=\"...\" password=\"...\";)");
        }
      }
      if ("USER_INFO".equals(sec.as("basic.auth.credentials.source")) && !sec.given("basic.auth.user.info")) {
        error(sec.lineOf("basic.auth.credentials.source"), "security.basic.auth.user.info",
            "required when basic.auth.credentials.source is USER_INFO (USER:PASSWORD)");
      }
      if (sec.given("basic.auth.user.info") && ((String) sec.as("basic.auth.user.info")).indexOf(':') <= 0) {
        error(sec.lineOf("basic.auth.user.info"), "security.basic.auth.user.info", "must be USER:PASSWORD");
      }
    }

    /** Kafka keys of the security section as Spark's Kafka source options ({@code kafka.} prefix), paths resolved. */
    Map<String, String> kafkaSecurityOptions(Section sec) {
      Map<String, String> out = new LinkedHashMap<>();
      if (sec == null) {
        return out;
      }
      for (Map.Entry<String, Object> e : sec.values().entrySet()) {
        if (sec.given(e.getKey()) && !e.getKey().startsWith("basic.auth.") && !e.getKey().startsWith("schema.registry.")) {
          out.put("kafka." + e.getKey(), resolved(e.getKey(), String.valueOf(e.getValue())));
        }
      }
      return out;
    }

    /** Registry client keys of the security section (Confluent's names), paths resolved. */
    Map<String, String> registrySecurity(Section sec) {
      Map<String, String> out = new LinkedHashMap<>();
      if (sec == null) {
        return out;
      }
      for (Map.Entry<String, Object> e : sec.values().entrySet()) {
        if (sec.given(e.getKey()) && (e.getKey().startsWith("basic.auth.") || e.getKey().startsWith("schema.registry."))) {
          out.put(e.getKey(), resolved(e.getKey(), String.valueOf(e.getValue())));
        }
      }
      if (out.containsKey("basic.auth.user.info")) {
        out.putIfAbsent("basic.auth.credentials.source", "USER_INFO");
      }
      return out;
    }

    private String resolved(String key, String value) {
      Path parent = file.toAbsolutePath().getParent();
      return key.endsWith("store.location") && parent != null ? parent.resolve(value).normalize().toString() : value;
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

    /** The source with the security section's Kafka keys added to its options (options given in the file win). */
    JobConfig.Source secured(JobConfig.Source s, Section sec) {
      Map<String, String> options = kafkaSecurityOptions(sec);
      if (options.isEmpty()) {
        return s;
      }
      options.putAll(s.options());
      return new JobConfig.Source(s.topic(), s.bootstrapServers(), s.startingOffsets(), s.endingOffsets(),
          s.startingTimestampMs(), s.endingTimestampMs(), s.maxOffsetsPerTrigger(), Map.copyOf(options));
    }
  }
}
