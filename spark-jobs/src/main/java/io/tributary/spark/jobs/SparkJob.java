package io.tributary.spark.jobs;

import io.tributary.spark.config.JobConfig;
import org.apache.spark.sql.SparkSession;

/** One built-in job: runs to completion (a batch, or a stream until stopped) and returns its totals. */
public interface SparkJob {
  JobTotals run(SparkSession spark, JobConfig config) throws Exception;
}
