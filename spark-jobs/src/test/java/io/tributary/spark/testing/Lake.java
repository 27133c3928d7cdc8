package io.tributary.spark.testing;

import io.tributary.spark.config.ConfigLoader;
import io.tributary.spark.config.JobConfig;
import io.tributary.spark.config.JobKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Small helpers around job files and Hudi tables for the tests. */
public final class Lake {
  private static final Pattern COMPLETED = Pattern.compile("[0-9]+_[0-9]+\\.(commit|deltacommit)");
  private static final Pattern PENDING = Pattern.compile("([0-9]+)\\.(commit\\.requested|inflight|commit\\.inflight)");

  private Lake() {}

  /** Writes {@code yaml} to {@code file} and loads it as {@code job}'s configuration. */
  public static JobConfig config(JobKind job, Path file, String yaml) throws Exception {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, yaml);
    return ConfigLoader.load(job, file);
  }

  public static Dataset<Row> read(SparkSession spark, Path table) {
    return spark.read().format("hudi").load(table.toUri().toString());
  }

  /** Completed write commits (commit, deltacommit) on the table's timeline, read from the file system. */
  public static long completedCommits(Path table) throws IOException {
    Path timeline = table.resolve(".hoodie").resolve("timeline");
    if (!Files.isDirectory(timeline)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(timeline)) {
      return files.filter(f -> COMPLETED.matcher(f.getFileName().toString()).matches()).count();
    }
  }

  /** Instants of write commits requested or in flight, not completed, read from the file system. */
  public static java.util.Set<String> pendingCommits(Path table) throws IOException {
    Path timeline = table.resolve(".hoodie").resolve("timeline");
    java.util.Set<String> pending = new java.util.TreeSet<>();
    java.util.Set<String> done = new java.util.HashSet<>();
    if (!Files.isDirectory(timeline)) {
      return pending;
    }
    try (Stream<Path> files = Files.list(timeline)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        java.util.regex.Matcher m = PENDING.matcher(name);
        if (m.matches()) {
          pending.add(m.group(1));
        } else if (COMPLETED.matcher(name).matches()) {
          done.add(name.substring(0, name.indexOf('_')));
        }
      }
    }
    pending.removeAll(done);
    return pending;
  }

  /** Quarantined rows per reason. */
  public static Map<String, Long> reasons(SparkSession spark, Path quarantine) {
    Map<String, Long> out = new TreeMap<>();
    for (Row r : read(spark, quarantine).groupBy("reason").count().collectAsList()) {
      out.put(r.getString(0), r.getLong(1));
    }
    return out;
  }

  /** key -> seq of a table of events. */
  public static Map<String, Long> seqByKey(SparkSession spark, Path table) {
    Map<String, Long> out = new HashMap<>();
    for (Row r : read(spark, table).select("key", "seq").collectAsList()) {
      if (out.put(r.getString(0), r.getLong(1)) != null) {
        throw new AssertionError("key " + r.getString(0) + " is in the table twice");
      }
    }
    return out;
  }
}
