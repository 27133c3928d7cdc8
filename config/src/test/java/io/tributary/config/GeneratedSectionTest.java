package io.tributary.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratedSectionTest {
  private static final String BEGIN = GeneratedSection.beginMarker(GeneratedSectionTest.class);
  private static final GeneratedSection SECTION =
      new GeneratedSection(BEGIN, () -> BEGIN + "\n| new |\n" + GeneratedSection.END);

  @Test
  void theBeginMarkerNamesTheGenerator() {
    assertEquals("<!-- BEGIN GENERATED: io.tributary.config.GeneratedSectionTest -->", BEGIN);
  }

  @Test
  void onlyTheTextBetweenTheMarkersIsReplaced() {
    String document = "# Title\n\nbefore\n" + BEGIN + "\n| old |\n| rows |\n" + GeneratedSection.END + "\nafter\n";
    String rewritten = SECTION.rewrite(document);
    assertEquals("# Title\n\nbefore\n" + BEGIN + "\n| new |\n" + GeneratedSection.END + "\nafter\n", rewritten);
    assertEquals(rewritten, SECTION.rewrite(rewritten), "rewriting an up-to-date document changes nothing");
  }

  @Test
  void aDocumentWithoutMarkersIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SECTION.rewrite("# no markers\n"));
    assertEquals("the document has no " + BEGIN + " ... " + GeneratedSection.END + " section", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SECTION.rewrite(BEGIN + " but no end"));
  }

  @Test
  void rewriteFileRewritesTheNamedFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("doc.md");
    Files.writeString(file, "x\n" + BEGIN + "\nstale\n" + GeneratedSection.END + "\n");
    SECTION.rewriteFile(new String[] {file.toString()}, "does/not/exist.md");
    assertEquals("x\n" + BEGIN + "\n| new |\n" + GeneratedSection.END + "\n", Files.readString(file));
  }
}
