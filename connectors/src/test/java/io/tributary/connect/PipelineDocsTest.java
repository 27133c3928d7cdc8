package io.tributary.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** docs/connectors.md holds exactly the generated reference of the pipeline keys. */
class PipelineDocsTest {
  @Test
  void keyReferenceIsUpToDate() throws Exception {
    Path doc = Path.of("..", "docs", "connectors.md");
    String current = Files.readString(doc);
    assertEquals(PipelineDocs.SECTION.rewrite(current), current,
        "docs/connectors.md is out of date: regenerate it (see the command at its top)");
  }

  @Test
  void everyExampleIsListedInTheDocs() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "connectors.md"));
    List<String> names;
    try (Stream<Path> s = Files.list(Path.of("examples"))) {
      names = s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
    for (String name : names) {
      assertTrue(doc.contains("`" + name + "`"), "docs/connectors.md does not list the example " + name);
    }
  }
}
