package io.tributary.spark.config;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The built-in jobs, by the name given to {@code tributary spark submit JOB}. */
public enum JobKind {
  INGEST("ingest", "topic -> Hudi upserts in micro-batches, exactly once across restarts"),
  AGGREGATE("aggregate", "event-time windows with a watermark -> Hudi table upserted on the window key"),
  BATCH_REPORT("batch-report", "one batch over an offset or time range of a topic -> summary table"),
  COMPACT("compact", "Hudi compaction of a MERGE_ON_READ table (schedule and execute)"),
  CLEAN("clean", "Hudi clean: removes file versions older than the retained commits");

  private final String jobName;
  private final String summary;

  JobKind(String jobName, String summary) {
    this.jobName = jobName;
    this.summary = summary;
  }

  public String jobName() {
    return jobName;
  }

  public String summary() {
    return summary;
  }

  /** Whether the job reads a topic (and so decodes, validates and quarantines). */
  public boolean readsTopic() {
    return this == INGEST || this == AGGREGATE || this == BATCH_REPORT;
  }

  public boolean streaming() {
    return this == INGEST || this == AGGREGATE;
  }

  public static Optional<JobKind> byName(String name) {
    return Arrays.stream(values()).filter(j -> j.jobName.equals(name)).findFirst();
  }

  public static List<String> names() {
    return Arrays.stream(values()).map(JobKind::jobName).toList();
  }

  @Override
  public String toString() {
    return jobName;
  }
}
