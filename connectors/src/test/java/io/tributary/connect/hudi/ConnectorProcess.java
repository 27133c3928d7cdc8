package io.tributary.connect.hudi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code connect run PIPELINE.yaml} in a child JVM on the connector's run-time classpath only (no Spark, no
 * test jars; log4j added so its logs can be read), as the launcher runs it. Killed with a real
 * {@code kill -9}. Its stdout and stderr go to files, read for the markers the Hudi sink prints in tests.
 */
final class ConnectorProcess {
  private final Process process;
  private final Path out;
  private final Path err;

  private ConnectorProcess(Process process, Path out, Path err) {
    this.process = process;
    this.out = out;
    this.err = err;
  }

  /**
   * Starts the connector on {@code pipeline}; {@code pauseFlag} is the file whose existence makes the sink
   * pause between a batch's write and its commit ({@link HudiTable#PAUSE_BEFORE_COMMIT_PROPERTY}).
   */
  static ConnectorProcess start(Path pipeline, Path pauseFlag, Path logDir, String name) throws IOException {
    Path target = Path.of("target").toAbsolutePath();
    String runtime = Files.readString(target.resolve("runtime-classpath.txt")).trim();
    List<String> cp = new ArrayList<>();
    cp.add(target.resolve("classes").toString());
    cp.add(runtime);
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (entry.contains("log4j")) {
        cp.add(entry);
      }
    }
    String classpath = String.join(java.io.File.pathSeparator, cp);
    if (classpath.contains("spark-sql") || classpath.contains("spark-core")) {
      throw new IllegalStateException("Spark on the connector's run-time classpath: " + classpath);
    }
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx768m",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
        "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=org.apache.hudi",
        "-Dlog4j2.configurationFile=" + target.resolve("test-classes/log4j2-test.xml"),
        "-D" + HudiTable.PAUSE_BEFORE_COMMIT_PROPERTY + "=" + pauseFlag.toAbsolutePath(),
        "-cp", classpath,
        "io.tributary.connect.cli.ConnectCommand", "run", pipeline.toAbsolutePath().toString()));
    Path out = logDir.resolve(name + ".out");
    Path err = logDir.resolve(name + ".err");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    return new ConnectorProcess(p, out, err);
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  String stdout() throws IOException {
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  String stderr() throws IOException {
    return Files.readString(err, StandardCharsets.UTF_8);
  }

  /** Waits until stdout contains one of {@code markers}; false on timeout or if the process died. */
  boolean awaitOutput(long timeoutMs, String... markers) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (true) {
      String text = stdout();
      for (String m : markers) {
        if (text.contains(m)) {
          return true;
        }
      }
      if (!process.isAlive() || System.currentTimeMillis() >= deadline) {
        return false;
      }
      Thread.sleep(20);
    }
  }

  /** A real {@code kill -9}, then waits for the process to be gone. */
  void kill9() throws Exception {
    Process kill = new ProcessBuilder("kill", "-9", Long.toString(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0 && process.isAlive()) {
      throw new IllegalStateException("kill -9 " + process.pid() + " failed");
    }
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("process " + process.pid() + " still alive after kill -9");
    }
  }

  /** SIGTERM (a clean stop: the sink commits what it holds); returns the exit code. */
  int terminate(long timeoutMs) throws Exception {
    process.destroy();
    if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
      kill9();
      throw new IllegalStateException("no exit " + timeoutMs + " ms after SIGTERM; killed");
    }
    return process.exitValue();
  }

  int waitFor(long timeoutMs) throws Exception {
    if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("still running after " + timeoutMs + " ms");
    }
    return process.exitValue();
  }
}
