package io.tributary.connect;

import java.nio.file.Path;

/**
 * One problem found in a pipeline file: where it is (file, line, and for syntax errors the column) and
 * which key it concerns, printed as {@code file:line: key.path: message}.
 *
 * @param line 1-based line, 0 when the problem concerns the whole file (it cannot be read)
 * @param column 1-based column, 0 when only the line is known
 * @param key the key path ({@code sink.table.path}, {@code transforms[1].from}), null for syntax errors
 */
public record ValidationError(Path file, int line, int column, String key, String message) {
  public ValidationError {
    if (line < 0 || column < 0) {
      throw new IllegalArgumentException("line and column are 1-based (0 = unknown): " + line + ":" + column);
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder().append(file);
    if (line > 0) {
      sb.append(':').append(line);
      if (column > 0) {
        sb.append(':').append(column);
      }
    }
    sb.append(": ");
    if (key != null && !key.isEmpty()) {
      sb.append(key).append(": ");
    }
    return sb.append(message).toString();
  }
}
