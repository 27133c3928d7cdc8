package io.tributary.spark.jobs;

import io.tributary.spark.JobException;
import io.tributary.spark.config.JobConfig;
import io.tributary.spark.config.JobKind;
import io.tributary.spark.lake.CommitLedger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code compact} and {@code clean}: Hudi's table services through its Spark procedures. compact plans a
 * compaction of a MERGE_ON_READ table's log files into new base files and runs it ({@code run_compaction},
 * scheduleAndExecute); clean deletes file versions older than the retained commits ({@code run_clean}).
 */
public final class TableServiceJob implements SparkJob {
  @Override
  public JobTotals run(SparkSession spark, JobConfig config) {
    JobConfig.Table t = config.table();
    if (!CommitLedger.exists(spark.sparkContext().hadoopConfiguration(), t.path())) {
      throw new JobException(config.where("table.path") + ": no Hudi table at " + t.path());
    }
    List<String> options = new ArrayList<>();
    t.options().forEach((k, v) -> options.add(k + "=" + v));
    List<Row> result;
    if (config.job() == JobKind.COMPACT) {
      String type = CommitLedger.tableType(spark.sparkContext().hadoopConfiguration(), t.path());
      if (!type.equals("MERGE_ON_READ")) {
        throw new JobException(config.where("table.path") + ": " + t.path() + " is a " + type
            + " table; compaction applies to MERGE_ON_READ tables only (clean applies to both)");
      }
      options.add("hoodie.compact.inline.max.delta.commits=" + config.service().minDeltaCommits());
      result = spark.sql("CALL run_compaction(op => 'scheduleAndExecute', path => " + quote(t.path())
          + options(options) + ")").collectAsList();
      if (result.isEmpty()) {
        System.out.println(config.name() + ": compact " + t.path() + ": nothing to compact (fewer than "
            + config.service().minDeltaCommits() + " delta commits since the last compaction, or no log files)");
      }
      for (Row r : result) {
        System.out.println(config.name() + ": compact " + t.path() + ": instant " + r.get(0) + ", "
            + r.get(1) + " file groups, " + r.get(2));
      }
    } else {
      // run_clean finds a table by name only: register the path under a name of its own in this session
      String name = "tributary_service_" + Integer.toHexString(t.path().hashCode());
      spark.sql("CREATE TABLE IF NOT EXISTS " + name + " USING hudi LOCATION " + quote(t.path()));
      JobConfig.Service sv = config.service();
      String policy = sv.retainFileVersions() > 0
          ? "clean_policy => 'KEEP_LATEST_FILE_VERSIONS', file_versions_retained => " + sv.retainFileVersions()
          : "clean_policy => 'KEEP_LATEST_COMMITS', retain_commits => " + sv.retainCommits();
      result = spark.sql("CALL run_clean(table => " + quote(name) + ", " + policy + options(options) + ")")
          .collectAsList();
      if (result.isEmpty()) {
        System.out.println(config.name() + ": clean " + t.path() + ": nothing to clean");
      }
      for (Row r : result) {
        System.out.println(config.name() + ": clean " + t.path() + ": " + r.get(2) + " files deleted, "
            + "earliest commit retained " + r.get(3));
      }
    }
    JobTotals totals = new JobTotals();
    totals.add(0, 0, result.size(), Map.of());
    return totals;
  }

  private static String options(List<String> options) {
    return options.isEmpty() ? "" : ", options => " + quote(String.join(",", options));
  }

  static String quote(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
