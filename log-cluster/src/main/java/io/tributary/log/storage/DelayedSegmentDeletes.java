package io.tributary.log.storage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Segments a log has removed (retention, truncation, compaction swaps) whose files are already renamed
 * {@code .deleted} but stay open until {@code file.delete.delay.ms} has passed: a fetch may still be sending a
 * zero-copy slice of them. Not thread-safe; the owning {@link PartitionLog} calls it under its lock.
 */
final class DelayedSegmentDeletes {
  private record PendingDelete(Segment segment, long dueMs) {}

  private final List<PendingDelete> pending = new ArrayList<>();

  /** Renames the segment's files {@code .deleted} now, so a new segment may take its base offset, and deletes them at dueMs. */
  void schedule(Segment segment, long dueMs) throws IOException {
    segment.renameAllWithSuffix(Segment.DELETED_SUFFIX);
    pending.add(new PendingDelete(segment, dueMs));
  }

  /** For a segment whose files were renamed {@code .deleted} by the caller (a compaction swap renames before it moves). */
  void scheduleRenamed(Segment segment, long dueMs) {
    pending.add(new PendingDelete(segment, dueMs));
  }

  /** Closes and deletes the files of every segment due at nowMs. */
  void deleteDue(long nowMs) throws IOException {
    deleteWhere(nowMs, false);
  }

  /** Closes and deletes the files of every pending segment, due or not (the log is closing). */
  void deleteAll() throws IOException {
    deleteWhere(0, true);
  }

  /** Closes every pending segment's files and forgets them, leaving the files on disk (a kill, or a directory removed whole). */
  void closeAll() throws IOException {
    for (PendingDelete p : pending) {
      p.segment().close();
    }
    pending.clear();
  }

  private void deleteWhere(long nowMs, boolean all) throws IOException {
    Iterator<PendingDelete> it = pending.iterator();
    while (it.hasNext()) {
      PendingDelete p = it.next();
      if (all || nowMs >= p.dueMs()) {
        p.segment().deleteFiles();
        it.remove();
      }
    }
  }
}
