package io.tributary.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JvmProcessBuilderTest {
  @TempDir Path tmp;

  @Test
  void aChildGetsTheOneFilesOptionsThenTheCallersOwn() throws Exception {
    Path log = tmp.resolve("logs/child.log");
    ChildProcess child = JvmProcessBuilder.main(PrintOpenPackages.class.getName())
        .jvmArgs("-Xmx64m", "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.example")
        .systemProperty("testkit.marker", "m1").environment("TESTKIT_MARKER", "e1")
        .args("java.lang", "java.time", "java.security").logFile(log).start();

    assertEquals(Optional.of(0), child.waitForExit(Duration.ofSeconds(60)), child.tail(20));
    List<String> lines = Files.readAllLines(log);
    assertEquals(List.of("java.lang open: true", "java.time open: true", "java.security open: false",
        "avro packages: io.example", "marker: m1", "env: e1", "on stderr"), lines, "stdout, then stderr, in one log");
  }

  @Test
  void theCommandLineOrderLetsTheCallerOverrideTheFile() {
    List<String> cmd = JvmProcessBuilder.main("a.Main").jvmArgs("-Xmx1m").systemProperty("k", "v")
        .classpath("cp").args("x").command();
    List<String> fileOptions = JvmOptions.load();
    assertEquals(fileOptions, cmd.subList(1, 1 + fileOptions.size()));
    assertEquals(List.of("-Xmx1m", "-Dk=v", "-cp", "cp", "a.Main", "x"),
        cmd.subList(1 + fileOptions.size(), cmd.size()));
  }

  @Test
  void stdoutAndStderrApartWhenAnErrorFileIsGiven() throws Exception {
    Path out = tmp.resolve("out.txt");
    Path err = tmp.resolve("err/err.txt");
    ChildProcess child = JvmProcessBuilder.main(PrintOpenPackages.class.getName()).jvmArgs("-Xmx64m")
        .args("java.lang").logFile(out).errorFile(err).start();
    assertEquals(Optional.of(0), child.waitForExit(Duration.ofSeconds(60)));
    assertEquals(List.of("java.lang open: true", "avro packages: org.apache.hudi", "marker: null", "env: null"),
        Files.readAllLines(out));
    assertEquals(List.of("on stderr"), Files.readAllLines(err));
  }

  @Test
  void aDetachedChildRunsInItsOwnSession() {
    List<String> cmd = JvmProcessBuilder.main("a.Main").detached().command();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      assertEquals("/usr/bin/setsid", cmd.get(0));
      assertEquals(JvmProcessBuilder.javaBinary().toString(), cmd.get(1));
    } else {
      assertEquals(JvmProcessBuilder.javaBinary().toString(), cmd.get(0));
    }
  }

  @Test
  void kill9EndsTheChildAndStopReportsItsExitCode() throws Exception {
    ChildProcess child = JvmProcessBuilder.main(Sleeper.class.getName()).jvmArgs("-Xmx32m")
        .logFile(tmp.resolve("sleeper.log")).start();
    assertTrue(child.isAlive());
    assertEquals(Optional.empty(), child.waitForExit(Duration.ofMillis(200)), "still sleeping");
    child.kill9();
    assertFalse(child.isAlive());
    assertEquals(137, child.stop(Duration.ofSeconds(1)), "128 + SIGKILL");
  }

  /** Sleeps until killed. */
  public static final class Sleeper {
    public static void main(String[] args) throws InterruptedException {
      Thread.sleep(Duration.ofMinutes(5).toMillis());
    }
  }
}
