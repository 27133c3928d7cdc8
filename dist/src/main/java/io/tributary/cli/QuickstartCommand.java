package io.tributary.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tributary quickstart}: the whole pipeline in this process, then a query of the lake. */
@Command(
    name = "quickstart",
    mixinStandardHelpOptions = true,
    description = {
      "The whole pipeline on this machine, in this process, with local defaults:",
      "ZooKeeper, 3 brokers, the schema registry, a generator source producing Avro events with updates,",
      "a connector upserting them into a Hudi table, a Spark streaming aggregate job, and a Spark SQL query",
      "of the lake whose result is printed. Everything is stopped at the end (unless --keep-running);",
      "the lake tables stay in --dir for ./tributary sql and the notebooks. Ctrl-C stops cleanly."
    })
final class QuickstartCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--dir", paramLabel = "DIR",
      description = "Working directory: cluster data, pipelines, lake, catalog (default: .local/quickstart; emptied first).")
  Path dir;

  @Option(names = "--events", defaultValue = "30000", description = "Events to generate (default: ${DEFAULT-VALUE}).")
  long events;

  @Option(names = "--keys", defaultValue = "3000",
      description = "Distinct keys; the other events update them (default: ${DEFAULT-VALUE}).")
  long keys;

  @Option(names = "--rate", defaultValue = "5000", description = "Events per second, 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
  long rate;

  @Option(names = "--hdfs", description = "Write the lake to an in-process HDFS (MiniDFSCluster) instead of local disk.")
  boolean hdfs;

  @Option(names = "--keep-running",
      description = "Leave the cluster, registry and generator running after the query, until Ctrl-C.")
  boolean keepRunning;

  @Override
  public Integer call() throws Exception {
    if (events < 1 || keys < 1 || rate < 0) {
      throw new CliException("--events and --keys must be at least 1 and --rate at least 0", 2);
    }
    PrintWriter out = spec.commandLine().getOut();
    Path work = (dir != null ? dir : defaultDir()).toAbsolutePath().normalize();
    Quickstart.Settings settings = new Quickstart.Settings(work, events, keys, rate, hdfs, keepRunning);
    try (Quickstart quickstart = new Quickstart(settings, out)) {
      Thread hook = new Thread(quickstart::close, "quickstart-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        quickstart.run();
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // Ctrl-C: the hook is closing everything
        }
      }
    }
    return 0;
  }

  /** {@code $TRIBUTARY_HOME/.local/quickstart}, else {@code <repo root>/.local/quickstart}. */
  static Path defaultDir() {
    String env = System.getenv("TRIBUTARY_HOME");
    String root = env != null && !env.isBlank() ? env : System.getProperty("tributary.home", ".");
    return Path.of(root, ".local", "quickstart");
  }
}
