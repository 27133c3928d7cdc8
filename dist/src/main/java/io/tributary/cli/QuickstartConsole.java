package io.tributary.cli;

import io.tributary.console.Console;
import io.tributary.console.ConsoleConfig;
import java.io.IOException;

/** {@code quickstart --keep-running}: the web console in the quickstart's JVM, over what it left running. */
final class QuickstartConsole {
  private QuickstartConsole() {}

  /** Starts it (closed with the rest of the quickstart); the line to print: its URL, or why it is not running. */
  static String start(Resources resources, ConsoleConfig config) {
    try {
      Console console = resources.add(ConsoleCommand.start(config));
      return "console: " + console.url();
    } catch (CliException | IOException e) {
      return "console: not started: " + Errors.message(e);
    }
  }
}
