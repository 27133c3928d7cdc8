package io.tributary.connect;

import java.net.URI;
import java.util.Optional;

/** Where a pipeline's records go ({@code sink.type}). */
public sealed interface Sink {

  /** Hudi's two table types. */
  enum TableType { COPY_ON_WRITE, MERGE_ON_READ }

  /**
   * What a delete (a tombstone, {@code __deleted = true} or {@code __op = d}) does to the table: NONE keeps
   * today's upsert-only sink (a tombstone is a bad record), HARD removes the key, SOFT keeps the row with
   * {@code __deleted = true}.
   */
  enum DeleteMode { NONE, HARD, SOFT }

  /**
   * {@code type: hudi}: upserts into a Hudi table on a Hadoop file system. A commit happens when
   * {@code commitIntervalMs} has passed or {@code commitRecords} records are buffered, whichever is first.
   *
   * @param recordKey one field, or several separated by commas (a composite key)
   * @param metadataTable whether the table keeps Hudi's metadata table (file listings)
   * @param commitBytes commit as soon as the buffered values hold this many bytes
   */
  record Hudi(
      URI tablePath,
      String tableName,
      TableType tableType,
      String recordKey,
      String precombineField,
      Optional<String> partitionPath,
      long commitIntervalMs,
      long commitRecords,
      boolean metadataTable,
      DeleteMode deleteMode,
      long commitBytes)
      implements Sink {

    /** Default of {@code sink.commit.bytes}: 64 MiB of values. */
    public static final long DEFAULT_COMMIT_BYTES = 64L * 1024 * 1024;

    /** An upsert-only sink with the default {@code commit.bytes}. */
    public Hudi(URI tablePath, String tableName, TableType tableType, String recordKey, String precombineField,
        Optional<String> partitionPath, long commitIntervalMs, long commitRecords, boolean metadataTable) {
      this(tablePath, tableName, tableType, recordKey, precombineField, partitionPath, commitIntervalMs,
          commitRecords, metadataTable, DeleteMode.NONE, DEFAULT_COMMIT_BYTES);
    }
  }

  /**
   * {@code type: topic}: records produced to a topic of the log cluster (source connectors).
   *
   * @param topic the topic; empty for a postgres source, which writes each table to its own
   * @param topicPrefix a postgres source writes table {@code S.T} to topic {@code <prefix>.S.T}
   */
  record Topic(String topic, String bootstrapServers, Optional<String> topicPrefix) implements Sink {

    /** One topic. */
    public Topic(String topic, String bootstrapServers) {
      this(topic, bootstrapServers, Optional.empty());
    }
  }
}
