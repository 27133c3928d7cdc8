package io.tributary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, run as a user runs it: {@code ./tributary quickstart} through the launcher, in
 * its own process. The whole pipeline must come up, the lake must hold one row per key, the query must be
 * printed, and the process must end by itself (nothing left running).
 */
class QuickstartTest {
  @TempDir Path tmp;

  @Test
  void theWholePipelineRunsAndTheQueryIsPrinted() throws Exception {
    Path dir = tmp.resolve("qs");
    DocCommands.Result r = DocCommands.runScript("./tributary quickstart --dir " + dir, tmp, tmp.resolve("quickstart.log"),
        600, Map.of());
    String out = r.output();
    assertEquals(0, r.exitCode(), out);
    for (int step = 1; step <= Quickstart.STEPS; step++) {
      assertTrue(out.contains("[" + step + "/" + Quickstart.STEPS + "]"), "step " + step + " missing:\n" + out);
    }
    // The query's answer: one line per region, and the keys of the four regions add up to every key.
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
    assertTrue(Files.isDirectory(dir.resolve("lake/events/.hoodie")), "the lake table is kept");
    assertTrue(Files.exists(dir.resolve("catalog/events.yaml")), "the catalog is written");
    assertTrue(Files.exists(dir.resolve("pipelines/events-to-lake.yaml")), "the pipelines are written");
  }
}
