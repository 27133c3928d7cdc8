package io.tributary.cli;

import io.tributary.spark.JobMain;
import io.tributary.spark.config.ConfigException;
import io.tributary.spark.config.ConfigLoader;
import io.tributary.spark.config.JobConfig;
import io.tributary.spark.config.JobKind;
import io.tributary.spark.submit.LocalSparkHome;
import io.tributary.spark.submit.SparkJars;
import io.tributary.spark.submit.SubmitLine;
import io.tributary.testkit.JvmProcessBuilder;
import java.io.File;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.deploy.SparkSubmit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tributary spark submit|jobs|master|worker}: Spark jobs with the Spark jars the launcher already has
 * (no Spark download): {@code submit} calls Spark's own SparkSubmit in this JVM (client mode: this process is
 * the driver); {@code master} and {@code worker} run a standalone cluster's daemons.
 */
@Command(
    name = "spark",
    mixinStandardHelpOptions = true,
    description = "Spark jobs over the log: submit a job (local, standalone, YARN), list jobs, run a standalone master or worker.",
    subcommands = {SparkCommand.Submit.class, SparkCommand.Jobs.class, SparkCommand.Master.class,
        SparkCommand.Worker.class})
final class SparkCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "submit", mixinStandardHelpOptions = true,
      description = {"Submit a built-in job with its job file (docs/spark-jobs.md).",
          "The file is validated first; the job then runs with this process as the Spark driver."})
  static final class Submit implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "JOB", description = "ingest, aggregate, batch-report, compact or clean.")
    String job;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The job file (YAML).")
    Path config;

    @Option(names = "--master", defaultValue = "local[*]", paramLabel = "URL",
        description = "local[*], local[N], spark://HOST:PORT (standalone) or yarn (default: ${DEFAULT-VALUE}).")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "A Spark setting (repeatable).")
    List<String> conf = new ArrayList<>();

    @Option(names = "--driver-memory", paramLabel = "MEM", description = "Driver memory: applies to a new JVM only; for this one set TRIBUTARY_JAVA_OPTS=-Xmx...")
    String driverMemory;

    @Option(names = "--executor-memory", paramLabel = "MEM", description = "Memory per executor (e.g. 1g).")
    String executorMemory;

    @Option(names = "--executor-cores", paramLabel = "N", description = "Cores per executor.")
    Integer executorCores;

    @Option(names = "--total-executor-cores", paramLabel = "N", description = "Cores in all (standalone).")
    Integer totalExecutorCores;

    @Option(names = "--num-executors", paramLabel = "N", description = "Executors (YARN).")
    Integer numExecutors;

    @Option(names = "--jar", paramLabel = "FILE", description = "The spark-jobs assembly jar (default: the one built with this launcher).")
    Path jar;

    @Option(names = "--dry-run", description = "Print the spark-submit arguments instead of running them.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      JobKind kind = JobKind.byName(job).orElseThrow(() -> new CliException("unknown job '" + job
          + "' (jobs: " + String.join(", ", JobKind.names()) + ")", 2));
      JobConfig cfg;
      try {
        cfg = ConfigLoader.load(kind, config);
      } catch (ConfigException e) {
        throw new CliException(e.getMessage(), 2);
      }
      Map<String, String> settings = new LinkedHashMap<>();
      for (String c : conf) {
        int eq = c.indexOf('=');
        if (eq <= 0) {
          throw new CliException("--conf " + c + ": expected KEY=VALUE", 2);
        }
        settings.put(c.substring(0, eq), c.substring(eq + 1));
      }
      Path assembly = jar != null ? jar : SparkJars.assembly();
      List<String> args = SubmitLine.arguments(cfg, config, master, assembly, List.of(SparkJars.hudiBundle()),
          new SubmitLine.Resources(driverMemory, executorMemory, executorCores, totalExecutorCores, numExecutors),
          settings);
      if (dryRun) {
        out.println("spark-submit " + String.join(" ", args.stream().map(SparkCommand::shellQuote).toList()));
        out.flush();
        return 0;
      }
      // SparkSubmit runs JobMain in this thread; JobMain exits the JVM with its code when the job fails.
      JobMain.quietLogging();
      SparkSubmit.main(args.toArray(String[]::new));
      return 0;
    }
  }

  @Command(name = "jobs", mixinStandardHelpOptions = true, description = "List the built-in jobs.")
  static final class Jobs implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Table t = new Table("JOB", "WHAT IT DOES");
      for (JobKind k : JobKind.values()) {
        t.row(k.jobName(), k.summary());
      }
      t.print(spec.commandLine().getOut(), "");
      return 0;
    }
  }

  @Command(name = "master", mixinStandardHelpOptions = true,
      description = "Run a Spark standalone master in the foreground (org.apache.spark.deploy.master.Master).")
  static final class Master implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "7077", description = "Port for workers and drivers (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--webui-port", defaultValue = "8080", description = "Web UI port (default: ${DEFAULT-VALUE}).")
    int webuiPort;

    @Override
    public Integer call() {
      org.apache.spark.deploy.master.Master.main(new String[] {"--host", host, "--port", Integer.toString(port),
          "--webui-port", Integer.toString(webuiPort)});
      return 0;
    }
  }

  @Command(name = "worker", mixinStandardHelpOptions = true,
      description = {"Run a Spark standalone worker in the foreground, in a child JVM whose SPARK_HOME links",
          "the Spark jars of this launcher (so executors start without a Spark download)."})
  static final class Worker implements Callable<Integer> {
    @Parameters(paramLabel = "MASTER", description = "The master, spark://HOST:PORT.")
    String master;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--cores", description = "Cores offered to executors (default: all).")
    Integer cores;

    @Option(names = "--memory", description = "Memory offered to executors (e.g. 2g; default: all but 1 GB).")
    String memory;

    // Not Spark's usual 8081: that is the schema registry's port (Confluent's convention) on a local cluster.
    @Option(names = "--webui-port", defaultValue = "8082", description = "Web UI port (default: ${DEFAULT-VALUE}).")
    int webuiPort;

    @Option(names = "--spark-home", paramLabel = "DIR",
        description = "Where the linked SPARK_HOME is made (default: $TRIBUTARY_HOME/.local/spark-home).")
    Path sparkHome;

    @Override
    public Integer call() throws Exception {
      if (!master.startsWith("spark://")) {
        throw new CliException("the master is a spark://HOST:PORT URL, got '" + master + "'", 2);
      }
      Path home = LocalSparkHome.prepare(sparkHome != null ? sparkHome : defaultSparkHome(),
          SparkJars.sparkDistribution(SparkJars.classPath()));
      List<String> args = new ArrayList<>(List.of("--host", host, "--webui-port", Integer.toString(webuiPort)));
      if (cores != null) {
        args.addAll(List.of("--cores", cores.toString()));
      }
      if (memory != null) {
        args.addAll(List.of("--memory", memory));
      }
      args.add(master);
      // stopped with SIGTERM by the hook below, not SIGKILLed by the builder's
      Process p = JvmProcessBuilder.main("org.apache.spark.deploy.worker.Worker")
          .classpath(home.resolve("jars") + File.separator + "*").args(args)
          .environment(LocalSparkHome.environment(home)).inheritIO().reapOnExit(false).start().process();
      Thread stop = new Thread(p::destroy, "stop-worker");
      Runtime.getRuntime().addShutdownHook(stop);
      return p.waitFor();
    }

    static Path defaultSparkHome() {
      String env = System.getenv("TRIBUTARY_HOME");
      String root = env != null && !env.isBlank() ? env : System.getProperty("tributary.home", ".");
      return Path.of(root, ".local", "spark-home");
    }
  }

  static String shellQuote(String s) {
    return s.matches("[A-Za-z0-9_./:=,@%+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
  }
}
