package io.tributary.spark.jobs;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.window;

import io.tributary.spark.JobException;
import io.tributary.spark.config.Durations;
import io.tributary.spark.config.JobConfig;
import io.tributary.spark.decode.KafkaDecoding;
import io.tributary.spark.decode.QuarantineReason;
import io.tributary.spark.lake.CommitLedger;
import io.tributary.spark.lake.HudiWriter;
import io.tributary.spark.lake.OffsetsJson;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;
import scala.collection.JavaConverters;

/**
 * {@code aggregate}: event-time windows (tumbling or sliding) counted per group, upserted into a Hudi table
 * keyed by window and group.
 *
 * <p>The watermark is the largest event time seen minus {@code window.watermark.delay}; it is kept in the
 * Hudi commit together with the counts and the next offsets, so it survives restarts exactly. An event older
 * than the watermark at the start of its micro-batch is late: it is not counted in any window but written
 * to the quarantine table with reason LATE_EVENT (and counted there), never dropped silently. Spark's own
 * stateful aggregation was not used because it drops late rows and only reports how many in an in-memory
 * progress metric that a crash loses; here each batch adds its counts to the rows already in the table.
 */
public final class AggregateJob implements SparkJob {
  public static final String WINDOW_KEY = "window_key";
  public static final String EVENT_TIME = "event_time";

  @Override
  public JobTotals run(SparkSession spark, JobConfig config) throws Exception {
    ReaderSchema reader = ReaderSchema.fetch(config);
    JobConfig.Window w = config.window();
    Column eventTime = eventTime(reader.field(w.eventTimeField(), "window.event.time.field"), w, config);
    reader.requireFields(w.groupBy(), "window.group.by");
    for (String f : w.sum()) {
      if (!(reader.field(f, "window.sum").dataType() instanceof NumericType)) {
        throw new JobException(config.where("window.sum") + ": field '" + f + "' is not numeric in " + reader.name());
      }
    }
    KafkaDecoding.Spec spec = reader.spec(List.of(w.eventTimeField()));
    JobConfig.Table t = config.table();
    HudiWriter table = new HudiWriter(t.path(), t.name(), t.type(), List.of(WINDOW_KEY), null, List.of(), t.options());
    QuarantineWriter quarantine = new QuarantineWriter(config);
    JobTotals totals = new JobTotals();
    String topic = config.source().topic();
    System.out.println(config.name() + ": aggregate " + topic + " -> " + t.path() + " (windows of "
        + w.durationMs() + " ms every " + w.slideMs() + " ms on " + w.eventTimeField() + ", watermark delay "
        + w.watermarkDelayMs() + " ms; late events and failures: " + quarantine.path() + ")");

    MicroBatches.run(spark, config, (kafkaBatch, batchId) -> {
      long startNanos = System.nanoTime();
      Configuration hadoop = spark.sparkContext().hadoopConfiguration();
      Optional<Map<String, String>> state = CommitLedger.latestWith(hadoop, t.path(), CommitLedger.OFFSETS);
      Map<Integer, Long> committed = state.map(m -> OffsetsJson.parse(m.get(CommitLedger.OFFSETS), topic)).orElse(Map.of());
      long watermark = state.map(m -> m.get(CommitLedger.WATERMARK_MS)).map(Long::parseLong).orElse(Long.MIN_VALUE);

      Dataset<Row> decoded = KafkaDecoding.decode(kafkaBatch.filter(KafkaDecoding.notBefore(committed)), spec)
          .persist(StorageLevel.MEMORY_AND_DISK());
      Dataset<Row> timed = null;
      try {
        BatchStats stats = BatchStats.of(decoded);
        if (stats.read() == 0) {
          System.out.println(config.name() + ": batch " + batchId + ": nothing new");
          return;
        }
        timed = KafkaDecoding.goodWithCoordinates(decoded).withColumn(EVENT_TIME, eventTime)
            .persist(StorageLevel.MEMORY_AND_DISK());
        Column late = watermark == Long.MIN_VALUE ? lit(false) : col(EVENT_TIME).lt(lit(new Timestamp(watermark)));
        Row split = timed.agg(sum(when(late, 1L).otherwise(0L)), max(when(not(late), col(EVENT_TIME)))).first();
        long lateCount = split.isNullAt(0) ? 0 : split.getLong(0);
        Timestamp maxOnTime = split.isNullAt(1) ? null : split.getTimestamp(1);

        if (stats.failed() > 0 || lateCount > 0) {
          Dataset<Row> bad = KafkaDecoding.bad(decoded);
          if (lateCount > 0) {
            bad = bad.unionByName(lateRows(timed.filter(late), watermark));
          }
          quarantine.write(bad);
        }
        long onTime = stats.decoded() - lateCount;
        long windowsWritten = 0;
        Map<Integer, Long> next = OffsetsJson.max(committed, stats.nextOffsets());
        long newWatermark = watermark;
        if (onTime > 0) {
          newWatermark = Math.max(watermark, maxOnTime.getTime() - w.watermarkDelayMs());
          Dataset<Row> windows = merge(spark, t.path(), windows(timed.filter(not(late)), w), w)
              .localCheckpoint(true);
          windowsWritten = windows.count();
          table.upsert(windows, Map.of(
              CommitLedger.OFFSETS, OffsetsJson.format(topic, next),
              CommitLedger.WATERMARK_MS, Long.toString(newWatermark),
              CommitLedger.BATCH_ID, Long.toString(batchId),
              CommitLedger.JOB, config.name()));
        }
        Map<String, Long> quarantined = new TreeMap<>(stats.failedByReason());
        if (lateCount > 0) {
          quarantined.merge(QuarantineReason.LATE_EVENT.name(), lateCount, Long::sum);
        }
        totals.add(stats.read(), onTime, windowsWritten, quarantined);
        System.out.println(config.name() + ": batch " + batchId + ": " + stats.read() + " read, " + onTime
            + " counted in " + windowsWritten + " windows, " + lateCount + " late, " + stats.failed()
            + " failed" + (stats.failed() > 0 ? " " + stats.failedByReason() : "") + "; watermark "
            + (newWatermark == Long.MIN_VALUE ? "none" : Instant.ofEpochMilli(newWatermark))
            + " (" + IngestJob.millisSince(startNanos) + " ms)");
      } finally {
        if (timed != null) {
          timed.unpersist();
        }
        decoded.unpersist();
      }
    });
    return totals;
  }

