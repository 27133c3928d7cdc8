package io.tributary.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the shell blocks of a Markdown document exactly as written, through the real {@code ./tributary}
 * launcher, so that the documentation cannot drift from what the commands do.
 *
 * <p>Every {@code ```bash} block is run, in order, in one bash process with {@code set -euo pipefail}, from
 * the repository root. A block preceded by the comment {@code <!-- not run by tests: REASON -->} is skipped
 * (the reason says why, e.g. it needs another machine). {@code TRIBUTARY_HOME} points at a scratch directory
 * so that {@code .local/} state goes there; {@code TRIBUTARY_NO_BUILD=1} uses the classes of this build.
 */
final class DocCommands {
  static final String SKIP_MARKER = "<!-- not run by tests:";

  record Block(int line, String text) {}

  record Result(int exitCode, String output) {}

  private DocCommands() {}

  /** The repository root (the parent of dist/ when tests run from dist/). */
  static Path repoRoot() {
    Path cwd = Path.of("").toAbsolutePath();
    return Files.exists(cwd.resolve("tributary")) ? cwd : cwd.getParent();
  }

  static List<Block> bashBlocks(Path markdown) throws IOException {
    List<String> lines = Files.readAllLines(markdown, StandardCharsets.UTF_8);
    List<Block> blocks = new ArrayList<>();
    boolean skipNext = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.startsWith(SKIP_MARKER)) {
        skipNext = true;
      } else if (line.equals("```bash")) {
        int start = i + 1;
        StringBuilder text = new StringBuilder();
        for (i = start; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
          text.append(lines.get(i)).append('\n');
        }
        if (!skipNext) {
          blocks.add(new Block(start + 1, text.toString()));
        }
        skipNext = false;
      } else if (!line.isEmpty()) {
        skipNext = skipNext && line.startsWith("<!--");
      }
    }
    return blocks;
  }

  /**
   * Runs {@code script} with bash from the repository root; stops it after {@code timeoutSeconds}.
   * Output (stdout and stderr, interleaved) is also written to {@code log}.
   */
  static Result runScript(String script, Path home, Path log, long timeoutSeconds, Map<String, String> env)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", "set -euo pipefail\n" + script)
        .directory(repoRoot().toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("TRIBUTARY_HOME", home.toString());
    pb.environment().put("TRIBUTARY_NO_BUILD", "1");
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor();
      return new Result(-1, Files.readString(log) + "\n[timed out after " + timeoutSeconds + " s]");
    }
    return new Result(p.exitValue(), Files.readString(log));
  }
}
