package io.tributary.spark.jobs;

import io.tributary.spark.config.JobConfig;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Options of Spark's own Kafka source for a job's {@code source} section. */
final class KafkaReads {
  private KafkaReads() {}

  private static Map<String, String> common(JobConfig.Source s) {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("kafka.bootstrap.servers", s.bootstrapServers());
    o.put("subscribe", s.topic());
    // A deleted or compacted-away offset is not data loss the job can do anything about mid-run: fail loudly.
    o.put("failOnDataLoss", "true");
    o.putAll(s.options());
    return o;
  }

  /** A micro-batch stream from {@code startingOffsets} (used by Spark only when the checkpoint is new). */
  static Dataset<Row> stream(SparkSession spark, JobConfig.Source s, String startingOffsets) {
    Map<String, String> o = common(s);
    o.put("startingOffsets", startingOffsets);
    s.maxOffsetsPerTrigger().ifPresent(n -> o.put("maxOffsetsPerTrigger", Long.toString(n)));
    return spark.readStream().format("kafka").options(o).load();
  }

  /** One batch over an offset or time range. */
  static Dataset<Row> batch(SparkSession spark, JobConfig.Source s) {
    Map<String, String> o = common(s);
    if (s.startingTimestampMs().isPresent()) {
      o.put("startingTimestamp", Long.toString(s.startingTimestampMs().getAsLong()));
      // a partition with nothing at or after the time starts at its end instead of failing the job
      o.put("startingOffsetsByTimestampStrategy", "latest");
    } else {
      o.put("startingOffsets", s.startingOffsets());
    }
    if (s.endingTimestampMs().isPresent()) {
      o.put("endingTimestamp", Long.toString(s.endingTimestampMs().getAsLong()));
    } else {
      o.put("endingOffsets", s.endingOffsets());
    }
    return spark.read().format("kafka").options(o).load();
  }

  /** How the range of a batch reads in messages and in the summary table. */
  static String describeRange(JobConfig.Source s) {
    String from = s.startingTimestampMs().isPresent()
        ? "timestamp " + Instant.ofEpochMilli(s.startingTimestampMs().getAsLong()) : s.startingOffsets();
    String to = s.endingTimestampMs().isPresent()
        ? "timestamp " + Instant.ofEpochMilli(s.endingTimestampMs().getAsLong()) : s.endingOffsets();
    return "from " + from + " to " + to;
  }
}
