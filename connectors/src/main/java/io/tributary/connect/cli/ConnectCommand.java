package io.tributary.connect.cli;

import io.tributary.connect.Pipeline;
import io.tributary.connect.PipelineException;
import io.tributary.connect.PipelineLoader;
import io.tributary.connect.ValidationError;
import io.tributary.connect.Source;
import io.tributary.connect.hudi.TopicToHudiTask;
import io.tributary.connect.metrics.ConnectMetricsListener;
import io.tributary.connect.metrics.MeteredTask;
import io.tributary.connect.runtime.PipelineLogContext;
import io.tributary.connect.runtime.PipelineRunner;
import io.tributary.connect.runtime.PipelineTask;
import io.tributary.connect.runtime.PipelineTasks;
import io.tributary.connect.worker.WorkerCommands;
import io.tributary.metrics.Readiness;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.MDC;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tributary connect ...}: pipeline commands: {@code validate}, and {@code run} (generator -> topic,
 * topic -> hudi); {@code worker} and {@code status} come with the rest of the connector runtime.
 */
@Command(
    name = "connect",
    mixinStandardHelpOptions = true,
    description = "YAML pipelines from a source into a Hudi table or a topic (docs/connectors.md).",
    subcommands = {ConnectCommand.Validate.class, ConnectCommand.Run.class, WorkerCommands.Worker.class,
        WorkerCommands.Submit.class, WorkerCommands.Remove.class, WorkerCommands.Status.class})
