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
    int code;
    try {
      QuietJol.init();
      code = commandLine().execute(args);
    } catch (Throwable t) { // an Error escaping a command must still end the process (non-daemon threads)
      System.err.println("error: " + Errors.message(t));
      if (System.getenv("TRIBUTARY_DEBUG") != null) {
        t.printStackTrace();
      }
      code = 1;
    }
    System.exit(code);
  }

  /** The command tree; subcommands register themselves here so that tests can run them in-process. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    Subcommands.register(cli);
    // Errors a user sees are one line, no stack trace (TRIBUTARY_DEBUG=1 shows it).
    cli.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
      cmd.getErr().println("error: " + Errors.message(ex));
      if (System.getenv("TRIBUTARY_DEBUG") != null) {
        ex.printStackTrace(cmd.getErr());
      }
      cmd.getErr().flush();
      return Errors.exitCode(ex);
    });
    cli.setParameterExceptionHandler((ex, args) -> {
      CommandLine cmd = ex.getCommandLine();
      cmd.getErr().println("error: " + ex.getMessage());
      cmd.getErr().println("see: " + cmd.getCommandSpec().qualifiedName() + " --help");
      cmd.getErr().flush();
      return cmd.getCommandSpec().exitCodeOnInvalidInput();
    });
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
