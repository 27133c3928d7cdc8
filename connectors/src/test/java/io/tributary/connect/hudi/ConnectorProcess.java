package io.tributary.connect.hudi;

import io.tributary.testkit.ChildProcess;
import io.tributary.testkit.JvmProcessBuilder;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code connect run PIPELINE.yaml} in a child JVM on the connector's run-time classpath only (no Spark, no
 * test jars; log4j added so its logs can be read), as the launcher runs it. Killed with SIGKILL
 * (testkit's {@link ChildProcess}). Its stdout and stderr go to files, read for the markers the Hudi sink prints in tests.
 */
final class ConnectorProcess {
  private final ChildProcess process;
  private final Path out;
  private final Path err;

  private ConnectorProcess(ChildProcess process, Path out, Path err) {
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
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (entry.contains("log4j")) {
        cp.add(entry);
      }
    }
    String classpath = String.join(File.pathSeparator, cp);
    if (classpath.contains("spark-sql") || classpath.contains("spark-core")) {
      throw new IllegalStateException("Spark on the connector's run-time classpath: " + classpath);
    }
    Path out = logDir.resolve(name + ".out");
    Path err = logDir.resolve(name + ".err");
    ChildProcess p = JvmProcessBuilder.main("io.tributary.connect.cli.ConnectCommand").name(name)
        .classpath(classpath).jvmArgs("-Xmx768m")
        .systemProperty("log4j2.configurationFile", target.resolve("test-classes/log4j2-test.xml").toString())
        .systemProperty(HudiTable.PAUSE_BEFORE_COMMIT_PROPERTY, pauseFlag.toAbsolutePath().toString())
        .args("run", pipeline.toAbsolutePath().toString()).logFile(out).errorFile(err).start();
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

  /** SIGKILL, then waits for the process to be gone. */
  void kill9() throws Exception {
    process.kill9();
  }

  /** SIGTERM (a clean stop: the sink commits what it holds); returns the exit code. */
  int terminate(long timeoutMs) throws Exception {
    process.sigterm();
    Optional<Integer> exitCode = process.waitForExit(Duration.ofMillis(timeoutMs));
    if (exitCode.isEmpty()) {
      kill9();
      throw new IllegalStateException("no exit " + timeoutMs + " ms after SIGTERM; killed");
    }
    return exitCode.get();
  }

  int waitFor(long timeoutMs) throws Exception {
    return process.waitForExit(Duration.ofMillis(timeoutMs))
        .orElseThrow(() -> new IllegalStateException("still running after " + timeoutMs + " ms"));
  }
}
