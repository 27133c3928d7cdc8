package io.tributary.spark.config;

import java.nio.file.Path;

/**
 * One problem in a job file, printed as {@code file:line: key: message}.
 *
 * @param line 1-based, 0 when the problem concerns the whole file
 * @param key the key path ({@code source.topic}), null when none applies
 */
public record ConfigError(Path file, int line, String key, String message) {
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder().append(file);
    if (line > 0) {
      sb.append(':').append(line);
    }
    sb.append(": ");
    if (key != null && !key.isEmpty()) {
      sb.append(key).append(": ");
    }
    return sb.append(message).toString();
  }
}
