package io.tributary.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one JVM-options file, {@code conf/jvm.options} (the Java launcher's {@code @argfile} format), read for
 * the child JVMs this code starts. Found under {@code tributary.home} (the launcher and bench/run.sh set it;
 * a packaged distribution has {@code conf/} next to the launcher), else in the nearest directory above the
 * working directory that has one (a test runs in its module's directory).
 */
public final class JvmOptions {
  public static final String HOME_PROPERTY = "tributary.home";
  public static final Path RELATIVE_PATH = Path.of("conf", "jvm.options");

  private JvmOptions() {}

  /** The options of the file, in order. */
  public static List<String> load() {
    Path file = file();
    try {
      return parse(Files.readAllLines(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the JVM options " + file, e);
    }
  }

  /** The file; fails, naming where it looked, when there is none. */
  public static Path file() {
    String home = System.getProperty(HOME_PROPERTY);
    if (home != null && !home.isBlank()) {
      Path candidate = Path.of(home).toAbsolutePath().resolve(RELATIVE_PATH);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(RELATIVE_PATH);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("no " + RELATIVE_PATH + " under -D" + HOME_PROPERTY + "=" + home
        + " nor in " + start + " or a directory above it");
  }

  /**
   * The subset of the {@code @argfile} format the file uses: one or more options a line, {@code #} starts a
   * comment line. Quotes would need the launcher's full rules, so they are refused rather than misread.
   */
  static List<String> parse(List<String> lines) {
    List<String> options = new ArrayList<>();
    for (String line : lines) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      if (trimmed.contains("\"") || trimmed.contains("'")) {
        throw new IllegalArgumentException("quoted JVM options are not supported: " + trimmed);
      }
      for (String option : trimmed.split("\\s+")) {
        if (option.startsWith("#")) {
          break; // the launcher reads a '#' at the start of a word as the start of a comment
        }
        options.add(option);
      }
    }
    return List.copyOf(options);
  }
}
