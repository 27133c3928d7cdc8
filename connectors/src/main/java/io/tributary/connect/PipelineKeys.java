package io.tributary.connect;

import io.tributary.config.KeySpec;
import io.tributary.config.Presence;
import java.util.ArrayList;
import java.util.List;

/**
 * Every key a pipeline file accepts, with its type, default and documentation: the one place where they
 * are defined. {@link PipelineLoader} validates against it and {@link PipelineDocs} renders the reference
 * table of docs/connectors.md from it.
 */
public final class PipelineKeys {

  /** What a value must look like. */
  public enum Type {
    /** Any non-empty scalar, kept as text. */
    STRING,
    /** A Kafka-style name: letters, digits, '.', '_', '-' (topics, pipeline names). */
    NAME,
    /** A Hudi/Spark table name: a letter or '_' then letters, digits, '_'. */
    TABLE_NAME,
    /** One field name, or several separated by commas. */
    FIELDS,
    /** A YAML list of field names. */
    FIELD_LIST,
    /** An integer (64 bits), at least {@link Key#min()}. */
    INTEGER,
    BOOLEAN,
    /** One of {@link Key#choices()}, exactly as written there. */
    CHOICE,
    /** A Hadoop file system URI: file:///path or hdfs://namenode:port/path. */
    HADOOP_URI,
    /** A Hadoop file system URI or a local directory (relative to the pipeline file's directory). */
    PATH_OR_URI,
    /** An http:// or https:// URL. */
    HTTP_URL,
    /** host:port[,host:port...]. */
    SERVERS,
    /** Any scalar (string, number, boolean), kept as text. */
    SCALAR,
    /** A nested mapping of keys (a section). */
    SECTION,
    /** A list of mappings (transforms). */
    LIST
  }

  /**
   * One key.
   *
   * @param section "" for top-level keys, else {@code source}, {@code sink}, {@code schema},
   *     {@code errors} or {@code transforms[]}
   * @param variant the {@code type} value the key belongs to ("" = every type of the section)
   * @param defaultValue for DEFAULT the default as it would be written in YAML; for DERIVED a description
   */
  public record Key(
      String section, String variant, String name, Type type, Presence presence, String defaultValue,
      long min, List<String> choices, String doc) implements KeySpec {

    Key min(long value) {
      return new Key(section, variant, name, type, presence, defaultValue, value, choices, doc);
    }
  }

  public static final String DEFAULT_BOOTSTRAP_SERVERS = "127.0.0.1:9092";
  public static final String DEFAULT_REGISTRY_URL = "http://127.0.0.1:8081";

  static final String SOURCE = "source";
  static final String SINK = "sink";
  static final String TRANSFORMS = "transforms[]";
  static final String SCHEMA = "schema";
  static final String ERRORS = "errors";
  static final String SECURITY = "security";
  static final List<String> STORE_TYPES = List.of("PKCS12", "JKS", "PEM");

  public static final List<String> SOURCE_TYPES = List.of("topic", "files", "generator", "postgres");
  public static final List<String> SINK_TYPES = List.of("hudi", "topic");
  public static final List<String> TRANSFORM_TYPES = List.of("rename", "drop", "filter");

