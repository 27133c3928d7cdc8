package io.tributary.spark.config;

import io.tributary.config.KeySpec;
import io.tributary.config.Presence;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Every key a job file accepts, with its type, default, the jobs it applies to and its documentation: the
 * one place where they are defined. {@link ConfigLoader} validates against it and {@link ConfigDocs}
 * renders the reference tables of docs/spark-jobs.md from it (a test keeps the two in step).
 */
public final class ConfigKeys {
  private ConfigKeys() {}

  /** What a value must look like. */
  public enum Type {
    /** Any non-empty text. */
    STRING,
    /** Letters, digits, '.', '_', '-' (topics, job names). */
    NAME,
    /** A letter or '_' then letters, digits, '_' (Hudi and SQL table names). */
    TABLE_NAME,
    /** One field name, a comma-separated list, or a YAML list. */
    FIELDS,
    /** An integer (64 bits), at least {@link Key#min()}. */
    INTEGER,
    BOOLEAN,
    /** One of {@link Key#choices()}. */
    CHOICE,
    /** A Hadoop file system URI (file:///..., hdfs://...) or a local path, relative to the job file. */
    PATH_OR_URI,
    /** An http:// or https:// URL (several separated by commas). */
    HTTP_URL,
    /** host:port[,host:port...]. */
    SERVERS,
    /** earliest, latest, or Spark's JSON of offsets per partition: {"topic":{"0":42,"1":-2}}. */
    OFFSETS,
    /** Milliseconds since the epoch, or an ISO-8601 instant (2024-05-01T12:00:00Z). */
    TIMESTAMP,
    /** A duration: 500ms, 10s, 5m, 1h, 1d (or "10 seconds"). */
    DURATION,
    /** latest, or a version number of the subject. */
    VERSION,
    /** A mapping of names to values, passed through (Spark, Kafka source or Hudi options). */
    MAP,
    /** A mapping of the keys listed under it. */
    SECTION
  }

  /**
   * One key.
   *
   * @param section "" for top-level keys, else the section's name
   * @param defaultValue the default as written in YAML (DEFAULT) or how it is derived (DERIVED)
   */
  public record Key(String section, String name, Type type, Presence presence, String defaultValue, long min,
      List<String> choices, Set<JobKind> jobs, String doc) implements KeySpec {
    Key min(long value) {
      return new Key(section, name, type, presence, defaultValue, value, choices, jobs, doc);
    }
  }

  public static final String DEFAULT_BOOTSTRAP_SERVERS = "127.0.0.1:9092";
  public static final String DEFAULT_REGISTRY_URL = "http://127.0.0.1:8081";

  static final Set<JobKind> ALL = EnumSet.allOf(JobKind.class);
  static final Set<JobKind> READERS = EnumSet.of(JobKind.INGEST, JobKind.AGGREGATE, JobKind.BATCH_REPORT);
  static final Set<JobKind> STREAMS = EnumSet.of(JobKind.INGEST, JobKind.AGGREGATE);
  static final Set<JobKind> INGEST = EnumSet.of(JobKind.INGEST);
  static final Set<JobKind> AGGREGATE = EnumSet.of(JobKind.AGGREGATE);
  static final Set<JobKind> REPORT = EnumSet.of(JobKind.BATCH_REPORT);
  static final Set<JobKind> SERVICES = EnumSet.of(JobKind.COMPACT, JobKind.CLEAN);
  static final Set<JobKind> CLEAN = EnumSet.of(JobKind.CLEAN);

  public static final List<String> SECTIONS =
      List.of("source", "schema", "table", "quarantine", "stream", "window", "report", "service", "security");
  static final List<String> STORE_TYPES = List.of("PKCS12", "JKS", "PEM");

