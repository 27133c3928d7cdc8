package io.tributary.connect.cli;

import io.tributary.connect.Pipeline;
import io.tributary.connect.PipelineException;
import io.tributary.connect.PipelineLoader;
import io.tributary.connect.ValidationError;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tributary connect ...}: pipeline commands. Today only {@code validate}; {@code run},
 * {@code worker} and {@code status} come with the connector runtime.
 */
@Command(
    name = "connect",
    mixinStandardHelpOptions = true,
    description = "YAML pipelines from a source into a Hudi table or a topic (docs/connectors.md).",
    subcommands = {ConnectCommand.Validate.class})
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

  /** Runs the command on its own (the {@code tributary} launcher registers {@link ConnectCommand} instead). */
  public static void main(String[] args) {
    System.exit(new CommandLine(new ConnectCommand()).execute(args));
  }
}
