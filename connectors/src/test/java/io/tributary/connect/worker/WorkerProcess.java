package io.tributary.connect.worker;

import io.tributary.connect.cli.ConnectCommand;
import io.tributary.testkit.ChildProcess;
import io.tributary.testkit.JvmProcessBuilder;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code connect worker --config F} in its own JVM, on the run-time classpath as the launcher has it (the
 * module's classes and its runtime dependencies, from {@code target/runtime-classpath.txt}, plus log4j for the
 * log), logging to a file; killed with SIGKILL or stopped with SIGTERM. Children never outlive the test JVM.
 */
final class WorkerProcess implements AutoCloseable {
  /** How long a SIGTERMed worker may take to hand its pipelines over before it is killed. */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(90);

  final String id;
  final Path config;
  final Path log;
  private final String maxHeap;
  private ChildProcess process;

  WorkerProcess(String id, Path config, Path log, String maxHeap) {
    this.id = id;
    this.config = config;
    this.log = log;
    this.maxHeap = maxHeap;
  }

  WorkerProcess start() throws IOException {
    process = JvmProcessBuilder.main(ConnectCommand.class.getName()).name("worker " + id).classpath(classPath())
        .jvmArgs(maxHeap)
        // the worker logs while it hands over on SIGTERM: keep log4j alive until the JVM is gone
        .systemProperty("log4j.shutdownHookEnabled", "false")
        .args("worker", "--config", config.toString()).logFile(log).start();
    return this;
  }

  /** The module's classes + runtime dependencies + the test classpath's log4j jars and log4j2-test.xml. */
  static String classPath() throws IOException {
    String test = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Path runtime = Path.of("target", "runtime-classpath.txt");
    if (!Files.exists(runtime)) {
      return test;
    }
    List<String> out = new ArrayList<>();
    out.add(Path.of("target", "classes").toAbsolutePath().toString());
    out.add(Files.readString(runtime).trim());
    for (String e : test.split(File.pathSeparator)) {
      if (e.contains("log4j") || e.endsWith("test-classes")) {
        out.add(e);
      }
    }
    return String.join(File.pathSeparator, out);
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** SIGKILL: no shutdown hook, no flush, no goodbye to ZooKeeper. */
  void kill9() throws InterruptedException {
    process.kill9();
  }

  /** SIGTERM and wait: the worker hands its pipelines over cleanly. Returns the exit code. */
  int stop() throws InterruptedException {
    if (process == null || !process.isAlive()) {
      return process == null ? -1 : process.exitValue();
    }
    return process.stop(STOP_TIMEOUT);
  }

  String logTail(int lines) {
    return ChildProcess.tail(log, lines);
  }

  @Override
  public void close() throws InterruptedException {
    if (isAlive()) {
      kill9();
    }
  }
}
