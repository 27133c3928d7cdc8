package io.tributary.cli;

import picocli.CommandLine;

/** The one place where subcommands are added to the command tree. */
final class Subcommands {
  private Subcommands() {}

  static void register(CommandLine cli) {
    // Subcommands are added here as they land (broker, local, topic, produce, consume, ...).
  }
}
