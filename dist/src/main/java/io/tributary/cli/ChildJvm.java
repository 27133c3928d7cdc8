package io.tributary.cli;

import io.tributary.testkit.JvmOptions;
import io.tributary.testkit.JvmProcessBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts the background processes of a local cluster: child JVMs running this same command line
 * ({@code io.tributary.cli.Main <subcommand>}) with this JVM's java binary, classpath and the JVM options of
 * conf/jvm.options (testkit's {@link JvmProcessBuilder}), detached in their own session (setsid) so that they
 * outlive the terminal, logging to a file.
 */
final class ChildJvm {
  private ChildJvm() {}

  static final String MAIN_CLASS = Main.class.getName();
  /** {@code json}: the processes log one JSON object per line (log4j2.xml). */
  static final String LOG_FORMAT_PROPERTY = "tributary.log.format";

  /** The builder of a JVM running {@code mainClass} with conf/jvm.options and tributary.home passed on. */
  static JvmProcessBuilder builder(String mainClass) {
    JvmProcessBuilder builder = JvmProcessBuilder.main(mainClass);
    String home = System.getProperty(JvmOptions.HOME_PROPERTY);
    if (home != null) {
      builder.systemProperty(JvmOptions.HOME_PROPERTY, home);
    }
    String logFormat = System.getProperty(LOG_FORMAT_PROPERTY);
    if (logFormat != null) {
      builder.systemProperty(LOG_FORMAT_PROPERTY, logFormat); // JSON logs in the children too
    }
    return builder;
  }

  /** Starts {@code Main <args>} in a child JVM, stdout and stderr appended to {@code logFile}. */
  static Process start(String maxHeap, List<String> cliArgs, Path logFile) throws IOException {
    return builder(MAIN_CLASS).detached().jvmArgs("-Xmx" + maxHeap)
        .systemProperty("tributary.log.level", "INFO").systemProperty("tributary.kafka.log.level", "WARN")
        .args(cliArgs).logFile(logFile).withoutEnvironment("TRIBUTARY_DEBUG").start().process();
  }

  /** A live process with that pid that is one of ours (guards against a reused pid). */
  static Optional<ProcessHandle> live(long pid) {
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(ChildJvm::ours);
  }

  private static boolean ours(ProcessHandle h) {
    // ProcessHandle.Info truncates the command line at 4 KB (our classpath is longer): read /proc.
    Path cmdline = Path.of("/proc", Long.toString(h.pid()), "cmdline");
    if (Files.isReadable(cmdline)) {
      try {
        return new String(Files.readAllBytes(cmdline), StandardCharsets.ISO_8859_1).contains(MAIN_CLASS);
      } catch (IOException e) {
        return true; // exists but unreadable right now: assume ours rather than orphan it
      }
    }
    return h.info().commandLine().map(c -> c.contains(MAIN_CLASS)).orElse(true);
  }

  /** SIGTERM, then SIGKILL after {@code timeoutMs}; true if it had to be killed. */
  static boolean stop(ProcessHandle h, long timeoutMs) {
    h.destroy();
    try {
      h.onExit().get(timeoutMs, TimeUnit.MILLISECONDS);
      return false;
    } catch (TimeoutException e) {
      h.destroyForcibly();
      try {
        h.onExit().get(5, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // reported by the caller through isAlive()
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      h.destroyForcibly();
      return true;
    } catch (ExecutionException e) {
      return false;
    }
  }

  /** The last {@code n} lines of a log file, for error reports. */
  static List<String> tail(Path file, int n) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return lines.subList(Math.max(0, lines.size() - n), lines.size());
    } catch (IOException e) {
      return Collections.emptyList();
    }
  }
}
