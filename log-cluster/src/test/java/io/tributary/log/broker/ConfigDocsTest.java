package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md holds exactly the generated reference of the broker and topic keys. */
class ConfigDocsTest {
  @Test
  void configurationReferenceIsUpToDate() throws Exception {
    Path doc = Path.of("..", "docs", "configuration.md");
    String current = Files.readString(doc);
    assertEquals(ConfigDocs.SECTION.rewrite(current), current,
        "docs/configuration.md is out of date: regenerate it (see the command at its top)");
  }
}