public final class ConnectCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code connect validate FILE...}: every file checked in full; exit 0 only when all are valid. */
  @Command(
      name = "validate",
      mixinStandardHelpOptions = true,
      description = {
        "Check pipeline files without running them: every error, with file, line and key.",
        "Prints 'OK <file>' for each valid file; exits 1 if any file is invalid."
      })
  static final class Validate implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PIPELINE.yaml", description = "pipeline files to check")
    List<Path> files;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      int invalid = 0;
      for (Path file : files) {
        try {
          Pipeline p = PipelineLoader.load(file);
          out.println("OK " + p.file());
        } catch (PipelineException e) {
          invalid++;
          for (ValidationError error : e.errors()) {
            err.println(error);
          }
        }
      }
      out.flush();
      err.flush();
      if (invalid > 0 && files.size() > 1) {
        err.println(invalid + " of " + files.size() + " pipeline files are invalid");
        err.flush();
      }
      return invalid == 0 ? 0 : 1;
    }
  }

  /**
   * {@code connect run FILE [--max-records N]}: validates, then runs the pipeline standalone: a generator until
   * its {@code records} (or N) are produced and acknowledged; a topic -> hudi pipeline until stopped. SIGTERM or
   * Ctrl-C stops it cleanly (a producer flushes, a Hudi sink commits what it holds). Exit 0 when done or
   * stopped, 1 when invalid, not runnable, or failed (a send, a commit, a rejected record with
   * errors.tolerance none), 2 for a bad option.
   */
  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description = {
        "Run a pipeline standalone: generator -> topic, or topic -> hudi (until Ctrl-C / SIGTERM).",
        "Validates first (errors with file, line and key; exit 1); prints a one-line summary at the end."
      })
  static final class Run implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PIPELINE.yaml", description = "pipeline file to run")
    Path file;

    @CommandLine.Option(names = "--max-records", paramLabel = "N",
        description = "stop after N generated records (even if the pipeline's records is larger or absent)")
    Long maxRecords;

    @CommandLine.Option(names = "--exit-at-end",
        description = "topic sources: stop (committing what is held) once the end of every partition is reached,"
            + " like kcat -e; for scripts and first tries")
    boolean exitAtEnd;

    @CommandLine.Option(names = "--metrics-port", paramLabel = "PORT",
        description = "serve /metrics (Prometheus text), /health/live and /health/ready on PORT"
            + " (0: any free port; default: no listener); see docs/operations.md")
    Integer metricsPort;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (maxRecords != null && maxRecords < 1) {
        err.println("--max-records must be at least 1, got " + maxRecords);
        err.flush();
        return 2;
      }
      Pipeline p;
      try {
        p = PipelineLoader.load(file);
      } catch (PipelineException e) {
        for (ValidationError error : e.errors()) {
          err.println(error);
        }
        err.flush();
        return 1;
      }
      PipelineTask task;
      Supplier<String> summary;
      try {
        if (p.source() instanceof Source.Generator) {
          PipelineRunner runner = new PipelineRunner(p,
              maxRecords == null ? OptionalLong.empty() : OptionalLong.of(maxRecords), Map.of());
          runner.progress(line -> {
            err.println(line);
            err.flush();
          }, 5000);
          task = new PipelineTasks.GeneratorToTopicTask(runner);
          summary = runner::summary;
        } else {
          if (maxRecords != null) {
            err.println("--max-records applies to generator sources only");
            err.flush();
            return 2;
          }
          task = PipelineTasks.create(p, Map.of());
          if (task instanceof TopicToHudiTask hudi) {
            hudi.progress(line -> {
              err.println(line);
              err.flush();
            }, 5000);
            summary = hudi::summary;
          } else {
            PipelineTask t = task;
            summary = () -> "pipeline " + t.name() + ": " + t.metrics();
          }
        }
      } catch (PipelineRunner.NotRunnableException e) {
        err.println(e.getMessage());
        err.flush();
        return 1;
      }
      AtomicBoolean running = new AtomicBoolean();
      ConnectMetricsListener metrics = null;
      PipelineTask runnable = task;
      if (metricsPort != null) {
        metrics = ConnectMetricsListener.start(metricsPort, "connect-run-" + p.name(), () -> new Readiness(List.of(
            new Readiness.Check("running", running.get(), "pipeline " + p.name()
                + (running.get() ? " is running" : " is not running")))));
        runnable = new MeteredTask(task, metrics.registry());
        err.println("pipeline " + p.name() + ": metrics on http://127.0.0.1:" + metrics.boundPort() + "/metrics");
        err.flush();
      }
      CountDownLatch finished = new CountDownLatch(1);
      CountDownLatch reported = new CountDownLatch(1);
      Thread hook = new Thread(() -> {
        try {
          // SIGTERM / Ctrl-C: stop, let run() flush or commit what it holds, and let the summary be printed
          task.stop();
          finished.await(60, TimeUnit.SECONDS);
          reported.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "connect-run-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      if (exitAtEnd) {
        stopAtEnd(task);
      }
      MDC.put(PipelineLogContext.KEY, p.name());
      try {
        running.set(true);
        runnable.run();
        out.println(summary.get());
        return 0;
      } catch (Exception e) {
        err.println(e.getMessage() == null ? e.toString() : e.getMessage());
        return 1;
      } finally {
        running.set(false);
        if (metrics != null) {
          metrics.close();
        }
        finished.countDown();
        out.flush();
        err.flush();
        reported.countDown();
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the JVM is exiting: the hook is running
        }
      }
    }
  }

  /**
   * Stops {@code task} once it has read everything its source holds (lag 0): stopping makes it commit what it
   * holds, so when {@code run()} returns the sink has every record that was there.
   */
  static void stopAtEnd(PipelineTask task) {
    Thread watcher = new Thread(() -> {
      try {
        while (true) {
          OptionalLong lag = task.metrics().lag();
          if (lag.isPresent() && lag.getAsLong() == 0) {
            task.stop();
            return;
          }
          Thread.sleep(500);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "exit-at-end");
    watcher.setDaemon(true);
    watcher.start();
  }

  /** Runs the command on its own (the {@code tributary} launcher registers {@link ConnectCommand} instead). */
  public static void main(String[] args) {
    System.exit(new CommandLine(new ConnectCommand()).execute(args));
  }
}
