package io.tributary.log.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partition's log-start and cleaner offsets, one text file each: line 1 version {@code 0}, line 2 the
 * offset. {@code log-start-offset-checkpoint} is moved by DeleteRecords, retention and truncation;
 * {@code cleaner-offset-checkpoint} by compaction. A missing or unreadable file reads as offset 0, which is
 * safe for both: the load clamps the log start to the first segment, and compaction rescans from the start.
 */
final class OffsetCheckpoint {
  // These lines have always been logged as the partition log's; operators' log filters keep matching.
  private static final Logger LOG = LoggerFactory.getLogger(PartitionLog.class);
  static final String LOG_START_FILE = "log-start-offset-checkpoint";
  static final String CLEANER_FILE = "cleaner-offset-checkpoint";

  private OffsetCheckpoint() {}

  static long read(Path dir, String name) {
    Path f = dir.resolve(name);
    if (!Files.exists(f)) {
      return 0;
    }
    try {
      List<String> lines = CheckpointFile.readLines(f);
      return Long.parseLong(lines.get(1).trim());
    } catch (IOException | RuntimeException e) {
      LOG.warn("Checkpoint {} is unreadable ({}); using 0", f, e.toString());
      return 0;
    }
  }

  static void write(Path dir, String name, long offset) throws IOException {
    CheckpointFile.write(dir.resolve(name), "0\n" + offset + "\n");
  }
}
