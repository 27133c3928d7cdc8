package io.tributary.log.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partition's recovery point and clean-shutdown marker.
 *
 * <p>{@code recovery-point-offset-checkpoint}: text, line 1 version {@code 0}, line 2 the offset up to which
 * the log was fsynced (everything below it is known good). {@code .clean-shutdown}: an empty file written by a
 * clean close and removed at open; without it, segments from the one holding the recovery point on are
 * validated batch by batch. A missing or unreadable checkpoint means recovery point 0 (recover everything).
 */
final class RecoveryCheckpoint {
  private static final Logger LOG = LoggerFactory.getLogger(RecoveryCheckpoint.class);
  static final String FILE = "recovery-point-offset-checkpoint";
  static final String CLEAN_SHUTDOWN = ".clean-shutdown";

  private RecoveryCheckpoint() {}

  static long read(Path dir) {
    Path f = dir.resolve(FILE);
    if (!Files.exists(f)) {
      return 0;
    }
    try {
      List<String> lines = CheckpointFile.readLines(f);
      if (lines.size() < 2 || !lines.get(0).trim().equals("0")) {
        throw new IOException("unexpected content");
      }
      return Math.max(0, Long.parseLong(lines.get(1).trim()));
    } catch (IOException | RuntimeException e) {
      LOG.warn("Recovery checkpoint {} is unreadable ({}); recovering the whole log", f, e.toString());
      return 0;
    }
  }

  static void write(Path dir, long recoveryPoint) throws IOException {
    write(dir, recoveryPoint, true);
  }

  /** A recovery point that is lost or torn by a crash is safe (recovery scans more), so flushes need not fsync it. */
  static void write(Path dir, long recoveryPoint, boolean sync) throws IOException {
    CheckpointFile.write(dir.resolve(FILE), "0\n" + recoveryPoint + "\n", sync);
  }

  static boolean cleanShutdown(Path dir) {
    return Files.exists(dir.resolve(CLEAN_SHUTDOWN));
  }

  static void markCleanShutdown(Path dir) throws IOException {
    CheckpointFile.write(dir.resolve(CLEAN_SHUTDOWN), "");
  }

  /** Removes the clean-shutdown marker; the directory is fsynced only when there was one to remove. */
  static void clearCleanShutdown(Path dir) throws IOException {
    if (Files.deleteIfExists(dir.resolve(CLEAN_SHUTDOWN))) {
      CheckpointFile.fsyncDir(dir);
    }
  }
}
