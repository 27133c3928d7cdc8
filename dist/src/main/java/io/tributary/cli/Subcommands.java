package io.tributary.cli;

import io.tributary.connect.cli.ConnectCommand;
import picocli.CommandLine;

/** The one place where subcommands are added to the command tree. */
final class Subcommands {
  private Subcommands() {}

  static void register(CommandLine cli) {
    cli.addSubcommand(new QuickstartCommand());
    cli.addSubcommand(new LocalCommand());
    cli.addSubcommand(new BrokerCommand());
    cli.addSubcommand(new ZooKeeperCommand());
    cli.addSubcommand(new RegistryCommand());
    cli.addSubcommand(new ConnectCommand());
    cli.addSubcommand(new TopicCommand());
    cli.addSubcommand(new ProduceCommand());
    cli.addSubcommand(new ConsumeCommand());
    cli.addSubcommand(new GroupCommand());
    cli.addSubcommand(new TxnCommand());
    cli.addSubcommand(new ProducersCommand());
    cli.addSubcommand(new ReassignmentsCommand());
    cli.addSubcommand(new SparkCommand());
    cli.addSubcommand(new SqlCommand());
    cli.addSubcommand(new ConsoleCommand());
    cli.addSubcommand(new SchemaCommand());
    cli.addSubcommand(new ClusterCommand());
    cli.addSubcommand(new CompletionCommand());
  }
}
