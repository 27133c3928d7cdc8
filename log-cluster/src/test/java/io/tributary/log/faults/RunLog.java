package io.tributary.log.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * The fault run's lines: to stdout (surefire's report) and, as they happen, appended to
 * {@code target/cluster-faults.log}, so that a run of many minutes can be followed and a failed one read.
 */
final class RunLog {
  static final Path FILE = Path.of("target", "cluster-faults.log");

  private RunLog() {}

  static synchronized void say(String line) {
    String stamped = Instant.now() + " ClusterFaultsTest: " + line;
    System.out.println(stamped);
    try {
      Files.createDirectories(FILE.toAbsolutePath().getParent());
      Files.writeString(FILE, stamped + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      System.out.println("(cannot append to " + FILE + ": " + e + ")");
    }
  }
}
