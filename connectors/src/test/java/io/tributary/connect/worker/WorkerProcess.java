package io.tributary.connect.worker;

import io.tributary.connect.cli.ConnectCommand;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code connect worker --config F} in its own JVM, on the run-time classpath as the launcher has it (the
 * module's classes and its runtime dependencies, from {@code target/runtime-classpath.txt}, plus log4j for the
 * log), logging to a file; killed with SIGKILL or stopped with SIGTERM. Children never outlive the test JVM.
 */
final class WorkerProcess implements AutoCloseable {
  private static final Set<Process> CHILDREN = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> CHILDREN.forEach(Process::destroyForcibly)));
  }

  final String id;
  final Path config;
  final Path log;
  private final String maxHeap;
  private Process process;

  WorkerProcess(String id, Path config, Path log, String maxHeap) {
    this.id = id;
    this.config = config;
    this.log = log;
    this.maxHeap = maxHeap;
  }

  WorkerProcess start() throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add(maxHeap);
    cmd.addAll(List.of("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
        "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=org.apache.hudi",
        // the worker logs while it hands over on SIGTERM: keep log4j alive until the JVM is gone
        "-Dlog4j.shutdownHookEnabled=false"));
    cmd.add("-cp");
    cmd.add(classPath());
    cmd.addAll(List.of(ConnectCommand.class.getName(), "worker", "--config", config.toString()));
    process = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    CHILDREN.add(process);
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
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
    CHILDREN.remove(process);
  }

  /** SIGTERM and wait: the worker hands its pipelines over cleanly. Returns the exit code. */
  int stop() throws InterruptedException {
    if (process == null || !process.isAlive()) {
      return process == null ? -1 : process.exitValue();
    }
    process.destroy();
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
    CHILDREN.remove(process);
    return process.exitValue();
  }

  String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (isAlive()) {
      kill9();
    }
  }
}
