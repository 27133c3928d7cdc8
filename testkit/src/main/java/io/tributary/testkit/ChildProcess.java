package io.tributary.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A started child JVM (see {@link JvmProcessBuilder}): its pid, its log, and the signals the fault tests
 * send (SIGKILL, SIGTERM with a deadline, SIGSTOP/SIGCONT). Unless started detached, a child never outlives
 * this JVM: a shutdown hook SIGKILLs every child still running.
 */
public final class ChildProcess implements AutoCloseable {
  /** How long a child may take to disappear after SIGKILL before that is reported as a failure. */
  static final Duration KILL_TIMEOUT = Duration.ofSeconds(30);
  /** The grace {@link #close()} gives a clean shutdown before SIGKILL. */
  public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(15);

  private static final Set<Process> REAPED_ON_EXIT = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> REAPED_ON_EXIT.forEach(Process::destroyForcibly),
        "child-jvm-reaper"));
  }

  private final String name;
  private final Process process;
  private final Optional<Path> logFile;

  ChildProcess(String name, Process process, Optional<Path> logFile, boolean reapOnExit) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
    if (reapOnExit) {
      REAPED_ON_EXIT.add(process);
      process.onExit().thenRun(() -> REAPED_ON_EXIT.remove(process));
    }
  }

  public String name() {
    return name;
  }

  public Process process() {
    return process;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The exit code; fails if the process still runs. */
  public int exitValue() {
    return process.exitValue();
  }

  /** SIGKILL (Process.destroyForcibly on Linux), then waits until the process is gone. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(name + " (pid " + pid() + ") survived SIGKILL for " + KILL_TIMEOUT);
    }
  }

  /** SIGTERM without waiting: the child starts its clean shutdown. */
  public void sigterm() {
    process.destroy();
  }

  /** SIGTERM (a clean shutdown), SIGKILL when {@code timeout} passes; the exit code. */
  public int stop(Duration timeout) throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill9();
      }
    }
    return process.exitValue();
  }

  /** SIGSTOP: the process freezes (no heartbeats, no responses) but keeps its sockets. */
  public void sigstop() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** SIGCONT: resumes a process paused with {@link #sigstop()}. */
  public void sigcont() throws IOException, InterruptedException {
    signal("CONT");
  }

  /** Sends {@code kill -<signal>} to the process (e.g. STOP, CONT, TERM, 9). */
  public void signal(String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).redirectErrorStream(true).start();
    String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + signal + " " + pid() + " failed: " + output);
    }
  }

  /** Waits for the exit; empty if the process still runs after {@code timeout}. */
  public Optional<Integer> waitForExit(Duration timeout) throws InterruptedException {
    if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return Optional.of(process.exitValue());
    }
    return Optional.empty();
  }

  /** The last {@code lines} lines of the log file, for failure messages. */
  public String tail(int lines) {
    return logFile.map(file -> tail(file, lines)).orElse("(" + name + " has no log file)");
  }

  /** The last {@code lines} lines of {@code file}, or why there are none. */
  public static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** {@link #stop} with {@link #DEFAULT_STOP_TIMEOUT}; if interrupted, SIGKILL at once (never leave a child behind). */
  @Override
  public void close() {
    try {
      stop(DEFAULT_STOP_TIMEOUT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
