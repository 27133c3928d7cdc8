package io.tributary.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * log-cluster's packages form layers (DESIGN.md section 3): a package uses only packages of a lower
 * layer, so that the folder tree shows where a request goes and a change low down cannot depend on
 * wiring above it. A plain scan of the main sources, so that it needs no extra library.
 */
class LayeringTest {
  static final Path MAIN = Path.of("src/main/java/io/tributary/log");

  /** Layer of each package, lowest first; a package may import only packages of a strictly lower layer. */
  static final Map<String, Integer> LAYER = Map.ofEntries(
      Map.entry("protocol", 0),    // kafka-clients' message classes behind one adapter
      Map.entry("storage", 0),     // segments, indexes, the partition log
      Map.entry("cluster", 0),     // ZooKeeper layout, metadata image, controller
      Map.entry("security", 0),    // TLS contexts, JAAS options, SASL mechanisms, the pure ACL decision (kafka-clients only)
      Map.entry("metrics", 0),     // the counted meters in Kafka's names (no broker state)
      Map.entry("replication", 1), // the pure ISR state machine and the fetchers (uses cluster, protocol)
      Map.entry("network", 1),     // Netty server and request-handler pool (uses protocol)
      Map.entry("group", 2),       // the group coordinator (uses cluster, protocol, storage)
      Map.entry("txn", 3),         // the transaction coordinator (uses group for its host, locator and offsets partitions)
      Map.entry("broker", 4),      // wiring: uses everything
      Map.entry("embedded", 5)); // ZooKeeper and brokers in one JVM (quickstart, benchmarks, tests): uses the brokers

  private static final Pattern PROJECT_REFERENCE = Pattern.compile("\\bio\\.tributary\\.log\\.([a-z]+)\\.([A-Z]\\w*)");
  private static final Pattern QUALIFIED_NAME = Pattern.compile("\\b(?:java|javax|org|io|com)\\.(?:[a-z0-9]+\\.)+[A-Z]\\w*");

  @Test
  void everyPackageHasALayer() throws IOException {
    Set<String> packages = new TreeSet<>();
    try (Stream<Path> dirs = Files.list(MAIN)) {
      dirs.filter(Files::isDirectory).forEach(d -> packages.add(d.getFileName().toString()));
    }
    assertEquals(new TreeSet<>(LAYER.keySet()), packages, "a new package needs a place in LAYER (and in DESIGN.md section 3)");
  }

  @Test
  void noPackageUsesALayerAboveOrBesideIt() {
    List<String> upward = new ArrayList<>();
    for (Path file : mainSources()) {
      String from = MAIN.relativize(file).getName(0).toString();
      for (String line : code(file)) {
        Matcher m = PROJECT_REFERENCE.matcher(line);
        while (m.find()) {
          String to = m.group(1);
          if (to.equals(from) || !LAYER.containsKey(to) || LAYER.get(to) < LAYER.get(from)) {
            continue;
          }
          upward.add(MAIN.relativize(file) + " -> " + to + "." + m.group(2));
        }
      }
    }
    assertEquals(List.of(), upward, "imports of a package in the same or a higher layer; layers: " + LAYER);
  }

  @Test
  void classesAreNamedThroughImports() {
    List<String> inline = new ArrayList<>();
    for (Path file : mainSources()) {
      for (String line : code(file)) {
        if (line.startsWith("import ")) {
          continue;
        }
        Matcher m = QUALIFIED_NAME.matcher(line.replaceAll("\"[^\"]*\"", "\"\""));
        while (m.find()) {
          inline.add(MAIN.relativize(file) + ": " + m.group());
        }
      }
    }
    assertEquals(List.of(), inline, "inline fully qualified names: import the class instead");
  }

  @Test
  void theScanSeesWhatItChecks() {
    // Guards against a scan that passes because it reads nothing (wrong working directory, renamed folder).
    List<Path> files = mainSources();
    assertTrue(files.size() > 50, "expected log-cluster's main sources under " + MAIN.toAbsolutePath() + ", found " + files.size());
    assertTrue(PROJECT_REFERENCE.matcher("import io.tributary.log.broker.BrokerConfig;").find());
    assertTrue(QUALIFIED_NAME.matcher("new java.util.concurrent.atomic.AtomicLong()").find());
  }

  private static List<Path> mainSources() {
    try (Stream<Path> files = Files.walk(MAIN)) {
      return files.filter(f -> f.toString().endsWith(".java") && !f.getParent().equals(MAIN)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The lines of a file that are code: no package line and no comment lines (Javadoc may name any class). */
  private static List<String> code(Path file) {
    try {
      return Files.readAllLines(file).stream()
          .map(String::strip)
          .filter(l -> !l.startsWith("package ") && !l.startsWith("*") && !l.startsWith("/*") && !l.startsWith("//"))
          .map(l -> l.startsWith("import ") ? l : l.replaceAll("//.*$", ""))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
