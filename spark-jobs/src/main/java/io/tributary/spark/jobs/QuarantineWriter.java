package io.tributary.spark.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;

import io.tributary.spark.config.JobConfig;
import io.tributary.spark.lake.HudiWriter;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The quarantine table of a job: one row per failed record, keyed by topic/partition/offset, with the raw key
 * and value bytes, the reason and a detail. Upserted, so a batch that Spark replays after a crash rewrites
 * the same rows instead of counting them twice.
 */
final class QuarantineWriter {
  static final List<String> COLUMNS =
      List.of("id", "topic", "partition", "offset", "timestamp", "key", "value", "reason", "detail", "job", "quarantined_at");

  private final HudiWriter writer;
  private final String job;

  QuarantineWriter(JobConfig config) {
    this.job = config.name();
    // ordering by offset: two versions of one row are the same record, either may win
    this.writer = new HudiWriter(config.quarantine().path(), config.quarantine().name(), "COPY_ON_WRITE",
        List.of("id"), "offset", List.of(), config.table().options());
  }

  /** {@code bad}: rows of {@link io.tributary.spark.decode.KafkaDecoding#bad} (or of the same columns). */
  void write(Dataset<Row> bad) {
    Dataset<Row> rows = bad
        .withColumn("id", concat_ws("/", col("topic"), col("partition").cast("string"), col("offset").cast("string")))
        .withColumn("job", lit(job))
        .withColumn("quarantined_at", current_timestamp())
        .selectExpr(COLUMNS.stream().map(c -> "`" + c + "`").toArray(String[]::new));
    writer.upsert(rows, Map.of());
  }

  String path() {
    return writer.path();
  }
}
