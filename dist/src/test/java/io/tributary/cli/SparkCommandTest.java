package io.tributary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spark jobs} and {@code spark submit} up to the point where Spark would start (no cluster needed). */
class SparkCommandTest {
  @TempDir Path dir;

  @Test
  void jobsListsTheBuiltInJobs() {
    Cli.Result r = Cli.run("spark", "jobs");
    assertEquals(0, r.code(), r.toString());
    for (String job : new String[] {"ingest", "aggregate", "batch-report", "compact", "clean"}) {
      assertTrue(r.out().lines().anyMatch(l -> l.startsWith(job + " ")), job + " missing:\n" + r);
    }
  }

  @Test
  void aBadJobFileIsRefusedBeforeSparkStarts() throws Exception {
    Path f = dir.resolve("ingest.yaml");
    Files.writeString(f, "source:\n  topic: orders\n  max.offsets.per.trigger: lots\ntable:\n  path: lake/orders\n");
    Cli.Result r = Cli.run("spark", "submit", "ingest", "--config", f.toString());
    assertEquals(2, r.code(), r.toString());
    assertEquals("error: 1 error in the job file:\n  " + f + ":3: source.max.offsets.per.trigger: expected an integer, got 'lots'\n",
        r.err());
    Cli.Result unknown = Cli.run("spark", "submit", "ingestion", "--config", f.toString());
    assertEquals(2, unknown.code());
    assertEquals("error: unknown job 'ingestion' (jobs: ingest, aggregate, batch-report, compact, clean)\n", unknown.err());
  }

  @Test
  void submitHandsSparkSubmitTheAssemblyTheHudiBundleAndTheExecutorFlags() throws Exception {
    Path f = dir.resolve("ingest.yaml");
    Files.writeString(f, "name: orders-ingest\nsource:\n  topic: orders\ntable:\n  path: lake/orders\n");
    Cli.Result r = Cli.run("spark", "submit", "ingest", "--config", f.toString(), "--master", "yarn", "--dry-run",
        "--executor-memory", "2g", "--conf", "spark.executor.extraJavaOptions=-Dx=1", "--conf", "spark.foo=bar");
    assertEquals(0, r.code(), r.toString());
    String line = r.out().strip();
    assertTrue(line.startsWith("spark-submit --master yarn --deploy-mode client --class io.tributary.spark.JobMain"
        + " --name orders-ingest --jars "), line);
    assertTrue(line.matches(".* --jars \\S*/hudi-spark3\\.5-bundle_2\\.12-1\\.2\\.0\\.jar .*"), line);
    assertTrue(line.contains(" --executor-memory 2g "), line);
    assertTrue(line.contains(" --conf 'spark.executor.extraJavaOptions=-Dorg.apache.avro.SERIALIZABLE_PACKAGES=org.apache.hudi -Dx=1' "), line);
    assertTrue(line.contains(" --conf spark.foo=bar "), line);
    assertTrue(line.matches(".* \\S*tributary-spark-jobs-\\S+-assembly\\.jar ingest --config " + f.toAbsolutePath() + "$"), line);
  }

  @Test
  void yarnSupportIsOnTheLaunchersClasspath() throws Exception {
    Object manager = Class.forName("org.apache.spark.scheduler.cluster.YarnClusterManager").getDeclaredConstructor().newInstance();
    assertEquals(true, manager.getClass().getMethod("canCreate", String.class).invoke(manager, "yarn"));
  }
}