  public static final List<Key> KEYS = List.of(
      derived("", "name", Type.NAME, ALL, "tributary-<job>",
          "Names the Spark application, the `job` column of quarantined rows and (batch-report) the report."),
      opt("", "spark", Type.MAP, ALL,
          "Spark settings applied when the job's session starts (e.g. `spark.sql.shuffle.partitions: 8`); "
              + "`spark submit --conf` does the same from the command line."),
      section("source", READERS, "The topic read (below)."),
      section("schema", READERS, "The schema registry and the subject whose schema gives the columns (below)."),
      section("table", ALL, "The Hudi table written (or, for compact and clean, serviced) (below)."),
      section("quarantine", READERS, "Where rows that fail decoding or validation go (below)."),
      section("stream", STREAMS, "Micro-batch settings (below)."),
      section("window", AGGREGATE, "The windows (below)."),
      section("report", REPORT, "The summary (below)."),
      section("service", SERVICES, "Table service settings (below)."),
      opt("", "security", Type.SECTION, READERS,
          "Kafka client security for the Kafka source and the registry's credentials (below; docs/security.md)."),

      req("source", "topic", Type.NAME, READERS, "Topic to read."),
      def("source", "bootstrap.servers", Type.SERVERS, READERS, DEFAULT_BOOTSTRAP_SERVERS,
          "Brokers of the log cluster, host:port[,host:port...]."),
      def("source", "starting.offsets", Type.OFFSETS, READERS, "earliest",
          "Where reading starts: `earliest`, `latest` or JSON offsets per partition "
              + "(`{\"orders\":{\"0\":42,\"1\":-2}}`, -2 = earliest, -1 = latest). Streaming jobs use it on their "
              + "first run only: then the checkpoint (or, without one, the offsets in the table's last commit) decides."),
      def("source", "ending.offsets", Type.OFFSETS, REPORT, "latest",
          "Where the batch ends (exclusive): `latest` or JSON offsets per partition (-1 = latest)."),
      opt("source", "starting.timestamp", Type.TIMESTAMP, REPORT,
          "Start at the first record with a timestamp at or after this (ms since the epoch or ISO-8601); "
              + "replaces `starting.offsets`."),
      opt("source", "ending.timestamp", Type.TIMESTAMP, REPORT,
          "End before the first record with a timestamp at or after this; replaces `ending.offsets`."),
      opt("source", "max.offsets.per.trigger", Type.INTEGER, STREAMS,
          "Most records read per micro-batch, over all partitions (absent: everything available).").min(1),
      opt("source", "options", Type.MAP, READERS,
          "More options of Spark's Kafka source, passed as given (e.g. `kafka.security.protocol: SSL`)."),

      def("schema", "registry.url", Type.HTTP_URL, READERS, DEFAULT_REGISTRY_URL,
          "Schema registry URL(s), comma-separated."),
      derived("schema", "subject", Type.STRING, READERS, "<source.topic>-value",
          "Subject whose schema is the reader schema: it gives the columns; each record's writer schema "
              + "(from its id) is resolved to it."),
      def("schema", "version", Type.VERSION, READERS, "latest",
          "Version of the subject used as the reader schema, read once when the job starts."),

      req("table", "path", Type.PATH_OR_URI, ALL,
          "Hudi table location: file:///dir, hdfs://namenode:port/dir, or a local path (relative to this file)."),
      derived("table", "name", Type.TABLE_NAME, ALL, "last part of the path",
          "Hudi table name (letters, digits, '_')."),
      choice("table", "type", EnumSet.of(JobKind.INGEST, JobKind.AGGREGATE, JobKind.BATCH_REPORT),
          "COPY_ON_WRITE", List.of("COPY_ON_WRITE", "MERGE_ON_READ"),
          "Table type when the job creates the table (an existing table keeps its own)."),
      def("table", "record.key", Type.FIELDS, INGEST, "key", "Field(s) that identify a row: upserts replace by it."),
      def("table", "precombine.field", Type.STRING, INGEST, "seq",
          "Ordering field: of two versions of a row the one with the larger value wins, whatever the arrival order."),
      opt("table", "partition.path", Type.FIELDS, INGEST,
          "Field(s) giving the partition directory (absent: not partitioned). Use fields that do not change "
              + "for a key: with Hudi's default index a key that moves partition is stored twice."),
      opt("table", "options", Type.MAP, ALL,
          "More Hudi options for every write of the job (and of its quarantine table), passed as given "
              + "(e.g. `hoodie.metadata.enable: false`)."),

      derived("quarantine", "path", Type.PATH_OR_URI, READERS, "<table.path>_quarantine",
          "Hudi table of the rows that failed (one row per topic-partition-offset, upserted: a replayed batch "
              + "does not count twice)."),
      derived("quarantine", "name", Type.TABLE_NAME, READERS, "<table.name>_quarantine", "Its Hudi table name."),

      derived("stream", "checkpoint", Type.PATH_OR_URI, STREAMS, "<table.path>_checkpoint",
          "Spark checkpoint directory (offsets of each micro-batch): a restarted job resumes from it."),
      choice("stream", "trigger", STREAMS, "processing-time", List.of("processing-time", "available-now"),
          "`processing-time`: run until stopped, one micro-batch per interval; `available-now`: process what the "
              + "topic holds when the job starts (in micro-batches of `max.offsets.per.trigger`), then stop."),
      def("stream", "trigger.interval", Type.DURATION, STREAMS, "10s",
          "Interval between micro-batch starts (processing-time)."),

      def("window", "event.time.field", Type.STRING, AGGREGATE, "updatedAt",
          "Field holding the event time: a timestamp, or a number in `event.time.unit` since the epoch."),
      choice("window", "event.time.unit", AGGREGATE, "millis", List.of("millis", "seconds", "micros"),
          "Unit of a numeric event-time field."),
      def("window", "duration", Type.DURATION, AGGREGATE, "1m", "Window length."),
      derived("window", "slide", Type.DURATION, AGGREGATE, "window.duration",
          "Window slide; smaller than the duration gives overlapping (sliding) windows."),
      def("window", "watermark.delay", Type.DURATION, AGGREGATE, "10s",
          "How far the watermark trails the largest event time seen. An event older than the watermark "
              + "at the start of its micro-batch is late: not counted in a window, quarantined with reason LATE_EVENT."),
      opt("window", "group.by", Type.FIELDS, AGGREGATE, "Fields that split each window into groups (e.g. region)."),
      opt("window", "sum", Type.FIELDS, AGGREGATE, "Numeric fields summed per window (column sum_<field>)."),

      derived("report", "id", Type.STRING, REPORT, "<name>",
          "Report id, part of each summary row's key: a rerun with the same id replaces its rows."),
      opt("report", "group.by", Type.FIELDS, REPORT, "Fields to group by (absent: one summary row)."),
      opt("report", "measures", Type.FIELDS, REPORT,
          "Numeric fields summarised as sum_, min_, max_ and avg_<field>."),
      opt("report", "count.distinct", Type.FIELDS, REPORT, "Fields whose distinct values are counted (distinct_<field>)."),
      def("report", "print", Type.BOOLEAN, REPORT, "true", "Also print the summary rows on standard output."),

      def("service", "min.delta.commits", Type.INTEGER, EnumSet.of(JobKind.COMPACT), "1",
          "Compaction is planned when at least this many delta commits were made since the last one.").min(1),
      def("service", "retain.commits", Type.INTEGER, CLEAN, "10",
          "Clean keeps the file versions needed by the last N commits (time travel reaches back that far).").min(1),
      opt("service", "retain.file.versions", Type.INTEGER, CLEAN,
          "Instead of retain.commits: keep the newest N versions of each file (Hudi's KEEP_LATEST_FILE_VERSIONS).").min(1),

      choice("security", "security.protocol", READERS, "PLAINTEXT", List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"),
          "Kafka's security.protocol of the Kafka source (passed as Spark's kafka.security.protocol)."),
      optChoice("security", "sasl.mechanism", READERS, List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"),
          "SASL mechanism (required with SASL_*)."),
      opt("security", "sasl.jaas.config", Type.STRING, READERS,
          "Kafka's JAAS line (required with SASL_*), e.g. org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";"),
      optChoice("security", "ssl.truststore.type", READERS, STORE_TYPES, "Trust store type of the brokers' CA."),
      opt("security", "ssl.truststore.location", Type.STRING, READERS,
          "Trust store file, a path on every executor (relative: to the job file)."),
      opt("security", "ssl.truststore.password", Type.STRING, READERS, "Trust store password (not for PEM)."),
      optChoice("security", "ssl.keystore.type", READERS, STORE_TYPES, "Key store type, for brokers that require client certificates."),
      opt("security", "ssl.keystore.location", Type.STRING, READERS, "Key store file (relative: to the job file)."),
      opt("security", "ssl.keystore.password", Type.STRING, READERS, "Key store password."),
      opt("security", "ssl.key.password", Type.STRING, READERS, "Password of the key."),
      optChoice("security", "basic.auth.credentials.source", READERS, List.of("USER_INFO", "URL"),
          "Confluent's key: where the registry's basic-auth credentials come from (absent: USER_INFO when basic.auth.user.info is set)."),
      opt("security", "basic.auth.user.info", Type.STRING, READERS, "USER:PASSWORD for the registry (a SCRAM user of the cluster)."),
      optChoice("security", "schema.registry.ssl.truststore.type", READERS, STORE_TYPES, "Trust store type of an https registry's CA."),
      opt("security", "schema.registry.ssl.truststore.location", Type.STRING, READERS,
          "Trust store file of an https registry (relative: to the job file)."),
      opt("security", "schema.registry.ssl.truststore.password", Type.STRING, READERS, "Its password (not for PEM)."));

  public static List<Key> keysOf(String section) {
    List<Key> out = new ArrayList<>();
    for (Key k : KEYS) {
      if (k.section().equals(section)) {
        out.add(k);
      }
    }
    return out;
  }

  public static Key find(String section, String name) {
    for (Key k : KEYS) {
      if (k.section().equals(section) && k.name().equals(name)) {
        return k;
      }
    }
    return null;
  }

  private static Key req(String section, String name, Type type, Set<JobKind> jobs, String doc) {
    return new Key(section, name, type, Presence.REQUIRED, null, 0, List.of(), jobs, doc);
  }

  private static Key def(String section, String name, Type type, Set<JobKind> jobs, String dflt, String doc) {
    return new Key(section, name, type, Presence.DEFAULT, dflt, 0, List.of(), jobs, doc);
  }

  private static Key optChoice(String section, String name, Set<JobKind> jobs, List<String> choices, String doc) {
    return new Key(section, name, Type.CHOICE, Presence.OPTIONAL, null, 0, choices, jobs, doc);
  }

  private static Key opt(String section, String name, Type type, Set<JobKind> jobs, String doc) {
    return new Key(section, name, type, Presence.OPTIONAL, null, 0, List.of(), jobs, doc);
  }

  private static Key derived(String section, String name, Type type, Set<JobKind> jobs, String how, String doc) {
    return new Key(section, name, type, Presence.DERIVED, how, 0, List.of(), jobs, doc);
  }

  private static Key choice(String section, String name, Set<JobKind> jobs, String dflt, List<String> choices,
      String doc) {
    return new Key(section, name, Type.CHOICE, Presence.DEFAULT, dflt, 0, choices, jobs, doc);
  }

  private static Key section(String name, Set<JobKind> jobs, String doc) {
    Presence p = name.equals("source") || name.equals("table") ? Presence.REQUIRED : Presence.OPTIONAL;
    return new Key("", name, Type.SECTION, p, null, 0, List.of(), jobs, doc);
  }
}
