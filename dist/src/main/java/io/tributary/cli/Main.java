package io.tributary.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tributary} command: one launcher for every process and admin task of the platform. */
@Command(
    name = "tributary",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Tributary: a Kafka-protocol log cluster, schema registry, Hudi connectors and Spark jobs.",
    subcommands = {CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command tree; subcommands register themselves here so that tests can run them in-process. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    Subcommands.register(cli);
    return cli;
  }

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"tributary " + (v == null ? "dev" : v)};
    }
  }
}
