package io.tributary.spark.submit;

import io.tributary.spark.JobException;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the jars a submission needs on this JVM's own classpath (the launcher's): the jobs' assembly jar,
 * the Hudi Spark bundle, and the jars that make up "a Spark distribution" for a standalone worker.
 */
public final class SparkJars {
  /**
   * Jars a job brings itself (in the assembly, or with --jars): left out of the Spark distribution a worker
   * gets, so that a standalone run proves the assembly carries them.
   */
  static final Pattern BROUGHT_BY_JOB = Pattern.compile(
      "(tributary-.*|hudi-.*|spark-sql-kafka-.*|spark-token-provider-kafka-.*|kafka-clients-.*|commons-pool2-.*)\\.jar");

  private SparkJars() {}

  /** The jar or directory a class was loaded from. */
  public static Optional<Path> locationOf(String className) {
    try {
      Class<?> c = Class.forName(className, false, SparkJars.class.getClassLoader());
      CodeSource cs = c.getProtectionDomain().getCodeSource();
      return cs == null ? Optional.empty() : Optional.of(Path.of(cs.getLocation().toURI()));
    } catch (ClassNotFoundException | URISyntaxException e) {
      return Optional.empty();
    }
  }

  /** The Hudi Spark bundle on this classpath. */
  public static Path hudiBundle() {
    return locationOf("org.apache.hudi.DataSourceUtils").filter(p -> p.toString().endsWith(".jar"))
        .orElseThrow(() -> new JobException("the Hudi Spark bundle (hudi-spark3.5-bundle) is not on the classpath"));
  }

  /**
   * The assembly jar of spark-jobs: next to the spark-jobs jar this JVM loaded ({@code X.jar} →
   * {@code X-assembly.jar}, as Maven installs it), or in spark-jobs/target when running from the build tree.
   */
  public static Path assembly() {
    Path loaded = locationOf("io.tributary.spark.JobMain")
        .orElseThrow(() -> new JobException("io.tributary.spark.JobMain is not on the classpath"));
    List<Path> candidates = new ArrayList<>();
    String name = loaded.getFileName().toString();
    if (name.endsWith(".jar")) {
      candidates.add(loaded.resolveSibling(name.replaceFirst("\\.jar$", "-assembly.jar")));
    } else if (loaded.getParent() != null) { // .../spark-jobs/target/classes
      try (Stream<Path> s = Files.list(loaded.getParent())) {
        s.filter(p -> p.getFileName().toString().matches("tributary-spark-jobs-.*-assembly\\.jar")).forEach(candidates::add);
      } catch (IOException e) {
        // reported below
      }
    }
    return candidates.stream().filter(Files::isRegularFile).findFirst().orElseThrow(() -> new JobException(
        "the spark-jobs assembly jar is not built (looked for " + candidates + " next to " + loaded
            + "): run mvn -pl spark-jobs -am package -DskipTests, or give --jar"));
  }

  /** The jars of this JVM's classpath that a Spark distribution would hold (not the ones jobs bring). */
  public static List<Path> sparkDistribution(String classPath) {
    List<Path> out = new ArrayList<>();
    for (String entry : classPath.split(File.pathSeparator)) {
      if (entry.endsWith(".jar")) {
        Path p = Path.of(entry);
        if (!BROUGHT_BY_JOB.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p)) {
          out.add(p);
        }
      }
    }
    return out;
  }

  /** This JVM's real classpath (surefire may hide it behind a manifest-only jar). */
  public static String classPath() {
    String surefire = System.getProperty("surefire.test.class.path");
    return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
  }
}
