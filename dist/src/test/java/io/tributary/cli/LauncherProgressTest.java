package io.tributary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The first-run feedback of ./tributary: dist/src/dev/maven-progress.sh turns Maven's batch output (here a
 * recorded one) into a line a step, instead of a silent build.
 */
class LauncherProgressTest {
  static final Path SCRIPT = DocCommands.repoRoot().resolve("dist/src/dev/maven-progress.sh");

  private static List<String> progress(List<String> mavenOutput) throws Exception {
    Process p = new ProcessBuilder(SCRIPT.toString()).redirectErrorStream(true).start();
    try (OutputStream in = p.getOutputStream()) {
      in.write((String.join("\n", mavenOutput) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    // Drop the elapsed seconds that lead each line ("tributary:   12s  ...").
    return out.lines().map(l -> l.replaceFirst("^tributary: +\\d+s  ", "")).toList();
  }

  @Test
  void aLineForEachStepOfAFirstBuild() throws Exception {
    List<String> downloads = IntStream.rangeClosed(1, 60)
        .mapToObj(i -> "[INFO] Downloading from central: https://repo.maven.apache.org/maven2/a/b/" + i + "/b.pom")
        .toList();
    List<String> maven = new ArrayList<>(List.of(
        "[INFO] Scanning for projects...",
        "[INFO] ------------------------------------------------------------------------",
        "[INFO] Reactor Build Order:"));
    maven.addAll(downloads);
    maven.addAll(List.of(
        "[INFO] Building Tributary configuration 0.1.0-SNAPSHOT                    [2/9]",
        "[INFO] --- maven-compiler-plugin:3.13.0:compile (default-compile) @ tributary-config ---",
        "[INFO] Compiling 9 source files with javac [debug release 17] to target/classes",
        "[INFO] Compiling 7 source files with javac [debug release 17] to target/test-classes",
        "[INFO] Building jar: /r/config/target/tributary-config-0.1.0-SNAPSHOT.jar",
        "[INFO] Building Tributary command line and quickstart 0.1.0-SNAPSHOT      [9/9]",
        "[ERROR] /r/dist/src/main/java/io/tributary/cli/Main.java:[3,1] class, interface, enum, or record expected",
        "[INFO] BUILD FAILURE"));
    assertEquals(List.of(
        "resolving dependencies (downloading into ~/.m2 the first time)",
        "resolving dependencies: 25 artifacts downloaded",
        "resolving dependencies: 50 artifacts downloaded",
        "[2/9] building Tributary configuration",
        "        compiling 9 sources",
        "        compiling 7 test sources",
        "[9/9] building Tributary command line and quickstart",
        "[ERROR] /r/dist/src/main/java/io/tributary/cli/Main.java:[3,1] class, interface, enum, or record expected",
        "[INFO] BUILD FAILURE"), progress(maven));
  }

  @Test
  void aBuildWithEverythingInTheLocalRepository() throws Exception {
    assertEquals(List.of("[1/1] building Tributary", "built"), progress(List.of(
        "[INFO] Building Tributary 0.1.0-SNAPSHOT                                  [1/1]",
        "[INFO] BUILD SUCCESS")));
  }

  @Test
  void theLauncherPipesItsBuildThroughIt() throws Exception {
    String launcher = Files.readString(DocCommands.repoRoot().resolve("tributary"));
    assertTrue(launcher.contains("dist/src/dev/maven-progress.sh"), "./tributary uses the progress filter");
    assertTrue(!launcher.contains("mvn -B -q"), "Maven's output is no longer silenced");
  }
}
