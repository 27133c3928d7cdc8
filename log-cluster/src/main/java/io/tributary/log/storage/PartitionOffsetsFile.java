package io.tributary.log.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * A log directory's checkpoint of one offset per partition, in Kafka's text format: line 1 the version
 * {@code 0}, line 2 the number of entries, then one {@code <topic> <partition> <offset>} line each. Used for
 * {@code replication-offset-checkpoint} (high watermarks) and {@code recovery-point-offset-checkpoint} (the
 * offset below which every partition is flushed). Written atomically: temp file, fsync, rename, fsync dir.
 */
final class PartitionOffsetsFile {
  static final String HIGH_WATERMARKS = "replication-offset-checkpoint";
  static final String RECOVERY_POINTS = "recovery-point-offset-checkpoint";
  private static final int VERSION = 0;

  private PartitionOffsetsFile() {}

  /** The offsets in {@code file}; empty when it does not exist. */
  static Map<TopicPartition, Long> read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return Map.of();
    }
    List<String> lines = CheckpointFile.readLines(file);
    if (lines.isEmpty() || !lines.get(0).trim().equals(String.valueOf(VERSION))) {
      throw corrupt(file, 1, "expected version " + VERSION + ", found " + (lines.isEmpty() ? "an empty file" : "'" + lines.get(0) + "'"));
    }
    int count = parseCount(file, lines);
    if (lines.size() - 2 != count) {
      throw corrupt(file, lines.size(), "expected " + count + " entries after the header, found " + (lines.size() - 2));
    }
    Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
    for (int i = 2; i < lines.size(); i++) {
      String[] parts = lines.get(i).trim().split(" ");
      try {
        if (parts.length != 3) {
          throw new IllegalArgumentException("expected '<topic> <partition> <offset>'");
        }
        TopicPartition tp = new TopicPartition(parts[0], Integer.parseInt(parts[1]));
        long offset = Long.parseLong(parts[2]);
        if (tp.partition() < 0 || offset < 0) {
          throw new IllegalArgumentException("negative partition or offset");
        }
        if (offsets.put(tp, offset) != null) {
          throw new IllegalArgumentException(tp + " is listed twice");
        }
      } catch (IllegalArgumentException e) { // NumberFormatException included
        throw corrupt(file, i + 1, "'" + lines.get(i) + "': " + e.getMessage());
      }
    }
    return offsets;
  }

  private static int parseCount(Path file, List<String> lines) throws IOException {
    try {
      int count = lines.size() < 2 ? -1 : Integer.parseInt(lines.get(1).trim());
      if (count < 0) {
        throw new NumberFormatException("no entry count");
      }
      return count;
    } catch (NumberFormatException e) {
      throw corrupt(file, 2, "expected the entry count: " + e.getMessage());
    }
  }

  private static IOException corrupt(Path file, int lineNumber, String problem) {
    return new IOException("Checkpoint " + file + " is corrupt at line " + lineNumber + ": " + problem);
  }

  /** Replaces {@code file} atomically with these offsets (sorted, so equal content gives equal files). */
  static void write(Path file, Map<TopicPartition, Long> offsets) throws IOException {
    Map<TopicPartition, Long> sorted = new TreeMap<>(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
    sorted.putAll(offsets);
    StringBuilder content = new StringBuilder().append(VERSION).append('\n').append(sorted.size()).append('\n');
    sorted.forEach((tp, offset) -> content.append(tp.topic()).append(' ').append(tp.partition()).append(' ').append(offset).append('\n'));
    CheckpointFile.write(file, content.toString());
  }
}
