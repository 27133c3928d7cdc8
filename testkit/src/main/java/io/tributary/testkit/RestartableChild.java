package io.tributary.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A server in a child JVM that fault tests kill, pause and start again on the same port and data
 * ({@link BrokerProcess}, {@link ZooKeeperProcess}): the signals and state both have, on the current
 * {@link ChildProcess} (a new one after each start).
 */
public abstract class RestartableChild implements AutoCloseable {
  /** The grace a clean shutdown (SIGTERM) gets before SIGKILL. */
  public static final Duration STOP_TIMEOUT = ChildProcess.DEFAULT_STOP_TIMEOUT;

  private volatile ChildProcess process;

  /** What failure messages call it, e.g. "broker 0". */
  protected abstract String description();

  /** Starts the child JVM; fails if it already runs. */
  protected final synchronized void launch(JvmProcessBuilder builder) throws IOException {
    ChildProcess p = process;
    if (p != null && p.isAlive()) {
      throw new IllegalStateException(description() + " is already running (pid " + p.pid() + ")");
    }
    process = builder.name(description()).start();
  }

  /** Fails, with the log's last lines, if the child is not running. */
  protected final void checkRunning(Path logFile) {
    ChildProcess p = process;
    if (p == null || !p.isAlive()) {
      throw new IllegalStateException(description() + " is not running"
          + (p == null ? "" : " (exit code " + p.exitValue() + ")") + "; last lines of " + logFile + ":\n"
          + ChildProcess.tail(logFile, 30));
    }
  }

  /** SIGKILL (Process.destroyForcibly on Linux), then waits for the process to be gone; data stays. */
  public synchronized void kill9() throws InterruptedException {
    if (process != null) {
      process.kill9();
    }
  }

  /** SIGSTOP: the process freezes (no heartbeats, no responses) but keeps its sockets. */
  public void sigstop() throws IOException, InterruptedException {
    running().sigstop();
  }

  /** SIGCONT: resumes a process paused with {@link #sigstop()}. */
  public void sigcont() throws IOException, InterruptedException {
    running().sigcont();
  }

  /** SIGTERM (a clean shutdown), then SIGKILL after 15 s; returns the exit code, -1 if it was not running. */
  public synchronized int stop() throws InterruptedException {
    ChildProcess p = process;
    return p == null ? -1 : p.stop(STOP_TIMEOUT);
  }

  /** {@link #stop()}; if interrupted, SIGKILL at once (a test must never leave a child behind). */
  @Override
  public void close() {
    ChildProcess p = process;
    if (p != null) {
      p.close();
    }
  }

  public boolean isAlive() {
    ChildProcess p = process;
    return p != null && p.isAlive();
  }

  public long pid() {
    return running().pid();
  }

  /** The current OS process, null before the first start. */
  public Process process() {
    ChildProcess p = process;
    return p == null ? null : p.process();
  }

  private ChildProcess running() {
    ChildProcess p = process;
    if (p == null) {
      throw new IllegalStateException(description() + " was never started");
    }
    return p;
  }
}
