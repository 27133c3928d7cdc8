package io.tributary.spark.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A job's Spark driver in its own JVM (io.tributary.spark.JobMain on the test classpath, local[2]), so that
 * a test can {@code kill -9} it mid-run. Output goes to a log file; the process never outlives the test JVM.
 */
public final class DriverProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private DriverProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  public static DriverProcess start(String job, Path config, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    cmd.add("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED");
    cmd.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
    cmd.add("--add-opens=java.base/java.lang.invoke=ALL-UNNAMED");
    cmd.add("--add-opens=java.base/java.util=ALL-UNNAMED");
    cmd.add("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=org.apache.hudi");
    cmd.add("-Dspark.master=local[2]");
    cmd.add("-Dspark.ui.enabled=false");
    cmd.add("-Dspark.sql.shuffle.partitions=2");
    cmd.add("-cp");
    String surefire = System.getProperty("surefire.test.class.path");
    cmd.add(surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path"));
    cmd.add("io.tributary.spark.JobMain");
    cmd.add(job);
    cmd.add("--config");
    cmd.add(config.toString());
    Files.createDirectories(log.toAbsolutePath().getParent());
    Process p = new ProcessBuilder(cmd)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectErrorStream(true)
        .start();
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
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
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("driver pid " + process.pid() + " survived SIGKILL for 30 s");
    }
  }

  /** Exit code, or throws with the log's tail when it does not exit in time. */
  public int waitFor(long timeoutSeconds) throws InterruptedException {
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("driver did not finish within " + timeoutSeconds + " s; log:\n" + tail(60));
    }
    return process.exitValue();
  }

  /** Fails with the log's tail if the process died. */
  public void checkAlive() {
    if (!process.isAlive()) {
      throw new IllegalStateException("driver exited with " + process.exitValue() + "; log:\n" + tail(60));
    }
  }

  public String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  public List<String> lines(String containing) throws IOException {
    return Files.readAllLines(log, StandardCharsets.ISO_8859_1).stream().filter(l -> l.contains(containing)).toList();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
