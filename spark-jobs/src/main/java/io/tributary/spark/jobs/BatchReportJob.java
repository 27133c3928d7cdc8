package io.tributary.spark.jobs;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;

import io.tributary.spark.JobException;
import io.tributary.spark.config.JobConfig;
import io.tributary.spark.decode.KafkaDecoding;
import io.tributary.spark.lake.CommitLedger;
import io.tributary.spark.lake.HudiWriter;
import io.tributary.spark.lake.OffsetsJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code batch-report}: one batch over an offset or time range of a topic, summarised per group (events,
 * distinct counts, sum/min/max/avg of measures) into a Hudi table keyed by report id and group; a rerun with
 * the same report id replaces its rows. Failed records go to the quarantine table as in the other jobs.
 */
public final class BatchReportJob implements SparkJob {
  public static final String REPORT_KEY = "report_key";

  @Override
  public JobTotals run(SparkSession spark, JobConfig config) throws Exception {
    ReaderSchema reader = ReaderSchema.fetch(config);
    JobConfig.Report r = config.report();
    reader.requireFields(r.groupBy(), "report.group.by");
    reader.requireFields(r.countDistinct(), "report.count.distinct");
    for (String m : r.measures()) {
      if (!(reader.field(m, "report.measures").dataType() instanceof NumericType)) {
        throw new JobException(config.where("report.measures") + ": field '" + m + "' is not numeric in " + reader.name());
      }
    }
    JobConfig.Table t = config.table();
    HudiWriter table = new HudiWriter(t.path(), t.name(), t.type(), List.of(REPORT_KEY), null, List.of(), t.options());
    QuarantineWriter quarantine = new QuarantineWriter(config);
    String range = KafkaReads.describeRange(config.source());
    System.out.println(config.name() + ": batch-report over " + config.source().topic() + " " + range + " -> " + t.path());

    Dataset<Row> decoded = KafkaDecoding.decode(KafkaReads.batch(spark, config.source()), reader.spec(List.of()))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      BatchStats stats = BatchStats.of(decoded);
      if (stats.failed() > 0) {
        quarantine.write(KafkaDecoding.bad(decoded));
      }
      Dataset<Row> good = KafkaDecoding.good(decoded);
      List<Column> aggs = new ArrayList<>();
      r.countDistinct().forEach(f -> aggs.add(countDistinct(col("`" + f + "`")).as("distinct_" + f)));
      for (String m : r.measures()) {
        Column c = col("`" + m + "`");
        aggs.add(sum(c).as("sum_" + m));
        aggs.add(min(c).as("min_" + m));
        aggs.add(max(c).as("max_" + m));
        aggs.add(avg(c).as("avg_" + m));
      }
      Column[] groups = r.groupBy().stream().map(g -> col("`" + g + "`")).toArray(Column[]::new);
      Dataset<Row> summary = good.groupBy(groups).agg(count("*").as("events"), aggs.toArray(Column[]::new));

      List<Column> keyParts = new ArrayList<>();
      keyParts.add(lit(r.id()));
      r.groupBy().forEach(g -> keyParts.add(coalesce(col("`" + g + "`").cast("string"), lit("<null>"))));
      String next = OffsetsJson.format(config.source().topic(), stats.nextOffsets());
      List<Column> out = new ArrayList<>();
      out.add(concat_ws("|", keyParts.toArray(Column[]::new)).as(REPORT_KEY));
      out.add(lit(r.id()).as("report_id"));
      out.add(lit(config.source().topic()).as("topic"));
      out.add(lit(range).as("range"));
      out.add(lit(next).as("end_offsets"));
      for (String c : summary.columns()) {
        out.add(col("`" + c + "`"));
      }
      out.add(current_timestamp().as("generated_at"));
      Dataset<Row> rows = summary.select(out.toArray(Column[]::new)).localCheckpoint(true);
      long written = rows.count();
      table.upsert(rows, Map.of(CommitLedger.OFFSETS, next, CommitLedger.JOB, config.name(),
          CommitLedger.PREFIX + "report.id", r.id()));
      if (r.print()) {
        rows.drop(REPORT_KEY, "topic", "range", "end_offsets").orderBy(groups).show(1000, false);
      }
      JobTotals totals = new JobTotals();
      totals.add(stats.read(), stats.decoded(), written, stats.failedByReason());
      return totals;
    } finally {
      decoded.unpersist();
    }
  }
}
