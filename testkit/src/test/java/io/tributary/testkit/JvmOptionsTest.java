package io.tributary.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class JvmOptionsTest {
  private record Case(String name, List<String> lines, List<String> options) {}

  @Test
  void parsesTheArgfileSubsetTheFileUses() {
    List<Case> cases = List.of(
        new Case("empty", List.of(), List.of()),
        new Case("comments and blank lines", List.of("# why", "", "   ", "  # indented why"), List.of()),
        new Case("one option a line", List.of("-Da=1", "--add-exports=x"), List.of("-Da=1", "--add-exports=x")),
        new Case("several on a line, any spacing", List.of("  -Da=1 \t -Db=2  "), List.of("-Da=1", "-Db=2")),
        new Case("a comment after an option", List.of("-Da=1 # why"), List.of("-Da=1")),
        new Case("a '#' inside a word is not a comment", List.of("-Dx=a#b"), List.of("-Dx=a#b")));
    for (Case c : cases) {
      assertEquals(c.options(), JvmOptions.parse(c.lines()), c.name());
    }
  }

  @Test
  void refusesQuotesRatherThanMisreadingThem() {
    assertThrows(IllegalArgumentException.class, () -> JvmOptions.parse(List.of("-Dx=\"a b\"")));
  }

  @Test
  void theRepositoryFileHasTheOpensHudiNeeds() {
    List<String> options = JvmOptions.load();
    assertTrue(options.stream().anyMatch(o -> o.endsWith("java.base/java.lang=ALL-UNNAMED")), options.toString());
    assertTrue(options.contains("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=org.apache.hudi"), options.toString());
    assertTrue(options.stream().allMatch(o -> o.startsWith("-")), "every line is an option: " + options);
  }

  @Test
  void surefireForksThisJvmWithTheFile() {
    // The root pom's argLine is "@<root>/conf/jvm.options": the launcher expanded it for this JVM.
    Module unnamed = JvmOptionsTest.class.getModule();
    assertTrue(Object.class.getModule().isOpen("java.lang", unnamed), "java.lang open to the unnamed module");
    assertTrue(Object.class.getModule().isOpen("java.time", unnamed), "java.time open to the unnamed module");
    assertEquals("true", System.getProperty("jdk.attach.allowAttachSelf"));
  }
}
