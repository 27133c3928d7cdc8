package io.tributary.spark.submit;

import io.tributary.spark.JobMain;
import io.tributary.spark.config.JobConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The arguments of Spark's own {@code SparkSubmit} for one job: client mode (the driver is the submitting
 * process), the assembly jar with {@link JobMain} as main class, the Hudi bundle with --jars, the Java flags
 * executors need, and the user's own --conf settings last.
 */
public final class SubmitLine {
  /** Executors read Hudi's Avro classes; Avro 1.12 only deserializes trusted packages. */
  static final String EXECUTOR_FLAGS = "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=org.apache.hudi";

  private SubmitLine() {}

  /** Resources asked of the cluster (null: Spark's default). */
  public record Resources(String driverMemory, String executorMemory, Integer executorCores,
      Integer totalExecutorCores, Integer numExecutors) {}

  public static List<String> arguments(JobConfig job, Path configFile, String master, Path assembly, List<Path> jars,
      Resources resources, Map<String, String> conf) {
    List<String> a = new ArrayList<>();
    a.add("--master");
    a.add(master);
    a.add("--deploy-mode");
    a.add("client");
    a.add("--class");
    a.add(JobMain.class.getName());
    a.add("--name");
    a.add(job.name());
    if (!jars.isEmpty()) {
      a.add("--jars");
      a.add(String.join(",", jars.stream().map(p -> p.toAbsolutePath().toString()).toList()));
    }
    if (resources.driverMemory() != null) {
      a.addAll(List.of("--driver-memory", resources.driverMemory()));
    }
    if (resources.executorMemory() != null) {
      a.addAll(List.of("--executor-memory", resources.executorMemory()));
    }
    if (resources.executorCores() != null) {
      a.addAll(List.of("--executor-cores", resources.executorCores().toString()));
    }
    if (resources.totalExecutorCores() != null) {
      a.addAll(List.of("--total-executor-cores", resources.totalExecutorCores().toString()));
    }
    if (resources.numExecutors() != null) {
      a.addAll(List.of("--num-executors", resources.numExecutors().toString()));
    }
    Map<String, String> all = new LinkedHashMap<>();
    all.put("spark.executor.extraJavaOptions", EXECUTOR_FLAGS);
    all.put("spark.ui.showConsoleProgress", "false");
    conf.forEach((k, v) -> all.merge(k, v, (ours, theirs) ->
        k.equals("spark.executor.extraJavaOptions") ? ours + " " + theirs : theirs));
    all.forEach((k, v) -> {
      a.add("--conf");
      a.add(k + "=" + v);
    });
    a.add(assembly.toAbsolutePath().toString());
    a.add(job.job().jobName());
    a.add("--config");
    a.add(configFile.toAbsolutePath().toString());
    return a;
  }
}