  public static final List<Key> KEYS = List.of(
      req("", "", "name", Type.NAME, "Name of the pipeline: names its consumer group, metrics and logs."),
      req("", "", "source", Type.SECTION, "Where records come from (below)."),
      opt("", "", "transforms", Type.LIST, "Steps applied to each record in order (below)."),
      req("", "", "sink", Type.SECTION, "Where records go (below)."),
      opt("", "", "schema", Type.SECTION, "Schema registry settings (below); defaults apply when absent."),
      opt("", "", "errors", Type.SECTION, "Handling of bad records (below); defaults apply when absent."),
      opt("", "", "security", Type.SECTION, "Kafka client security and registry credentials for every client the pipeline creates (below; docs/security.md)."),

      choice(SOURCE, "", "type", null, SOURCE_TYPES, "Kind of source."),
      req(SOURCE, "topic", "topic", Type.NAME, "Topic to consume."),
      def(SOURCE, "topic", "bootstrap.servers", Type.SERVERS, DEFAULT_BOOTSTRAP_SERVERS, "Brokers of the log cluster, host:port[,host:port...]."),
      derived(SOURCE, "topic", "group", Type.STRING, "connect-<name>", "Consumer group (membership only: offsets are kept with the sink's commits)."),
      choice(SOURCE, "topic", "start", "earliest", List.of("earliest", "latest"), "Where to start when the sink holds no committed offsets yet."),
      choice(SOURCE, "topic", "on.data.loss", "fail", List.of("fail", "continue"),
          "When the next offset to read is below the log start (retention removed records not yet read): fail stops "
              + "with an error naming topic, partition, expected and earliest offset; continue skips to the earliest "
              + "offset, warns and counts the lost records."),
      req(SOURCE, "files", "path", Type.PATH_OR_URI, "Directory to read: file:///dir, hdfs://namenode:port/dir, or a local path (relative to the pipeline file)."),
      choice(SOURCE, "files", "format", "jsonl", List.of("jsonl", "csv"), "File format: one JSON object per line, or CSV."),
      def(SOURCE, "files", "csv.header", Type.BOOLEAN, "true", "The first line of each CSV file names the columns (format csv only)."),
      def(SOURCE, "files", "poll.interval.ms", Type.INTEGER, "1000", "How often the directory is listed for new files.").min(1),
      def(SOURCE, "generator", "keys", Type.INTEGER, "1000", "Distinct keys; events cycle through them, so later events update earlier ones.").min(1),
      def(SOURCE, "generator", "rate", Type.INTEGER, "1000", "Records per second; 0 = as fast as possible.").min(0),
      opt(SOURCE, "generator", "records", Type.INTEGER, "Total records to produce, then stop; absent = until stopped.").min(1),
      def(SOURCE, "generator", "seed", Type.INTEGER, "42", "Random seed: the same seed gives the same events.").min(Long.MIN_VALUE),

      req(SOURCE, "postgres", "hostname", Type.STRING, "PostgreSQL server host (Debezium's database.hostname)."),
      def(SOURCE, "postgres", "port", Type.INTEGER, "5432", "PostgreSQL server port.").min(1),
      req(SOURCE, "postgres", "database", Type.STRING, "Database to capture (database.dbname)."),
      req(SOURCE, "postgres", "user", Type.STRING, "User with the REPLICATION attribute (or a superuser)."),
      opt(SOURCE, "postgres", "password", Type.STRING, "Its password; absent = none (trust or peer authentication)."),
      req(SOURCE, "postgres", "tables", Type.FIELD_LIST, "Tables to capture, as a list of schema.table: [public.orders]."),
      choice(SOURCE, "postgres", "snapshot.mode", "initial",
          List.of("initial", "initial_only", "no_data", "always", "when_needed"),
          "Debezium's snapshot.mode: initial = snapshot the tables once, then stream; no_data = stream only."),
      derived(SOURCE, "postgres", "slot.name", Type.STRING, "tributary_<name>", "Logical replication slot (created if absent); one per pipeline."),
      derived(SOURCE, "postgres", "publication.name", Type.STRING, "tributary_<name>", "Publication of the tables (created for exactly them if absent)."),
      derived(SOURCE, "postgres", "offsets.topic", Type.NAME, "<sink.topic.prefix>.offsets",
          "Log-cluster topic keeping the position in the WAL, so a restart (also after kill -9) resumes without loss."),

      choice(TRANSFORMS, "", "type", null, TRANSFORM_TYPES, "Kind of transform."),
      req(TRANSFORMS, "rename", "from", Type.STRING, "Field to rename."),
      req(TRANSFORMS, "rename", "to", Type.STRING, "Its new name."),
      req(TRANSFORMS, "drop", "fields", Type.FIELD_LIST, "Fields to remove, as a list: [a, b]."),
      req(TRANSFORMS, "filter", "field", Type.STRING, "Field to test; records without it do not pass."),
      req(TRANSFORMS, "filter", "equals", Type.SCALAR, "Records pass when the field equals this value (compared as text)."),

      choice(SINK, "", "type", null, SINK_TYPES, "Kind of sink."),
      req(SINK, "hudi", "table.path", Type.HADOOP_URI, "Base path of the table: file:///path or hdfs://namenode:port/path."),
      req(SINK, "hudi", "table.name", Type.TABLE_NAME, "Table name (Hudi's hoodie.table.name, and the name Spark SQL uses)."),
      choice(SINK, "hudi", "table.type", "COPY_ON_WRITE", List.of("COPY_ON_WRITE", "MERGE_ON_READ"),
          "Hudi table type. MERGE_ON_READ: updates are appended to log files and compacted in the background every "
              + "5 delta commits ([architecture](architecture.md#connectors-connectors))."),
      req(SINK, "hudi", "record.key", Type.FIELDS, "Field(s) identifying a row (comma-separated for a composite key): upserts replace the row with the same key."),
      req(SINK, "hudi", "precombine.field", Type.FIELDS, "Ordering field: of two records with the same key, the one with the larger value wins."),
      opt(SINK, "hudi", "partition.path", Type.FIELDS, "Field(s) whose values name the partition directories; absent = a non-partitioned table."),
      def(SINK, "hudi", "commit.interval.ms", Type.INTEGER, "5000", "Commit at least this often (when records are buffered).").min(1),
      def(SINK, "hudi", "commit.records", Type.INTEGER, "100000", "Commit as soon as this many records are buffered.").min(1),
      def(SINK, "hudi", "commit.bytes", Type.INTEGER, String.valueOf(Sink.Hudi.DEFAULT_COMMIT_BYTES),
          "Commit as soon as the buffered values hold this many bytes (as read from the topic).").min(1),
      choice(SINK, "hudi", "delete.mode", "none", List.of("none", "hard", "soft"),
          "What a delete does: a tombstone (null value), `__deleted = true` or `__op = d`. none: upserts only (a "
              + "tombstone is a bad record, `__deleted`/`__op` are plain columns); hard: the key is removed; soft: the "
              + "row stays with `__deleted = true` (the table needs that column). Of an update and a delete of one "
              + "key, the larger precombine.field wins."),
      def(SINK, "hudi", "metadata.enable", Type.BOOLEAN, "true",
          "Keep Hudi's metadata table (hoodie.metadata.enable): file listings without listing directories, for readers "
              + "and writer. Each commit then also commits to the metadata table: false makes commits 2 to 3 times "
              + "faster (benchmarks.md), at the cost of directory listings."),
      opt(SINK, "topic", "topic", Type.NAME, "Topic to produce to (idempotent producer, acks=all); required except for a postgres source."),
      opt(SINK, "topic", "topic.prefix", Type.NAME, "Postgres source only (required there): table S.T goes to topic <prefix>.S.T, keyed by its primary key."),
      def(SINK, "topic", "bootstrap.servers", Type.SERVERS, DEFAULT_BOOTSTRAP_SERVERS, "Brokers of the log cluster, host:port[,host:port...]."),

      def(SCHEMA, "", "registry.url", Type.HTTP_URL, DEFAULT_REGISTRY_URL, "Schema registry (Confluent API) used to decode and validate values; a topic sink writes Avro only when this key is in the file, else JSON."),
      choice(SCHEMA, "", "format", "avro", List.of("avro", "json"),
          "Encoding of a topic source's values: avro (the registry's wire format) or json (JSON objects, read with "
              + "the subject's Avro schema, or schema.file's). A JSON value that does not fit the schema goes to the "
              + "dead letters naming the field."),
      opt(SCHEMA, "", "file", Type.PATH_OR_URI, "An Avro schema file (.avsc) for json values, instead of the subject."),
      derived(SCHEMA, "", "subject", Type.STRING, "<topic>-value", "Subject of the value schema; absent = the source topic + `-value`, else the sink topic + `-value`, else the pipeline `name` + `-value`."),

      opt(ERRORS, "", "dead.letter.topic", Type.NAME, "Topic receiving bad records, with the reason, source topic, partition and offset in headers."),
      choice(ERRORS, "", "tolerance", "none", List.of("none", "all"), "none: the first bad record stops the pipeline; all: bad records go to dead.letter.topic (then required)."),

      choice(SECURITY, "", "security.protocol", "PLAINTEXT", List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"),
          "Kafka's security.protocol of every Kafka client of the pipeline (consumers, producers, admin, dead letters)."),
      optChoice(SECURITY, "", "sasl.mechanism", List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"), "SASL mechanism (required with SASL_*)."),
      opt(SECURITY, "", "sasl.jaas.config", Type.STRING, "Kafka's JAAS line, e.g. org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\"; (required with SASL_*)."),
      optChoice(SECURITY, "", "ssl.truststore.type", STORE_TYPES, "Trust store type of the brokers' CA (Kafka's default JKS)."),
      opt(SECURITY, "", "ssl.truststore.location", Type.STRING, "Trust store file (relative to the pipeline file)."),
      opt(SECURITY, "", "ssl.truststore.password", Type.STRING, "Trust store password (not for PEM)."),
      optChoice(SECURITY, "", "ssl.keystore.type", STORE_TYPES, "Key store type, for brokers that require client certificates."),
      opt(SECURITY, "", "ssl.keystore.location", Type.STRING, "Key store file (relative to the pipeline file)."),
      opt(SECURITY, "", "ssl.keystore.password", Type.STRING, "Key store password."),
      opt(SECURITY, "", "ssl.key.password", Type.STRING, "Password of the key in the key store."),
      opt(SECURITY, "", "ssl.endpoint.identification.algorithm", Type.SCALAR, "Kafka's host name check of broker certificates: https (Kafka's default) or \"\" to turn it off."),
      optChoice(SECURITY, "", "basic.auth.credentials.source", List.of("USER_INFO", "URL"),
          "Confluent's key: where the registry's basic-auth credentials come from (USER_INFO: basic.auth.user.info; URL: https://user:password@host in schema.registry.url). Absent: USER_INFO when basic.auth.user.info is set."),
      opt(SECURITY, "", "basic.auth.user.info", Type.STRING, "USER:PASSWORD for the registry (a SCRAM user of the cluster)."),
      optChoice(SECURITY, "", "schema.registry.ssl.truststore.type", STORE_TYPES, "Trust store type of an https registry's CA."),
      opt(SECURITY, "", "schema.registry.ssl.truststore.location", Type.STRING, "Trust store file of an https registry (relative to the pipeline file)."),
      opt(SECURITY, "", "schema.registry.ssl.truststore.password", Type.STRING, "Its password (not for PEM).")
  );

  private PipelineKeys() {}

  /** The keys of {@code section} that apply to {@code variant} (the common ones first). */
  static List<Key> keysOf(String section, String variant) {
    List<Key> out = new ArrayList<>();
    for (Key k : KEYS) {
      if (k.section().equals(section) && (k.variant().isEmpty() || k.variant().equals(variant))) {
        out.add(k);
      }
    }
    return out;
  }

  /** The key {@code section.name} of {@code variant} (or common), or null. */
  static Key find(String section, String variant, String name) {
    for (Key k : keysOf(section, variant)) {
      if (k.name().equals(name)) {
        return k;
      }
    }
    return null;
  }

  private static Key req(String section, String variant, String name, Type type, String doc) {
    return new Key(section, variant, name, type, Presence.REQUIRED, null, 0, List.of(), doc);
  }

  private static Key opt(String section, String variant, String name, Type type, String doc) {
    return new Key(section, variant, name, type, Presence.OPTIONAL, null, 0, List.of(), doc);
  }

  private static Key def(String section, String variant, String name, Type type, String value, String doc) {
    return new Key(section, variant, name, type, Presence.DEFAULT, value, 0, List.of(), doc);
  }

  private static Key derived(String section, String variant, String name, Type type, String how, String doc) {
    return new Key(section, variant, name, type, Presence.DERIVED, how, 0, List.of(), doc);
  }

  private static Key optChoice(String section, String variant, String name, List<String> choices, String doc) {
    return new Key(section, variant, name, Type.CHOICE, Presence.OPTIONAL, null, 0, choices, doc);
  }

  private static Key choice(String section, String variant, String name, String value, List<String> choices, String doc) {
    return new Key(section, variant, name, Type.CHOICE, value == null ? Presence.REQUIRED : Presence.DEFAULT,
        value, 0, choices, doc);
  }
}
