package io.tributary.bench;

import io.tributary.testkit.ChildProcess;
import io.tributary.testkit.JvmProcessBuilder;
import io.tributary.testkit.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A child JVM (a broker or a tool), its output in a log file, started by testkit's {@link JvmProcessBuilder}
 * (so with conf/jvm.options). Every started child is also destroyed by a shutdown hook of this JVM, so an
 * interrupted benchmark (Ctrl-C) leaves no broker behind; the hook then deletes the directories to delete.
 */
final class ChildJvm implements AutoCloseable {
  /** How long the shutdown hook waits for each killed child before deleting the directories. */
  private static final long EXIT_WAIT_SECONDS = 5;
  /** How long a SIGKILLed child may take to disappear. */
  private static final long KILL_WAIT_SECONDS = 10;

  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
  private static final Set<Path> DIRS_TO_DELETE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      for (Process p : LIVE) {
        p.destroyForcibly();
      }
      for (Process p : LIVE) {
        try {
          p.waitFor(EXIT_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      DIRS_TO_DELETE.forEach(ChildJvm::deleteRecursively);
    }, "bench-children-cleanup"));
  }

  /** Deletes dir if this JVM exits (e.g. Ctrl-C) before {@link #forget(Path)} is called. */
  static void deleteOnExit(Path dir) {
    DIRS_TO_DELETE.add(dir);
  }

  static void forget(Path dir) {
    DIRS_TO_DELETE.remove(dir);
  }

  private final String name;
  private final Process process;
  private final ChildProcess child;
  private final Path logFile;

  private ChildJvm(String name, ChildProcess child, Path logFile) {
    this.name = name;
    this.child = child;
    this.process = child.process();
    this.logFile = logFile;
  }

  /** Starts {@code java <jvm.options> <jvmArgs> -cp <classpath> <mainClass> <args>}, output to {@code logFile}. */
  static ChildJvm start(String name, List<String> jvmArgs, String classpath, String mainClass, List<String> args,
      Path workDir, Path logFile) throws BenchException {
    JvmProcessBuilder builder = JvmProcessBuilder.main(mainClass).name(name).classpath(classpath).jvmArgs(jvmArgs)
        .args(args).workDir(workDir).logFile(logFile)
        .withoutEnvironment("CLASSPATH").withoutEnvironment("JAVA_TOOL_OPTIONS");
    try {
      ChildProcess child = builder.start();
      LIVE.add(child.process());
      return new ChildJvm(name, child, logFile);
    } catch (IOException | RuntimeException e) {
      throw new BenchException("could not start " + name + " (" + JvmProcessBuilder.javaBinary() + "): "
          + e.getMessage(), e);
    }
  }

  /** Runs a tool to completion; fails with its output when it exits non-zero or outlasts the timeout. */
  static void runToCompletion(String name, List<String> jvmArgs, String classpath, String mainClass, List<String> args,
      Path workDir, Path logFile, long timeoutMs) throws BenchException, InterruptedException {
    try (ChildJvm tool = start(name, jvmArgs, classpath, mainClass, args, workDir, logFile)) {
      if (!tool.process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
        throw new BenchException(name + " did not finish within " + timeoutMs + " ms; output:\n" + tool.tail(30));
      }
      if (tool.process.exitValue() != 0) {
        throw new BenchException(name + " exited with code " + tool.process.exitValue() + "; output:\n" + tool.tail(30));
      }
    }
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Fails, with the child's last log lines, if it has exited. */
  void checkAlive() throws BenchException {
    if (!process.isAlive()) {
      throw new BenchException(name + " exited with code " + process.exitValue() + " before serving; last lines of "
          + logFile + ":\n" + tail(40));
    }
  }

  /** Waits until 127.0.0.1:port accepts connections, failing early if the child dies. */
  void awaitPort(int port, long timeoutMs) throws BenchException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (System.nanoTime() < deadline) {
      checkAlive();
      if (Ports.tcpConnects(port)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new BenchException(name + " did not open port " + port + " within " + timeoutMs + " ms; last lines of "
        + logFile + ":\n" + tail(40));
  }

  /** The last {@code lines} lines of the child's output. */
  String tail(int lines) {
    return Files.exists(logFile) ? child.tail(lines) : "(no output)";
  }

  /** SIGTERM, then SIGKILL after {@code graceMs}. */
  void stop(long graceMs) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(graceMs, TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor(KILL_WAIT_SECONDS, TimeUnit.SECONDS);
    }
    LIVE.remove(process);
  }

  /** Stops several children at once (brokers of one cluster), each with the same grace. */
  static void stopAll(List<ChildJvm> children, long graceMs) throws InterruptedException {
    for (ChildJvm c : children) {
      c.process.destroy();
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMs);
    for (ChildJvm c : children) {
      long left = Math.max(0, deadline - System.nanoTime());
      if (!c.process.waitFor(left, TimeUnit.NANOSECONDS)) {
        c.process.destroyForcibly();
        c.process.waitFor(KILL_WAIT_SECONDS, TimeUnit.SECONDS);
      }
      LIVE.remove(c.process);
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop(5_000);
    }
    LIVE.remove(process);
  }

  /** A port free at the time of the call on 127.0.0.1 (the usual small race is accepted). */
  static int freePort() throws BenchException {
    try {
      return Ports.freePort();
    } catch (UncheckedIOException e) {
      throw new BenchException("no free port on 127.0.0.1: " + e.getCause().getMessage(), e);
    }
  }

  static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("note: could not delete " + dir + ": " + e.getMessage());
    }
  }
}
