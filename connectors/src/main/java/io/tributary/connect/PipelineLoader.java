package io.tributary.connect;

import io.tributary.config.ConfigFile;
import io.tributary.config.ConfigFile.UnreadableException;
import io.tributary.config.DidYouMean;
import io.tributary.config.Presence;
import io.tributary.config.YamlTree;
import io.tributary.config.YamlTree.Entry;
import io.tributary.config.YamlTree.Kind;
import io.tributary.config.YamlTree.ListNode;
import io.tributary.config.YamlTree.MapNode;
import io.tributary.config.YamlTree.Node;
import io.tributary.config.YamlTree.Scalar;
import io.tributary.config.YamlTree.Wording;
import io.tributary.connect.PipelineKeys.Key;
import io.tributary.connect.PipelineKeys.Type;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

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

  private static final Wording WORDING = new Wording(
      "the file is empty; a pipeline needs at least name, source and sink",
      "a second YAML document ('---'): put one pipeline per file", true);

  private PipelineLoader() {}

  /** Reads and validates {@code file}; relative local paths in it are resolved against its directory. */
  public static Pipeline load(Path file) throws PipelineException {
    String text;
    try {
      text = ConfigFile.readUtf8(file, MAX_FILE_BYTES, "a pipeline file");
    } catch (UnreadableException e) {
      throw new PipelineException(List.of(new ValidationError(file, 0, 0, null, e.getMessage())));
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

  /** The keys found in one mapping, checked and converted (absent keys with a default hold the default). */
  private record Section(MapNode node, int line, String variant, Map<String, Object> values) {
    Object get(String name) {
      return values.get(name);
    }

    /** Whether the file sets {@code name} (to a value: "key:" with nothing is not set). */
    boolean given(String name) {
      Entry e = node.entries().get(name);
      return e != null && !YamlTree.isNull(e.value());
    }

    int lineOf(String name) {
      Entry e = node.entries().get(name);
      return e == null ? line : e.line();
    }
  }

  /** One validation: the file and the errors found so far. */
  private static final class Run {
    final Path file;
    final List<ValidationError> errors = new ArrayList<>();
    final PipelineValues pipelineValues;

    Run(Path file) {
      this.file = file;
      Path parent = file.toAbsolutePath().getParent();
      this.pipelineValues = new PipelineValues(this::error, parent == null ? Path.of("").toAbsolutePath() : parent);
    }

    void error(int line, String key, String message) {
      errors.add(new ValidationError(file, line, 0, key, message));
    }

    Pipeline pipeline(String text) {
      YamlTree.Document doc = YamlTree.read(text, WORDING);
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
      Section security = plainSection(top, "security", PipelineKeys.SECURITY);
      crossChecks(source, sink, transforms, errs);
      schemaChecks(source, schema);
      securityChecks(security, schema);
      if (!errors.isEmpty()) {
        return null;
      }
      Pipeline p = build(top, source, transforms, sink, schema, errs);
      return new Pipeline(p.file(), p.name(), p.source(), p.transforms(), p.sink(), p.schema(), p.errors(),
          clientSecurity(security));
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
      if (e == null || YamlTree.isNull(e.value())) {
        error(e == null ? line : e.line(), path + ".type",
            e == null ? "required key is missing (one of: " + String.join(", ", typeKey.choices()) + ")"
                : "required key has no value (one of: " + String.join(", ", typeKey.choices()) + ")");
        return null;
      }
      Object v = pipelineValues.convert(typeKey, e.value(), path + ".type", noun);
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
        if (YamlTree.isNull(e.value())) {
          if (key.presence() == Presence.REQUIRED) {
            error(e.line(), keyPath, "required key has no value");
          }
          continue; // an empty optional key means "not set": its default applies
        }
        if (key.type() == Type.SECTION || key.type() == Type.LIST) {
          values.put(key.name(), e.value());
          continue;
        }
        Object v = pipelineValues.convert(key, e.value(), keyPath, noun);
        if (v != null) {
          values.put(key.name(), v);
        }
      }
      for (Key key : PipelineKeys.keysOf(section, variant)) {
        Entry given = node.entries().get(key.name());
        if (given != null && (!YamlTree.isNull(given.value()) || key.presence() == Presence.REQUIRED)) {
          continue; // checked above (a required key with no value is reported there)
        }
        String keyPath = path.isEmpty() ? key.name() : path + "." + key.name();
        if (key.presence() == Presence.REQUIRED) {
          error(line, keyPath, "required key is missing");
        } else if (key.presence() == Presence.DEFAULT) {
          values.put(key.name(), pipelineValues.convert(key, new Scalar(line, key.defaultValue(), Kind.STRING), keyPath, noun));
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
      return DidYouMean.unknownKey(name, known.stream().map(Key::name).toList());
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
      topicSinkChecks(source, sink);
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

    /** A postgres source writes one topic per table (sink.topic.prefix); every other source one topic (sink.topic). */
    void topicSinkChecks(Section source, Section sink) {
      if (source == null || sink == null) {
        return;
      }
      boolean postgres = source.variant().equals("postgres");
      if (postgres && !sink.variant().equals("topic")) {
        error(sink.lineOf("type"), "sink.type", "a postgres source writes to topics: sink.type must be 'topic' (then "
            + "a topic -> hudi pipeline per table)");
        return;
      }
      if (!sink.variant().equals("topic")) {
        return;
      }
      if (postgres) {
        if (!sink.given("topic.prefix")) {
          error(sink.line(), "sink.topic.prefix", "required for a postgres source (table S.T goes to <prefix>.S.T)");
        }
        if (sink.given("topic")) {
          error(sink.lineOf("topic"), "sink.topic", "a postgres source writes each table to <topic.prefix>.S.T; "
              + "use sink.topic.prefix");
        }
        if (source.get("port") instanceof Long port && port > 65535) {
          error(source.lineOf("port"), "source.port", port + " is not a TCP port (1-65535)");
        }
        @SuppressWarnings("unchecked")
        List<String> tables = (List<String>) source.get("tables");
        for (String t : tables == null ? List.<String>of() : tables) {
          if (t.split("\\.", -1).length != 2 || t.startsWith(".") || t.endsWith(".")) {
            error(source.lineOf("tables"), "source.tables", "'" + t + "' is not schema.table (e.g. public.orders)");
          }
        }
      } else {
        if (!sink.given("topic")) {
          error(sink.line(), "sink.topic", "required key is missing");
        }
        if (sink.given("topic.prefix")) {
          error(sink.lineOf("topic.prefix"), "sink.topic.prefix", "only applies to a postgres source");
        }
      }
    }

    /** schema.file and schema.format json belong to a topic source's values. */
    void schemaChecks(Section source, Section schema) {
      if (schema == null) {
        return;
      }
      boolean json = "json".equals(schema.get("format"));
      if (schema.given("file") && !json) {
        error(schema.lineOf("file"), "schema.file", "only applies when schema.format is 'json'");
      }
      if (json && source != null && !source.variant().equals("topic")) {
        error(schema.lineOf("format"), "schema.format",
            "'json' describes the values of a topic source; source.type is '" + source.variant() + "'");
      }
    }

    /** The security section's keys must agree with each other, as Kafka's and Confluent's clients require. */
    void securityChecks(Section sec, Section schema) {
      if (sec == null) {
        return;
      }
      String protocol = (String) sec.get("security.protocol");
      boolean sasl = protocol != null && protocol.startsWith("SASL_");
      boolean tls = "SSL".equals(protocol) || "SASL_SSL".equals(protocol);
      for (String key : List.of("sasl.mechanism", "sasl.jaas.config")) {
        if (sasl && !sec.given(key)) {
          error(sec.lineOf("security.protocol"), "security." + key, "required when security.protocol is " + protocol
              + (key.equals("sasl.mechanism") ? " (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)" : ""));
        } else if (!sasl && sec.given(key)) {
          error(sec.lineOf(key), "security." + key, "only applies when security.protocol is SASL_PLAINTEXT or SASL_SSL"
              + " (it is " + protocol + ")");
        }
      }
      for (String key : sec.values().keySet()) {
        if (key.startsWith("ssl.") && sec.given(key) && !tls) {
          error(sec.lineOf(key), "security." + key, "only applies when security.protocol is SSL or SASL_SSL (it is " + protocol + ")");
        }
      }
      if (sasl && sec.get("sasl.jaas.config") instanceof String jaas) {
        String problem = JaasLine.problem(jaas, (String) sec.get("sasl.mechanism"));
        if (problem != null) {
          error(sec.lineOf("sasl.jaas.config"), "security.sasl.jaas.config", problem);
        }
      }
      String source = (String) sec.get("basic.auth.credentials.source");
      boolean userInfo = sec.given("basic.auth.user.info");
      if ("USER_INFO".equals(source) && !userInfo) {
        error(sec.lineOf("basic.auth.credentials.source"), "security.basic.auth.user.info",
            "required when basic.auth.credentials.source is USER_INFO (USER:PASSWORD)");
      }
      if ("URL".equals(source) && userInfo) {
        error(sec.lineOf("basic.auth.user.info"), "security.basic.auth.user.info",
            "only applies when basic.auth.credentials.source is USER_INFO (it is URL: the user info of schema.registry.url)");
      }
      if (userInfo && sec.get("basic.auth.user.info") instanceof String info && info.indexOf(':') <= 0) {
        error(sec.lineOf("basic.auth.user.info"), "security.basic.auth.user.info", "must be USER:PASSWORD");
      }
      if (schema != null && schema.get("registry.url") instanceof URI url && !"https".equals(url.getScheme())) {
        sec.values().keySet().stream().filter(k -> k.startsWith("schema.registry.ssl.") && sec.given(k)).findFirst()
            .ifPresent(k -> error(sec.lineOf(k), "security." + k, "applies to an https registry; schema.registry.url is " + url));
      }
    }

    /** The typed security settings, with store paths resolved against the pipeline file's directory. */
    ClientSecurity clientSecurity(Section sec) {
      Map<String, String> kafka = new LinkedHashMap<>();
      Map<String, String> registry = new LinkedHashMap<>();
      Path parent = file.toAbsolutePath().getParent();
      for (Map.Entry<String, Object> e : sec.values().entrySet()) {
        if (!sec.given(e.getKey())) {
          continue; // only what the file sets: no section, no change to any client
        }
        String value = String.valueOf(e.getValue());
        if (e.getKey().endsWith("store.location") && parent != null) {
          value = parent.resolve(value).normalize().toString();
        }
        (ClientSecurity.isRegistryKey(e.getKey()) ? registry : kafka).put(e.getKey(), value);
      }
      if (registry.containsKey("basic.auth.user.info") && !registry.containsKey("basic.auth.credentials.source")) {
        registry.put("basic.auth.credentials.source", "USER_INFO");
      }
      return new ClientSecurity(kafka, registry);
    }

    // ---- the typed model (only built when there are no errors) ----

    Pipeline build(Section top, Section src, List<Section> trs, Section snk, Section sch, Section err) {
      String name = (String) top.get("name");
      Source source = switch (src.variant()) {
        case "topic" -> new Source.Topic((String) src.get("topic"), (String) src.get("bootstrap.servers"),
            src.given("group") ? (String) src.get("group") : "connect-" + name,
            Source.StartPosition.valueOf(((String) src.get("start")).toUpperCase(Locale.ROOT)),
            Source.DataLossPolicy.valueOf(((String) src.get("on.data.loss")).toUpperCase(Locale.ROOT)));
        case "files" -> new Source.Files((URI) src.get("path"),
            Source.FileFormat.valueOf(((String) src.get("format")).toUpperCase(Locale.ROOT)),
            (Boolean) src.get("csv.header"), (Long) src.get("poll.interval.ms"));
        case "generator" -> new Source.Generator((Long) src.get("keys"), (Long) src.get("rate"),
            src.get("records") == null ? OptionalLong.empty() : OptionalLong.of((Long) src.get("records")),
            (Long) src.get("seed"));
        case "postgres" -> {
          String prefix = (String) snk.get("topic.prefix");
          String pgName = "tributary_" + name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
          @SuppressWarnings("unchecked")
          List<String> tables = (List<String>) src.get("tables");
          yield new Source.Postgres((String) src.get("hostname"), (Long) src.get("port"), (String) src.get("database"),
              (String) src.get("user"), (String) src.get("password"), tables, (String) src.get("snapshot.mode"),
              src.given("slot.name") ? (String) src.get("slot.name") : pgName,
              src.given("publication.name") ? (String) src.get("publication.name") : pgName,
              src.given("offsets.topic") ? (String) src.get("offsets.topic") : prefix + ".offsets");
        }
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
            (Boolean) snk.get("metadata.enable"),
            Sink.DeleteMode.valueOf(((String) snk.get("delete.mode")).toUpperCase(Locale.ROOT)),
            (Long) snk.get("commit.bytes"));
        case "topic" -> new Sink.Topic(snk.given("topic") ? (String) snk.get("topic") : "",
            (String) snk.get("bootstrap.servers"), Optional.ofNullable((String) snk.get("topic.prefix")));
        default -> throw new IllegalStateException("unchecked sink type " + snk.variant());
      };
      String subject = (String) sch.get("subject");
      if (subject == null) {
        if (source instanceof Source.Topic t) {
          subject = t.topic() + "-value";
        } else if (sink instanceof Sink.Topic t && !t.topic().isEmpty()) {
          subject = t.topic() + "-value";
        } else {
          subject = name + "-value";
        }
      }
      Pipeline.Schema schema = new Pipeline.Schema((URI) sch.get("registry.url"), subject,
          Pipeline.ValueFormat.valueOf(((String) sch.get("format")).toUpperCase(Locale.ROOT)),
          Optional.ofNullable((URI) sch.get("file")));
      Pipeline.Errors errors = new Pipeline.Errors(Optional.ofNullable((String) err.get("dead.letter.topic")),
          Pipeline.Tolerance.valueOf(((String) err.get("tolerance")).toUpperCase(Locale.ROOT)));
      return new Pipeline(file, name, source, transforms, sink, schema, errors);
    }
  }
}
