package io.tributary.spark.config;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A validated job file with every default applied ({@link ConfigLoader}). Sections a job does not use are
 * null. URIs are Hadoop file system URIs as strings (file:///..., hdfs://...).
 */
public record JobConfig(Path file, JobKind job, String name, Map<String, String> spark, Source source,
    SchemaRef schema, Table table, Quarantine quarantine, Stream stream, Window window, Report report,
    Service service, Map<String, Integer> keyLines) implements Serializable {

  /** {@code file:line: key} of a key of the file (for errors found when the job runs), or the file alone. */
  public String where(String keyPath) {
    Integer line = keyLines.get(keyPath);
    return file + (line == null ? "" : ":" + line) + ": " + keyPath;
  }

  /**
   * The topic read. {@code startingOffsets}/{@code endingOffsets} are in Spark's Kafka source syntax
   * (earliest, latest or JSON); the timestamps, when present, replace them (batch-report).
   */
  public record Source(String topic, String bootstrapServers, String startingOffsets, String endingOffsets,
      OptionalLong startingTimestampMs, OptionalLong endingTimestampMs, OptionalLong maxOffsetsPerTrigger,
      Map<String, String> options) implements Serializable {}

  /**
   * The reader schema: {@code version} empty means the subject's latest version when the job starts.
   * {@code client} holds the registry client's security keys (Confluent's basic.auth.* and
   * schema.registry.ssl.*), from the {@code security} section.
   */
  public record SchemaRef(String registryUrl, String subject, OptionalInt version, Map<String, String> client)
      implements Serializable {
    public SchemaRef(String registryUrl, String subject, OptionalInt version) {
      this(registryUrl, subject, version, Map.of());
    }

    @Override
    public String toString() {
      return "SchemaRef[registryUrl=" + registryUrl + ", subject=" + subject + ", version=" + version
          + ", client keys=" + client.keySet() + "]"; // never the credentials
    }
  }

  public record Table(String path, String name, String type, List<String> recordKey, String precombineField,
      List<String> partitionPath, Map<String, String> options) implements Serializable {}

  public record Quarantine(String path, String name) implements Serializable {}

  public enum Trigger { PROCESSING_TIME, AVAILABLE_NOW }

  public record Stream(String checkpoint, Trigger trigger, long triggerIntervalMs) implements Serializable {}

  public enum TimeUnit { MILLIS, SECONDS, MICROS }

  public record Window(String eventTimeField, TimeUnit eventTimeUnit, long durationMs, long slideMs,
      long watermarkDelayMs, List<String> groupBy, List<String> sum) implements Serializable {}

  public record Report(String id, List<String> groupBy, List<String> measures, List<String> countDistinct,
      boolean print) implements Serializable {}

  /** {@code retainFileVersions} 0: clean by commits retained. */
  public record Service(int minDeltaCommits, int retainCommits, int retainFileVersions) implements Serializable {}
}
