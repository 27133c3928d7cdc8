package io.tributary.spark.jobs;

import io.tributary.spark.config.JobConfig;
import io.tributary.spark.decode.KafkaDecoding;
import io.tributary.spark.lake.CommitLedger;
import io.tributary.spark.lake.HudiWriter;
import io.tributary.spark.lake.OffsetsJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code ingest}: topic → Hudi upserts in micro-batches. Each batch: skip records the table already holds
 * (its last commit records the next offsets), decode, quarantine the failures, upsert the rest with the new
 * offsets in the same Hudi commit. A crash anywhere leaves either the old commit (Spark replays the batch) or
 * the new one (the replay finds nothing new): each record is applied once.
 */
public final class IngestJob implements SparkJob {
  @Override
  public JobTotals run(SparkSession spark, JobConfig config) throws Exception {
    ReaderSchema reader = ReaderSchema.fetch(config);
    JobConfig.Table t = config.table();
    reader.requireFields(t.recordKey(), "table.record.key");
    reader.field(t.precombineField(), "table.precombine.field");
    reader.requireFields(t.partitionPath(), "table.partition.path");
    List<String> notNull = new ArrayList<>(t.recordKey());
    if (!notNull.contains(t.precombineField())) {
      notNull.add(t.precombineField());
    }
    KafkaDecoding.Spec spec = reader.spec(notNull);
    HudiWriter table = new HudiWriter(t.path(), t.name(), t.type(), t.recordKey(), t.precombineField(),
        t.partitionPath(), t.options());
    QuarantineWriter quarantine = new QuarantineWriter(config);
    JobTotals totals = new JobTotals();
    String topic = config.source().topic();
    System.out.println(config.name() + ": ingest " + topic + " -> " + t.path() + " (reader schema: " + reader.name()
        + "; quarantine: " + quarantine.path() + ")");

    MicroBatches.run(spark, config, (kafkaBatch, batchId) -> {
      long startNanos = System.nanoTime();
      Map<Integer, Long> committed = CommitLedger.offsets(spark.sparkContext().hadoopConfiguration(), t.path(), topic);
      Dataset<Row> decoded = KafkaDecoding.decode(kafkaBatch.filter(KafkaDecoding.notBefore(committed)), spec)
          .persist(StorageLevel.MEMORY_AND_DISK());
      try {
        BatchStats stats = BatchStats.of(decoded);
        if (stats.read() == 0) {
          System.out.println(config.name() + ": batch " + batchId + ": nothing new");
          return;
        }
        if (stats.failed() > 0) {
          quarantine.write(KafkaDecoding.bad(decoded));
        }
        Map<Integer, Long> next = OffsetsJson.max(committed, stats.nextOffsets());
        if (stats.decoded() > 0) {
          table.upsert(KafkaDecoding.good(decoded), Map.of(
              CommitLedger.OFFSETS, OffsetsJson.format(topic, next),
              CommitLedger.BATCH_ID, Long.toString(batchId),
              CommitLedger.JOB, config.name()));
        }
        totals.add(stats.read(), stats.decoded(), stats.decoded(), stats.failedByReason());
        System.out.println(config.name() + ": batch " + batchId + ": " + stats.read() + " read, " + stats.decoded()
            + " upserted, " + stats.failed() + " quarantined" + (stats.failed() > 0 ? " " + stats.failedByReason() : "")
            + "; next offsets " + OffsetsJson.format(topic, next) + " (" + millisSince(startNanos) + " ms)");
      } finally {
        decoded.unpersist();
      }
    });
    return totals;
  }

  static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
