package io.tributary.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Executes every notebook with {@code notebooks/run.sh} (the Java kernel under Debian's Jupyter) against real
 * inputs ({@link NotebookInputs}: a log cluster, a registry, a topic, a Hudi table), then reads the executed
 * notebooks: no cell error, at least one chart that decodes as a PNG image, and the figures the notebooks
 * print match what the inputs hold.
 *
 * <p>Needs {@code /usr/bin/jupyter}: with {@code CI=true} its absence fails the test ({@code .ci/run} installs
 * it), elsewhere the test is skipped with a message saying what to install.
 */
class NotebooksTest {
  private static final Path JUPYTER = Path.of("/usr/bin/jupyter");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  void everyNotebookRunsWithoutErrorAndDrawsItsCharts() throws Exception {
    requireJupyter();
    Path module = Path.of("").toAbsolutePath();  // surefire runs in the module's directory
    List<Path> notebooks = notebooksIn(module);
    assertTrue(notebooks.size() >= 2, "expected the notebooks in " + module + ", found " + notebooks);

    Path log = module.resolve("target/notebooks-run.log");
    long started = System.nanoTime();
    try (NotebookInputs inputs = NotebookInputs.create(dir)) {
      System.out.printf("inputs ready in %d s: %s%n", secondsSince(started), inputs.environment());
      long run = System.nanoTime();
      int exit = runScript(module, inputs, log);
      String output = Files.readString(log);
      System.out.printf("run.sh exited %d after %d s; its summary:%n%s%n", exit, secondsSince(run), summaryOf(output));
      assertEquals(0, exit, "notebooks/run.sh failed; the end of its output (all of it in " + log + "):\n"
          + tail(output, 60));

      for (Path notebook : notebooks) {
        Path executed = module.resolve("target/executed").resolve(notebook.getFileName());
        ExecutedNotebook result = ExecutedNotebook.read(executed);
        assertEquals(List.of(), result.errors, executed + " has cell errors");
        assertTrue(result.pngs.size() >= 1, executed + " has no image/png output");
        for (BufferedImage chart : result.pngs) {
          assertTrue(chart.getWidth() >= 400 && chart.getHeight() >= 200,
              executed + ": a chart of " + chart.getWidth() + "x" + chart.getHeight() + " px");
        }
        System.out.printf("%s: %d code cells, %d chart(s) %s%n", notebook.getFileName(), result.codeCells,
            result.pngs.size(), result.pngs.stream().map(i -> i.getWidth() + "x" + i.getHeight()).toList());
      }

      String lake = ExecutedNotebook.read(module.resolve("target/executed/lake-tables.ipynb")).stdout.toString();
      assertEquals(inputs.snapshotRows(), number(lake, "snapshot: (\\d+) rows"), "snapshot rows");
      assertEquals(inputs.snapshotRows(), number(lake, "snapshot: \\d+ rows, (\\d+) keys"), "snapshot keys");
      assertEquals(inputs.commits(), number(lake, "(\\d+) commits"), "commits on the timeline");
      assertEquals(inputs.rowsAsOfFirstCommit(), number(lake, "as of the first commit \\(\\d+\\): (\\d+) rows"),
          "time travel to the first commit");
      assertEquals(inputs.rowsChangedAfterFirstCommit(),
          number(lake, "incremental since the first commit \\(completed \\d+\\): (\\d+) rows"),
          "incremental query from the first commit");
      long lakeWindow = number(lake, "windows of [^(]+\\((\\d+) ms\\)");
      assertEquals(inputs.windowsOfSnapshot(lakeWindow), number(lake, "ms\\): (\\d+) windows"), "windows of the chart");
      assertEquals(inputs.snapshotRows(), number(lake, "ms\\): \\d+ windows, (\\d+) keys"), "keys in the chart");

      String topic = ExecutedNotebook.read(module.resolve("target/executed/topic-analysis.ipynb")).stdout.toString();
      assertEquals(inputs.topicRecords(), number(topic, "topic " + NotebookInputs.TOPIC + ": (\\d+) records"), "records read");
      assertEquals(0, number(topic, "records not in Confluent's wire format: (\\d+)"), "malformed records");
      assertEquals(inputs.topicRecords(), number(topic, "decoded: (\\d+) events"), "events decoded");
      assertEquals(inputs.snapshotRows(), number(topic, "decoded: \\d+ events, (\\d+) keys"), "keys decoded");
      long topicWindow = number(topic, "windows of [^(]+\\((\\d+) ms\\)");
      assertEquals(inputs.windowsOfTopic(topicWindow), number(topic, "ms\\): (\\d+) windows"), "windows of event time");
      assertEquals(inputs.topicRecords(), number(topic, "ms\\): \\d+ windows, (\\d+) events"), "events in windows");
    }
    System.out.printf("NotebooksTest took %d s%n", secondsSince(started));
  }

  private static void requireJupyter() {
    if (Files.isExecutable(JUPYTER)) {
      return;
    }
    String install = "apt-get install --no-install-recommends jupyter-nbconvert python3-nbclient "
        + "python3-ipykernel jupyter-notebook";
    if ("true".equals(System.getenv("CI"))) {
      fail(JUPYTER + " is missing, and CI=true requires the notebooks to run (.ci/run installs it: " + install + ")");
    }
    Assumptions.abort("Skipping the notebooks: " + JUPYTER + " is missing (" + install + ")");
  }

  private static List<Path> notebooksIn(Path module) throws IOException {
    try (Stream<Path> files = Files.list(module)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".ipynb")).sorted().toList();
    }
  }

  private static int runScript(Path module, NotebookInputs inputs, Path log) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", module.resolve("run.sh").toString())
        .directory(module.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().putAll(inputs.environment());
    Process p = pb.start();
    if (!p.waitFor(15, TimeUnit.MINUTES)) {
      // the kernels are run.sh's grandchildren: stop them too
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      fail("notebooks/run.sh did not finish within 15 minutes; its output is in " + log);
    }
    return p.exitValue();
  }

  private static int number(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    if (!m.find()) {
      fail("no line matching /" + regex + "/ in the notebook's output:\n" + text);
    }
    return Integer.parseInt(m.group(1));
  }

  private static String summaryOf(String output) {
    return output.lines().filter(l -> l.startsWith("==") || l.contains("executed in") || l.startsWith("FAILED"))
        .reduce("", (a, b) -> a + b + "\n");
  }

  private static String tail(String text, int lines) {
    List<String> all = text.lines().map(l -> l.length() > 400 ? l.substring(0, 400) + "…" : l).toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  private static long secondsSince(long nanos) {
    return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - nanos);
  }

  /** What an executed notebook holds: its errors, its charts, and the text its cells printed. */
  private static final class ExecutedNotebook {
    final List<String> errors = new ArrayList<>();
    final List<BufferedImage> pngs = new ArrayList<>();
    final StringBuilder stdout = new StringBuilder();
    int codeCells;

    static ExecutedNotebook read(Path file) throws IOException {
      assertTrue(Files.isRegularFile(file), "no executed notebook " + file);
      ExecutedNotebook nb = new ExecutedNotebook();
      for (JsonNode cell : JSON.readTree(file.toFile()).path("cells")) {
        if (!"code".equals(cell.path("cell_type").asText())) {
          continue;
        }
        nb.codeCells++;
        for (JsonNode output : cell.path("outputs")) {
          String type = output.path("output_type").asText();
          if ("error".equals(type)) {
            nb.errors.add(output.path("ename").asText() + ": " + output.path("evalue").asText());
          } else if ("stream".equals(type) && "stdout".equals(output.path("name").asText())) {
            nb.stdout.append(text(output.path("text")));
          }
          JsonNode png = output.path("data").path("image/png");
          if (!png.isMissingNode()) {
            byte[] bytes = Base64.getMimeDecoder().decode(text(png));
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            assertTrue(image != null, file + ": an image/png output that is not a PNG image");
            nb.pngs.add(image);
          }
        }
      }
      return nb;
    }

    /** nbformat stores text either as one string or as a list of lines. */
    private static String text(JsonNode node) {
      if (node.isArray()) {
        StringBuilder sb = new StringBuilder();
        node.forEach(n -> sb.append(n.asText()));
        return sb.toString();
      }
      return node.asText();
    }
  }
}
