package io.tributary.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** conf/jvm.options is the only copy of the JVM options: every other place reads it. */
class JvmOptionsSingleCopyTest {
  /** Built from two halves so that this file does not match itself. */
  private static final String OPENS_FLAG = "--add-" + "opens=";
  /** Build output, git's own files, local clusters' data: not sources. */
  private static final Set<String> SKIPPED_DIRECTORIES = Set.of("target", ".git", ".local");
  /** Bigger files are data, not sources (and would make the walk slow). */
  private static final long MAX_FILE_BYTES = 4L * 1024 * 1024;

  @Test
  void noFileButConfJvmOptionsListsTheOpens() throws IOException {
    Path optionsFile = JvmOptions.file();
    Path root = optionsFile.getParent().getParent();
    List<String> copies = new ArrayList<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        return SKIPPED_DIRECTORIES.contains(dir.getFileName().toString()) ? FileVisitResult.SKIP_SUBTREE
            : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        if (attrs.isRegularFile() && attrs.size() <= MAX_FILE_BYTES && !file.equals(optionsFile)) {
          List<String> lines = List.of(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).split("\n"));
          for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(OPENS_FLAG)) {
              copies.add(root.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).strip());
            }
          }
        }
        return FileVisitResult.CONTINUE;
      }
    });
    assertEquals(List.of(), copies, "JVM options written outside " + root.relativize(optionsFile)
        + " (read that file instead: java @conf/jvm.options, JvmOptions.load())");
  }
}