  /** The event time as a timestamp column, from a timestamp, date or number field. */
  static Column eventTime(StructField field, JobConfig.Window w, JobConfig config) {
    Column c = col(KafkaDecoding.DATA + ".`" + field.name() + "`");
    DataType type = field.dataType();
    if (type.equals(DataTypes.TimestampType)) {
      return c;
    }
    if (type.equals(DataTypes.TimestampNTZType) || type.equals(DataTypes.DateType)) {
      return c.cast(DataTypes.TimestampType);
    }
    if (type.equals(DataTypes.LongType) || type.equals(DataTypes.IntegerType)) {
      String fn = switch (w.eventTimeUnit()) {
        case MILLIS -> "timestamp_millis";
        case SECONDS -> "timestamp_seconds";
        case MICROS -> "timestamp_micros";
      };
      return expr(fn + "(" + KafkaDecoding.DATA + ".`" + field.name() + "`)");
    }
    throw new JobException(config.where("window.event.time.field") + ": field '" + field.name() + "' is of type "
        + type.simpleString() + "; the event time must be a timestamp, a date or a number (window.event.time.unit)");
  }

  /** Late rows in the quarantine's columns. */
  private static Dataset<Row> lateRows(Dataset<Row> late, long watermark) {
    String wm = Instant.ofEpochMilli(watermark).toString();
    return late.select(col("topic"), col("partition"), col("offset"), col("timestamp"), col("key"), col("value"),
        lit(QuarantineReason.LATE_EVENT.name()).as(KafkaDecoding.REASON),
        concat(lit("event time "), date_format(col(EVENT_TIME), "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"),
            lit(" is before the watermark " + wm)).as(KafkaDecoding.DETAIL));
  }

  /** The batch's own counts per window (and group). */
  static Dataset<Row> windows(Dataset<Row> onTime, JobConfig.Window w) {
    Dataset<Row> flat = onTime.select(col(EVENT_TIME), col(KafkaDecoding.DATA + ".*"));
    List<Column> keys = new ArrayList<>();
    keys.add(window(col(EVENT_TIME), Durations.spark(w.durationMs()), Durations.spark(w.slideMs())).as("window"));
    w.groupBy().forEach(g -> keys.add(col("`" + g + "`")));
    List<Column> aggs = new ArrayList<>();
    w.sum().forEach(f -> aggs.add(sum(col("`" + f + "`")).as("sum_" + f)));
    Dataset<Row> counted = flat.groupBy(keys.toArray(Column[]::new))
        .agg(count("*").as("events"), aggs.toArray(Column[]::new));
    List<Column> keyParts = new ArrayList<>();
    keyParts.add(date_format(col("window.start"), "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"));
    w.groupBy().forEach(g -> keyParts.add(coalesce(col("`" + g + "`").cast("string"), lit("<null>"))));
    List<Column> out = new ArrayList<>();
    out.add(concat_ws("|", keyParts.toArray(Column[]::new)).as(WINDOW_KEY));
    out.add(col("window.start").as("window_start"));
    out.add(col("window.end").as("window_end"));
    w.groupBy().forEach(g -> out.add(col("`" + g + "`")));
    out.add(col("events"));
    w.sum().forEach(f -> out.add(col("sum_" + f)));
    return counted.select(out.toArray(Column[]::new));
  }

  /** Adds the counts already in the table for the same windows. */
  static Dataset<Row> merge(SparkSession spark, String path, Dataset<Row> batch, JobConfig.Window w) {
    if (!CommitLedger.exists(spark.sparkContext().hadoopConfiguration(), path)) {
      return batch;
    }
    List<Column> old = new ArrayList<>();
    old.add(col(WINDOW_KEY));
    old.add(col("events").as("old_events"));
    w.sum().forEach(f -> old.add(col("sum_" + f).as("old_sum_" + f)));
    Dataset<Row> existing = spark.read().format("hudi").load(path).select(old.toArray(Column[]::new));
    Dataset<Row> joined = batch.join(existing, JavaConverters
        .asScalaBuffer(List.of(WINDOW_KEY)).toSeq(), "left");
    List<Column> out = new ArrayList<>();
    for (String c : batch.columns()) {
      if (c.equals("events")) {
        out.add(col("events").plus(coalesce(col("old_events"), lit(0L))).as("events"));
      } else if (c.startsWith("sum_")) {
        out.add(coalesce(col("`" + c + "`"), lit(0)).plus(coalesce(col("old_" + c), lit(0))).as(c));
      } else {
        out.add(col("`" + c + "`"));
      }
    }
    return joined.select(out.toArray(Column[]::new));
  }
}
