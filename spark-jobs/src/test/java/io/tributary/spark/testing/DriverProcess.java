package io.tributary.spark.testing;

import io.tributary.testkit.ChildProcess;
import io.tributary.testkit.JvmProcessBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A job's Spark driver in its own JVM (io.tributary.spark.JobMain on the test classpath, local[2]), so that
 * a test can {@code kill -9} it mid-run. Output goes to a log file; the process never outlives the test JVM.
 */
public final class DriverProcess implements AutoCloseable {
  private final ChildProcess process;
  private final Path log;

  private DriverProcess(ChildProcess process, Path log) {
    this.process = process;
    this.log = log;
  }

  public static DriverProcess start(String job, Path config, Path log) throws IOException {
    ChildProcess p = JvmProcessBuilder.main("io.tributary.spark.JobMain").name("driver of " + job).jvmArgs("-Xmx1g")
        .systemProperty("spark.master", "local[2]")
        .systemProperty("spark.ui.enabled", "false")
        .systemProperty("spark.sql.shuffle.partitions", "2")
        .args(job, "--config", config.toString()).logFile(log).start();
    return new DriverProcess(p, log);
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL, then waits for the process to be gone. */
  public void kill9() throws InterruptedException {
    process.kill9();
  }

  /** Exit code, or throws with the log's tail when it does not exit in time. */
  public int waitFor(long timeoutSeconds) throws InterruptedException {
    Optional<Integer> exitCode = process.waitForExit(Duration.ofSeconds(timeoutSeconds));
    if (exitCode.isEmpty()) {
      process.process().destroyForcibly();
      throw new IllegalStateException("driver did not finish within " + timeoutSeconds + " s; log:\n" + tail(60));
    }
    return exitCode.get();
  }

  /** Fails with the log's tail if the process died. */
  public void checkAlive() {
    if (!process.isAlive()) {
      throw new IllegalStateException("driver exited with " + process.exitValue() + "; log:\n" + tail(60));
    }
  }

  public String tail(int lines) {
    return process.tail(lines);
  }

  public List<String> lines(String containing) throws IOException {
    return Files.readAllLines(log, StandardCharsets.ISO_8859_1).stream().filter(l -> l.contains(containing)).toList();
  }

  @Override
  public void close() {
    process.process().destroyForcibly();
  }
}
