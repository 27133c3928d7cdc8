package io.tributary.connect.worker;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/connect-workers.md documents every worker config key with its default. */
class WorkerDocsTest {

  @Test
  void everyKeyIsDocumented() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "connect-workers.md"));
    for (WorkerConfig.Key k : WorkerConfig.KEYS) {
      String row = "| `" + k.name() + "` | ";
      assertTrue(doc.contains(row), "docs/connect-workers.md has no row for " + k.name());
      if (k.defaultValue() != null) {
        assertTrue(doc.contains(row + "`" + k.defaultValue() + "` |"), "docs give another default for " + k.name());
      }
    }
  }
}
