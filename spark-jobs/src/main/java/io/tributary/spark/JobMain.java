package io.tributary.spark;

import io.tributary.spark.config.ConfigException;
import io.tributary.spark.config.ConfigLoader;
import io.tributary.spark.config.JobConfig;
import io.tributary.spark.config.JobKind;
import io.tributary.spark.jobs.Jobs;
import io.tributary.spark.lake.LakeSession;
import java.nio.file.Path;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQueryException;

/**
 * Main class of the assembly jar: {@code JobMain JOB --config FILE}, normally through spark-submit
 * ({@code tributary spark submit} calls it so). The file is validated before Spark starts. Exit codes: 0 done,
 * 1 the job failed, 2 bad arguments or job file.
 */
public final class JobMain {
  static final String SHUFFLE_PARTITIONS = "spark.sql.shuffle.partitions";

  private JobMain() {}

  public static void main(String[] args) {
    int code = run(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  static int run(String[] args) {
    String job = null;
    String file = null;
    for (int i = 0; i < args.length; i++) {
      if ((args[i].equals("--config") || args[i].equals("-c")) && i + 1 < args.length) {
        file = args[++i];
      } else if (args[i].startsWith("--config=")) {
        file = args[i].substring("--config=".length());
      } else if (job == null && !args[i].startsWith("-")) {
        job = args[i];
      } else {
        return usage("unexpected argument '" + args[i] + "'");
      }
    }
    if (job == null || file == null) {
      return usage(job == null ? "no job given" : "no --config FILE given");
    }
    JobKind kind = JobKind.byName(job).orElse(null);
    if (kind == null) {
      return usage("unknown job '" + job + "'");
    }
    JobConfig config;
    try {
      config = ConfigLoader.load(kind, Path.of(file));
    } catch (ConfigException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    }
    quietLogging();
    SparkSession.Builder builder = LakeSession.configure(SparkSession.builder().appName(config.name()));
    config.spark().forEach(builder::config);
    if (!new SparkConf().contains("spark.master")) {
      builder.master("local[*]"); // run directly (not through spark-submit): this machine
    }
    SparkSession spark = builder.getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    if (!config.spark().containsKey(SHUFFLE_PARTITIONS) && !spark.sparkContext().getConf().contains(SHUFFLE_PARTITIONS)) {
      // Spark's 200 shuffle partitions make every small micro-batch schedule hundreds of tasks: one per core
      spark.conf().set(SHUFFLE_PARTITIONS, Integer.toString(Math.max(2, spark.sparkContext().defaultParallelism())));
    }
    try {
      Jobs.run(spark, config);
      return 0;
    } catch (JobException e) {
      System.err.println("error: " + e.getMessage());
      return 1;
    } catch (StreamingQueryException e) {
      Throwable cause = e.cause() == null ? e : e.cause();
      System.err.println("error: " + config.name() + ": the stream failed: " + rootMessage(cause));
      cause.printStackTrace();
      return 1;
    } catch (Exception e) {
      System.err.println("error: " + config.name() + ": " + rootMessage(e));
      e.printStackTrace();
      return 1;
    } finally {
      spark.stop();
    }
  }

  /** Warnings every run prints and nobody can act on, kept off the job's console. */
  public static void quietLogging() {
    for (String logger : new String[] {"org.apache.hadoop.util.NativeCodeLoader", "org.apache.spark.util.Utils",
        "org.apache.spark.sql.execution.streaming.ResolveWriteToStream", "org.apache.hudi.common.table.HoodieTableConfig",
        "org.apache.hudi.com.fasterxml.jackson.module.afterburner", "org.apache.hudi.config.HoodiePayloadConfig"}) {
      Configurator.setLevel(logger, Level.ERROR);
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      if (c instanceof JobException) {
        break;
      }
      c = c.getCause();
    }
    return c.getClass().getSimpleName() + ": " + c.getMessage();
  }

  private static int usage(String problem) {
    System.err.println("error: " + problem);
    System.err.println("usage: JobMain JOB --config FILE   (JOB: " + String.join(", ", JobKind.names()) + ")");
    return 2;
  }
}
