package io.tributary.connect.worker;

import io.tributary.connect.PipelineException;
import io.tributary.connect.PipelineLoader;
import io.tributary.connect.ValidationError;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.curator.framework.CuratorFramework;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The {@code connect} subcommands of a worker cluster: {@code worker}, {@code submit}, {@code remove}, {@code status}. */
public final class WorkerCommands {
  private WorkerCommands() {}

  static int printErrors(PrintWriter err, PipelineException e) {
    for (ValidationError error : e.errors()) {
      err.println(error);
    }
    err.flush();
    return 1;
  }

  /** {@code connect worker --config F}: runs a worker in the foreground until SIGTERM/Ctrl-C. */
  @Command(
      name = "worker",
      mixinStandardHelpOptions = true,
      description = {
        "Join a cluster of connect workers (coordinated through ZooKeeper) and run a share of its pipelines.",
        "Pipelines move to another worker when this one stops or dies. Stops cleanly on SIGTERM (docs/connect-workers.md)."
      })
  public static final class Worker implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "WORKER.properties", description = "worker config file")
    Path config;

    @Option(names = "--metrics-port", paramLabel = "PORT",
        description = "serve /metrics (Prometheus text), /health/live and /health/ready on PORT"
            + " (0: any free port; default: no listener); see docs/operations.md")
    Integer metricsPort;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      WorkerConfig c;
      try {
        c = WorkerConfig.load(config);
      } catch (PipelineException e) {
        return printErrors(err, e);
      }
      io.tributary.connect.worker.Worker worker = io.tributary.connect.worker.Worker.create(c)
          .metricsPort(metricsPort == null ? -1 : metricsPort);
      CountDownLatch stopped = new CountDownLatch(1);
      Thread hook = new Thread(() -> {
        worker.close();
        stopped.countDown();
      }, "connect-worker-shutdown");
      try {
        worker.start();
      } catch (PipelineException e) {
        worker.close();
        return printErrors(err, e);
      } catch (Exception e) {
        worker.close();
        err.println("worker " + c.workerId() + " could not join cluster '" + c.clusterName() + "' at "
            + c.zookeeperConnect() + ": " + e.getMessage());
        err.flush();
        return 1;
      }
      Runtime.getRuntime().addShutdownHook(hook);
      out.println("worker " + c.workerId() + " joined cluster '" + c.clusterName() + "' at " + c.zookeeperConnect());
      out.flush();
      stopped.await();
      return 0;
    }
  }

  /** {@code connect submit FILE...}: validates and stores pipelines in the cluster. */
  @Command(
      name = "submit",
      mixinStandardHelpOptions = true,
      description = {
        "Validate pipeline files and store them in a worker cluster, which runs them (a file with the name of a",
        "stored pipeline replaces it, and its task restarts). Exit 1 if any file is invalid (nothing is stored then)."
      })
  public static final class Submit implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClusterOptions cluster;

    @Parameters(arity = "1..*", paramLabel = "PIPELINE.yaml", description = "pipeline files")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      int invalid = 0;
      for (Path f : files) {
        try {
          PipelineLoader.load(f);
        } catch (PipelineException e) {
          printErrors(err, e);
          invalid++;
        }
      }
      if (invalid > 0) {
        err.println("nothing submitted: " + invalid + " of " + files.size() + " files invalid");
        err.flush();
        return 1;
      }
      try (CuratorFramework zk = cluster.connect()) {
        for (Path f : files) {
          PipelineStore.Outcome o = PipelineStore.submit(zk, f);
          out.println(o.name().toLowerCase(Locale.ROOT) + " " + f + " in " + cluster.describe());
        }
      }
      out.flush();
      return 0;
    }
  }

  /** {@code connect remove NAME...}: removes pipelines from the cluster (their owners stop them). */
  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Remove pipelines from a worker cluster by name; their workers stop them. Exit 1 if one was not there.")
  public static final class Remove implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClusterOptions cluster;

    @Parameters(arity = "1..*", paramLabel = "NAME", description = "pipeline names")
    List<String> names;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      int missing = 0;
      try (CuratorFramework zk = cluster.connect()) {
        for (String n : names) {
          if (PipelineStore.remove(zk, n)) {
            out.println("removed " + n);
          } else {
            err.println("no pipeline '" + n + "' in " + cluster.describe());
            missing++;
          }
        }
      }
      out.flush();
      err.flush();
      return missing == 0 ? 0 : 1;
    }
  }

  /** {@code connect status}: the workers, and per pipeline its owner, state and metrics. */
  @Command(name = "status", mixinStandardHelpOptions = true,
      description = {
        "Show a worker cluster: its workers and leader, and per pipeline the worker running it, its state,",
        "records in, out and dead-lettered, lag and last commit time (as the worker last published them)."
      })
  public static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClusterOptions cluster;
    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json",
        description = "text (a table, the default) or json (for scripts).")
    String format;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (!format.equals("text") && !format.equals("json")) {
        err.println("--format must be text or json, got " + format);
        err.flush();
        return 2;
      }
      try (CuratorFramework zk = cluster.connect()) {
        ClusterStatus status = ClusterStatus.read(zk);
        if (format.equals("json")) {
          out.println(status.toJson().put("cluster", cluster.describe()).toPrettyString());
        } else {
          out.println(cluster.describe() + ": " + status.render(System.currentTimeMillis()).stripTrailing());
        }
      } catch (PipelineException e) {
        return printErrors(err, e);
      } catch (IllegalStateException e) {
        err.println(e.getMessage());
        err.flush();
        return 1;
      }
      out.flush();
      return 0;
    }
  }
}
