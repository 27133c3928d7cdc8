package io.tributary.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short system command (ip, mount) and returns its exit code and output; for test set-up only. */
public final class Command {
  /** A system command that takes longer than this is reported as hung. */
  static final long TIMEOUT_SECONDS = 60;

  public record Result(int exitCode, String output) {
    public boolean ok() {
      return exitCode == 0;
    }
  }

  private Command() {}

  public static Result run(String... words) {
    return run(List.of(words));
  }

  public static Result run(List<String> words) {
    try {
      Process p = new ProcessBuilder(words).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, String.join(" ", words) + " did not finish within " + TIMEOUT_SECONDS + " s");
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      return new Result(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }

  /** Runs it and fails, naming the command and its output, unless it exits 0. */
  public static String check(String... words) {
    Result r = run(words);
    if (!r.ok()) {
      throw new IllegalStateException("`" + String.join(" ", words) + "` exited " + r.exitCode() + ": " + r.output());
    }
    return r.output();
  }
}
