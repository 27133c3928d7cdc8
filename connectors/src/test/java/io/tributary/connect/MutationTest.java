package io.tributary.connect;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every example, damaged one line at a time in many ways, either still loads or is refused with errors that
 * point into the file: the loader never fails with anything but a {@link PipelineException}.
 */
class MutationTest {
  static final List<String> VALUES = List.of("", "x", "-1", "0", "1.5", "true", "[a, b]", "{a: 1}", "\"\"", "~",
      "99999999999999999999", "file://h/p", "hdfs:///", "'a,,b'", "*alias");

  @Test
  void damagedExamplesGiveErrorsNeverCrashes() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.list(Path.of("examples"))) {
      files = s.sorted().collect(Collectors.toList());
    }
    int refused = 0;
    for (Path file : files) {
      List<String> lines = Files.readAllLines(file);
      for (int i = 0; i < lines.size(); i++) {
        List<String> variants = new ArrayList<>();
        List<String> without = new ArrayList<>(lines);
        without.remove(i);
        variants.add(String.join("\n", without));
        String line = lines.get(i);
        int colon = line.indexOf(": ");
        if (colon > 0 && !line.trim().startsWith("#")) {
          for (String v : VALUES) {
            List<String> changed = new ArrayList<>(lines);
            changed.set(i, line.substring(0, colon) + ": " + v);
            variants.add(String.join("\n", changed));
          }
          List<String> renamed = new ArrayList<>(lines);
          renamed.set(i, line.substring(0, colon) + "x" + line.substring(colon));
          variants.add(String.join("\n", renamed));
        }
        for (String text : variants) {
          try {
            PipelineLoader.parse(file, text);
          } catch (PipelineException e) {
            refused++;
            assertFalse(e.errors().isEmpty());
            for (ValidationError err : e.errors()) {
              assertTrue(err.line() >= 1 && err.line() <= lines.size() + 1, err + "\n--- in ---\n" + text);
            }
          } catch (RuntimeException e) {
            fail("crash on line " + (i + 1) + " of " + file + ":\n" + text, e);
          }
        }
      }
    }
    assertTrue(refused > 100, "the damage is detected: " + refused);
  }
}
