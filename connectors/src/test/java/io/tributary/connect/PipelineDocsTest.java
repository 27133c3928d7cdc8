package io.tributary.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/connectors.md holds exactly the generated reference of the pipeline keys. */
class PipelineDocsTest {
  @Test
  void keyReferenceIsUpToDate() throws Exception {
    Path doc = Path.of("..", "docs", "connectors.md");
    String current = Files.readString(doc);
    assertEquals(PipelineDocs.rewrite(current), current,
        "docs/connectors.md is out of date: regenerate it (see the command at its top)");
  }
}
