package io.tributary.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The configuration reference in docs/schema-registry.md is the one generated from the code. */
class RegistryConfigDocsTest {
  @Test
  void docsTableMatchesDefinitions() throws Exception {
    Path doc = Path.of("..", "docs", "schema-registry.md");
    String text = Files.readString(doc);
    assertTrue(text.contains(RegistryConfig.markdownTable()),
        "docs/schema-registry.md is out of date; its configuration table should be:\n" + RegistryConfig.markdownTable());
  }

  @Test
  void typedValuesAndErrors() {
    RegistryConfig c = new RegistryConfig(Map.of("listeners", "http://0.0.0.0:18081",
        "kafkastore.security.protocol", "PLAINTEXT"));
    assertEquals(18081, c.port());
    assertEquals("http://127.0.0.1:5", c.advertisedUrl(5));
    assertEquals(Map.of("security.protocol", "PLAINTEXT"), c.kafkaOverrides());
    assertEquals(CompatibilityLevel.BACKWARD, c.compatibility());
    assertThrows(RegistryException.class, () -> new RegistryConfig(Map.of("schema.compatibility.level", "odd")));
    assertThrows(IllegalArgumentException.class, () -> new RegistryConfig(Map.of("listeners", "https://x")));
  }
}
