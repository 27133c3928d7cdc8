package io.tributary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/getting-started.md, run as a user runs it: every {@code bash} block, in order, from the repository
 * root, through the real {@code ./tributary} launcher (each command in its own process). The first block is
 * the README's first command, the quickstart: its answer is checked in detail. The page's local cluster uses
 * the usual ports (2181, 9092-9094, 8081) and {@code .local/} of the checkout, as a user's would.
 */
class GettingStartedTest {
  static final Path ROOT = DocCommands.repoRoot();
  static final Path DOC = ROOT.resolve("docs/getting-started.md");

  @TempDir static Path tmp;

  @AfterAll
  static void stopTheLocalCluster() throws Exception {
    DocCommands.runScript("./tributary local stop || true", ROOT, tmp.resolve("stop.log"), 120, Map.of());
  }

  @Test
  void everyCommandOfThePageWorksAsWritten() throws Exception {
    assumeFalse(Files.exists(ROOT.resolve(".local/cluster/cluster.properties")) && !"true".equals(System.getenv("CI")),
        "a local cluster of this checkout may be running (.local/cluster): not disturbing it");
    List<DocCommands.Block> blocks = DocCommands.bashBlocks(DOC);
    assertTrue(blocks.size() >= 8, "bash blocks found: " + blocks.size());
    for (int i = 0; i < blocks.size(); i++) {
      DocCommands.Block block = blocks.get(i);
      DocCommands.Result r = DocCommands.runScript(block.text(), ROOT, tmp.resolve("block-" + i + ".log"), 900,
          Map.of());
      assertEquals(0, r.exitCode(), "docs/getting-started.md:" + block.line() + " failed:\n" + block.text()
          + "--- output\n" + r.output());
      if (i == 0) {
        checkQuickstart(r.output());
      }
    }
  }

  /** The quickstart came up whole, printed its query's answer, and left its lake behind. */
  static void checkQuickstart(String out) {
    for (int step = 1; step <= Quickstart.STEPS; step++) {
      assertTrue(out.contains("[" + step + "/" + Quickstart.STEPS + "]"), "step " + step + " missing:\n" + out);
    }
    // One answer line per region; their key counts add up to every key.
    Matcher rows = Pattern.compile("(?m)^\\s+(eu|us|apac|latam)\\s+(\\d+)\\s+\\d+\\s+[\\d.]+$").matcher(out);
    long keys = 0;
    int regions = 0;
    while (rows.find()) {
      keys += Long.parseLong(rows.group(2));
      regions++;
    }
    assertEquals(4, regions, out);
    assertEquals(3000, keys, out);
    assertTrue(out.contains("30,000 upserted into") && out.contains("(3,000 rows, one per key)"), out);
    assertTrue(out.contains("30,000 events counted by the aggregate job"), out);
    assertTrue(out.contains("quickstart finished in"), out);
    Path dir = ROOT.resolve(".local/quickstart");
    assertTrue(Files.isDirectory(dir.resolve("lake/events/.hoodie")), "the lake table is kept");
    assertTrue(Files.exists(dir.resolve("catalog/events.yaml")), "the catalog is written");
    assertTrue(Files.exists(dir.resolve("pipelines/events-to-lake.yaml")), "the pipelines are written");
  }
}
