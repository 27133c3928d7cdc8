package io.tributary.connect.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code connect validate}: OK lines and exit 0 for valid files, every error and exit 1 otherwise. */
class ConnectCommandTest {
  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new ConnectCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void validFilesPrintOkAndExitZero() {
    Result r = run("validate", "examples/generator-to-topic.yaml", "examples/files-to-topic.yaml");
    assertEquals(0, r.code(), r.err());
    assertEquals("OK examples/generator-to-topic.yaml\nOK examples/files-to-topic.yaml\n",
        r.out().replace(System.lineSeparator(), "\n"));
    assertEquals("", r.err());
  }

  @Test
  void invalidFilePrintsEveryErrorAndExitsNonZero() {
    Result r = run("validate", "examples/generator-to-topic.yaml", "src/test/resources/bad-pipelines/negative-number.yaml");
    assertEquals(1, r.code());
    assertEquals("OK examples/generator-to-topic.yaml\n", r.out().replace(System.lineSeparator(), "\n"));
    assertEquals("""
        src/test/resources/bad-pipelines/negative-number.yaml:4: source.keys: must be at least 1, got -10
        src/test/resources/bad-pipelines/negative-number.yaml:11: sink.commit.records: must be at least 1, got -5
        1 of 2 pipeline files are invalid
        """, r.err().replace(System.lineSeparator(), "\n"));
  }

  @Test
  void missingFileIsAnErrorAndNoArgumentIsAUsageError() {
    Result r = run("validate", "nope.yaml");
    assertEquals(1, r.code());
    assertTrue(r.err().startsWith("nope.yaml: cannot read the file"), r.err());
    assertEquals(2, run("validate").code());
  }
}
