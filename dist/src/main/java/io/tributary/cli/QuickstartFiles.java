package io.tributary.cli;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The files the quickstart writes for the user to read and reuse: its two pipelines (runnable later with
 * {@code tributary connect run}) and the lake catalog.
 */
final class QuickstartFiles {
  private QuickstartFiles() {}

  static Path writeGeneratorPipeline(Path dir, Quickstart.Settings s, String bootstrap, String registryUrl)
      throws IOException {
    return write(dir.resolve("events-generator.yaml"), """
        # Synthetic events with updates: event i has key i %% keys and seq i (later events update earlier keys).
        name: events-generator
        source:
          type: generator
          keys: %d
          rate: %d
          records: %d
          seed: 7
        sink:
          type: topic
          topic: %s
          bootstrap.servers: %s
        schema:
          registry.url: %s
        """.formatted(s.keys(), s.rate(), s.events(), Quickstart.TOPIC, bootstrap, registryUrl));
  }

  static Path writeLakePipeline(Path dir, String bootstrap, String registryUrl, String lakeUri) throws IOException {
    return write(dir.resolve("events-to-lake.yaml"), """
        # Topic %1$s upserted into a COPY_ON_WRITE Hudi table: one row per key, the largest seq wins.
        name: events-to-lake
        source:
          type: topic
          topic: %1$s
          bootstrap.servers: %2$s
          start: earliest
        sink:
          type: hudi
          table.path: %3$s%4$s
          table.name: %4$s
          table.type: COPY_ON_WRITE
          record.key: key
          precombine.field: seq
          partition.path: region
          commit.interval.ms: 2000
          commit.records: 50000
        schema:
          registry.url: %5$s
          subject: %1$s-value
        errors:
          dead.letter.topic: %6$s
          tolerance: all
        """.formatted(Quickstart.TOPIC, bootstrap, lakeUri, Quickstart.TABLE, registryUrl,
            Quickstart.DEAD_LETTER_TOPIC));
  }

  /** Table definitions for {@code tributary sql --catalog DIR}: one file per table, name -> location. */
  static void writeCatalog(Path dir, String eventsUri, String windowsUri) throws IOException {
    write(dir.resolve("events.yaml"), "# the connector's table: one row per key, the latest event\npath: " + eventsUri + "\n");
    write(dir.resolve(QuickstartSpark.WINDOW_TABLE + ".yaml"),
        "# the aggregate job's table: events per region and 1-second window\npath: " + windowsUri + "\n");
  }

  private static Path write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    return file;
  }

  /** Marks a directory as the quickstart's own, so that a later run may empty it. */
  static final String MARKER = ".tributary-quickstart";

  /**
   * Creates {@code dir}, or deletes what a previous quickstart left in it. Refuses a non-empty directory the
   * quickstart did not create (no marker file): {@code --dir} pointed at someone's data must not be wiped.
   */
  static void emptyDirectory(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      boolean empty;
      try (var children = Files.list(dir)) {
        empty = children.findAny().isEmpty();
      }
      if (!empty && !Files.exists(dir.resolve(MARKER))) {
        throw new CliException(dir + " is not empty and was not made by the quickstart; give an empty or new --dir", 2);
      }
      try (var children = Files.list(dir)) {
        for (Path child : (Iterable<Path>) children::iterator) {
          deleteTree(child);
        }
      }
    }
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(MARKER), "written by tributary quickstart; the next run empties this directory\n");
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
