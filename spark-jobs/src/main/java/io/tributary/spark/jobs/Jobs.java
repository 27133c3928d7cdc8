package io.tributary.spark.jobs;

import io.tributary.spark.config.JobConfig;
import io.tributary.spark.config.JobKind;
import org.apache.spark.sql.SparkSession;

/** The job class of each {@link JobKind}. */
public final class Jobs {
  private Jobs() {}

  public static SparkJob of(JobKind kind) {
    return switch (kind) {
      case INGEST -> new IngestJob();
      case AGGREGATE -> new AggregateJob();
      case BATCH_REPORT -> new BatchReportJob();
      case COMPACT, CLEAN -> new TableServiceJob();
    };
  }

  /** Runs the job of {@code config} on {@code spark} (tests and JobMain). */
  public static JobTotals run(SparkSession spark, JobConfig config) throws Exception {
    JobTotals totals = of(config.job()).run(spark, config);
    System.out.println(config.name() + ": done: " + totals.describe());
    return totals;
  }
}
