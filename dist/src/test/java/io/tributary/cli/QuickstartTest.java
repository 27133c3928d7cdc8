package io.tributary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command. */
@Timeout(120)
class QuickstartTest {
  @TempDir Path tmp;

  @Test
  void quickstartPrintsTheTenEventsAndStopsEverything() throws Exception {
    Path dir = tmp.resolve("qs");
    Cli.Result r = Cli.run("quickstart", "--dir", dir.toString());
    assertEquals(0, r.code(), r.toString());
    for (int step = 1; step <= 6; step++) {
      assertTrue(r.out().contains("[" + step + "/6]"), r.toString());
    }
    for (int i = 0; i < 10; i++) {
      int event = i;
      assertTrue(r.out().lines().anyMatch(l -> l.matches("\\s+[0-2]\\s+\\d+\\s+customer-\\d\\s+\\{\"event\":" + event + ",.*")),
          "event " + i + " missing in\n" + r);
    }
    assertTrue(r.out().contains("quickstart finished"), r.toString());
    assertTrue(Files.isDirectory(dir), "--dir is kept");
    assertFalse(r.err().contains("error"), r.toString());
  }
}
