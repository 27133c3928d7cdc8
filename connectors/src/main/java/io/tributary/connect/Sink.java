package io.tributary.connect;

import java.net.URI;
import java.util.Optional;

/** Where a pipeline's records go ({@code sink.type}). */
public sealed interface Sink {

  /** Hudi's two table types. */
  enum TableType { COPY_ON_WRITE, MERGE_ON_READ }

  /**
   * {@code type: hudi}: upserts into a Hudi table on a Hadoop file system. A commit happens when
   * {@code commitIntervalMs} has passed or {@code commitRecords} records are buffered, whichever is first.
   *
   * @param recordKey one field, or several separated by commas (a composite key)
   * @param metadataTable whether the table keeps Hudi's metadata table (file listings)
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
      boolean metadataTable)
      implements Sink {}

  /** {@code type: topic}: records produced to a topic of the log cluster (source connectors). */
  record Topic(String topic, String bootstrapServers) implements Sink {}
}
