package io.tributary.connect.cli;

import io.tributary.connect.Pipeline;
import io.tributary.connect.PipelineException;
import io.tributary.connect.PipelineLoader;
import io.tributary.connect.ValidationError;
import io.tributary.connect.runtime.PipelineRunner;
import io.tributary.connect.worker.WorkerCommands;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tributary connect ...}: pipeline commands: {@code validate}, and {@code run} (a generator source into
 * a topic sink today); {@code worker} and {@code status} come with the rest of the connector runtime.
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
   * {@code connect run FILE [--max-records N]}: validates, then runs the pipeline standalone until its
   * {@code records} (or N) are produced and acknowledged, or it is interrupted (SIGTERM, Ctrl-C: it flushes
   * first). Exit 0 when done, 1 when invalid, not runnable yet, or a send failed.
   */
  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description = {
        "Run a pipeline standalone (today: a generator source into a topic sink, with transforms).",
        "Validates first (errors with file, line and key; exit 1); prints a one-line summary at the end."
      })
  static final class Run implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PIPELINE.yaml", description = "pipeline file to run")
    Path file;

    @CommandLine.Option(names = "--max-records", paramLabel = "N",
        description = "stop after N generated records (even if the pipeline's records is larger or absent)")
    Long maxRecords;

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
      PipelineRunner runner;
      try {
        runner = new PipelineRunner(p, maxRecords == null ? OptionalLong.empty() : OptionalLong.of(maxRecords),
            Map.of());
      } catch (PipelineRunner.NotRunnableException e) {
        err.println(e.getMessage());
        err.flush();
        return 1;
      }
      runner.progress(line -> {
        err.println(line);
        err.flush();
      }, 5000);
      java.util.concurrent.CountDownLatch reported = new java.util.concurrent.CountDownLatch(1);
      Thread hook = new Thread(() -> {
        try {
          // SIGTERM / Ctrl-C: stop, let run() flush, and let the summary be printed before the JVM exits
          runner.stopAndWait(30_000);
          reported.await(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "connect-run-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        runner.run();
        out.println(runner.summary());
        return 0;
      } catch (RuntimeException e) {
        err.println(e.getMessage());
        return 1;
      } finally {
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

  /** Runs the command on its own (the {@code tributary} launcher registers {@link ConnectCommand} instead). */
  public static void main(String[] args) {
    System.exit(new CommandLine(new ConnectCommand()).execute(args));
  }
}
