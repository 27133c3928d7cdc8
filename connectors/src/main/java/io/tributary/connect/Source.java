package io.tributary.connect;

import java.net.URI;
import java.util.List;
import java.util.OptionalLong;

/** Where a pipeline's records come from ({@code source.type}). */
public sealed interface Source {

  /** Where a {@code topic} source starts when its sink holds no committed offsets yet. */
  enum StartPosition { EARLIEST, LATEST }

  /** Format of the files a {@code files} source reads. */
  enum FileFormat { JSONL, CSV }

  /**
   * What a {@code topic} source does when the next offset to read is below the partition's log start (retention
   * or delete-records removed records it had not read): FAIL stops with an error, CONTINUE skips to the log start,
   * warns and counts the lost records.
   */
  enum DataLossPolicy { FAIL, CONTINUE }

  /** {@code type: topic}: records consumed from a topic of the log cluster. */
  record Topic(String topic, String bootstrapServers, String group, StartPosition start, DataLossPolicy onDataLoss)
      implements Source {

    /** A source that fails on data loss (the default). */
    public Topic(String topic, String bootstrapServers, String group, StartPosition start) {
      this(topic, bootstrapServers, group, start, DataLossPolicy.FAIL);
    }
  }

  /** {@code type: files}: JSON-lines or CSV files of a directory (local or on a Hadoop file system). */
  record Files(URI path, FileFormat format, boolean csvHeader, long pollIntervalMs) implements Source {}

  /**
   * {@code type: generator}: synthetic keyed events with updates.
   *
   * @param ratePerSecond records per second, 0 = as fast as possible
   * @param records total records to produce, empty = until stopped
   */
  record Generator(long keys, long ratePerSecond, OptionalLong records, long seed) implements Source {}

  /**
   * {@code type: postgres}: change data capture from PostgreSQL's logical replication ({@code pgoutput}) through
   * Debezium's embedded engine: a snapshot of {@code tables}, then their changes.
   *
   * @param tables {@code schema.table} names
   * @param snapshotMode Debezium's {@code snapshot.mode} (initial, no_data, ...)
   * @param offsetsTopic the log-cluster topic holding the engine's offsets (its position in the WAL)
   */
  record Postgres(
      String hostname,
      long port,
      String database,
      String user,
      String password,
      List<String> tables,
      String snapshotMode,
      String slotName,
      String publicationName,
      String offsetsTopic)
      implements Source {

    public Postgres {
      tables = List.copyOf(tables);
    }

    /** Hides the password. */
    @Override
    public String toString() {
      return "Postgres[" + user + "@" + hostname + ":" + port + "/" + database + " " + tables + ", snapshot.mode "
          + snapshotMode + ", slot " + slotName + ", publication " + publicationName + ", offsets " + offsetsTopic + "]";
    }
  }
}
