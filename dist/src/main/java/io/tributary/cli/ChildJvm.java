package io.tributary.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Starts the background processes of a local cluster: child JVMs running this same command line
 * ({@code io.tributary.cli.Main <subcommand>}) with this JVM's java binary, classpath and Java 17 flags,
 * detached in their own session (setsid) so that they outlive the terminal, logging to a file.
 */
final class ChildJvm {
  private ChildJvm() {}

  /** The flags the ./tributary launcher gives the JVM (Spark and Hudi need them on Java 17). */
  static final List<String> JAVA17_FLAGS = List.of(
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED",
      // Hudi sizes records by walking their object graph (JOL); closed packages make each step throw
      "--add-opens=java.base/java.lang=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
      "--add-opens=java.base/java.math=ALL-UNNAMED",
      "--add-opens=java.base/java.time=ALL-UNNAMED",
      "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=org.apache.hudi",
      "-Djdk.attach.allowAttachSelf=true",
      "-Djol.skipHotspotSAAttach=true");

  static final String MAIN_CLASS = Main.class.getName();

  static String javaBinary() {
    Path fromHome = Path.of(System.getProperty("java.home"), "bin", "java");
    if (Files.isExecutable(fromHome)) {
      return fromHome.toString();
    }
    return ProcessHandle.current().info().command().orElse("java");
  }

  static String classPath() {
    // Under Maven surefire the real test classpath is in surefire.test.class.path when a manifest-only
    // jar is used; java.class.path otherwise (and always under the launcher).
    String surefire = System.getProperty("surefire.test.class.path");
    return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
  }

  /** Starts {@code Main <args>} in a child JVM, stdout and stderr appended to {@code logFile}. */
  static Process start(String maxHeap, List<String> cliArgs, Path logFile) throws IOException {
    List<String> cmd = new ArrayList<>();
    File setsid = new File("/usr/bin/setsid");
    if (setsid.canExecute()) {
      cmd.add(setsid.getPath()); // own session: Ctrl-C or closing the terminal does not reach it
    }
    cmd.add(javaBinary());
    cmd.add("-Xmx" + maxHeap);
    cmd.addAll(JAVA17_FLAGS);
    cmd.add("-Dtributary.log.level=INFO");
    cmd.add("-Dtributary.kafka.log.level=WARN");
    String home = System.getProperty("tributary.home");
    if (home != null) {
      cmd.add("-Dtributary.home=" + home);
    }
    cmd.add("-cp");
    cmd.add(classPath());
    cmd.add(MAIN_CLASS);
    cmd.addAll(cliArgs);
    Files.createDirectories(logFile.toAbsolutePath().getParent());
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .redirectErrorStream(true);
    pb.environment().remove("TRIBUTARY_DEBUG");
    return pb.start();
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
    } catch (java.util.concurrent.TimeoutException e) {
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
    } catch (java.util.concurrent.ExecutionException e) {
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
