package io.tributary.spark.jobs;

import io.tributary.spark.config.JobConfig;
import io.tributary.spark.lake.CommitLedger;
import io.tributary.spark.lake.OffsetsJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;

/**
 * The streaming part shared by ingest and aggregate: Spark's Kafka source in micro-batches, checkpointed,
 * each batch handed to the job's handler ({@code foreachBatch}) on the driver.
 *
 * <p>Where a stream starts: from its checkpoint when it has one (Spark replays the last batch if its end
 * was not recorded). Without one (first run, or the checkpoint was lost) from the offsets recorded in the
 * table's last commit if there are any, else from {@code source.starting.offsets}. The handlers skip records
 * the table already holds, so a replayed batch changes nothing: exactly-once from the table's point of view.
 */
final class MicroBatches {
  private MicroBatches() {}

  @FunctionalInterface
  interface Handler {
    void apply(Dataset<Row> kafkaBatch, long batchId) throws Exception;
  }

  static void run(SparkSession spark, JobConfig config, Handler handler) throws StreamingQueryException, TimeoutException {
    String starting = startingOffsets(spark.sparkContext().hadoopConfiguration(), config);
    Dataset<Row> kafka = KafkaReads.stream(spark, config.source(), starting);
    Trigger trigger = config.stream().trigger() == JobConfig.Trigger.AVAILABLE_NOW
        ? Trigger.AvailableNow() : Trigger.ProcessingTime(config.stream().triggerIntervalMs());
    StreamingQuery query = kafka.writeStream()
        .queryName(config.name().replaceAll("[^A-Za-z0-9_]", "_"))
        .option("checkpointLocation", config.stream().checkpoint())
        .trigger(trigger)
        .foreachBatch((VoidFunction2<Dataset<Row>, Long>) handler::apply)
        .start();
    // SIGTERM (Ctrl-C, spark submit's own stop): stop between batches; a batch cut short is replayed on restart.
    Thread stopper = new Thread(() -> {
      try {
        query.stop();
      } catch (Exception e) {
        // the JVM is going down
      }
    }, "stop-" + config.name());
    Runtime.getRuntime().addShutdownHook(stopper);
    try {
      query.awaitTermination();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(stopper);
      } catch (IllegalStateException e) {
        // already shutting down
      }
    }
  }

  /** Where a stream starts when its checkpoint is new (Spark ignores this otherwise). */
  static String startingOffsets(Configuration hadoop, JobConfig config) {
    if (hasCheckpoint(hadoop, config.stream().checkpoint())) {
      return config.source().startingOffsets();
    }
    Map<Integer, Long> committed = CommitLedger.offsets(hadoop, config.table().path(), config.source().topic());
    if (committed.isEmpty()) {
      return config.source().startingOffsets();
    }
    Map<Integer, Long> all = new TreeMap<>();
    List<Integer> partitions = TopicPartitions.of(config.source().bootstrapServers(), config.source().topic());
    partitions.forEach(p -> all.put(p, committed.getOrDefault(p, -2L))); // -2: earliest
    System.out.println(config.name() + ": no checkpoint at " + config.stream().checkpoint()
        + "; starting from the offsets in the table's last commit " + OffsetsJson.format(config.source().topic(), all));
    return OffsetsJson.format(config.source().topic(), all);
  }

  static boolean hasCheckpoint(Configuration hadoop, String checkpoint) {
    try {
      Path offsets = new Path(checkpoint, "offsets");
      FileSystem fs = offsets.getFileSystem(hadoop);
      if (!fs.exists(offsets)) {
        return false;
      }
      for (FileStatus f : fs.listStatus(offsets)) {
        if (f.getPath().getName().matches("[0-9]+")) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look at the checkpoint " + checkpoint, e);
    }
  }
}
