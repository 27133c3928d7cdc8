package io.tributary.log.storage;

import java.util.List;

/**
 * How many of a log's oldest segments retention deletes. Pure: facts about the segments in, a count out; the
 * log does the deleting. While more than the active (newest) segment remains, three rules apply in turn:
 * <ol>
 *   <li>a segment whose successor starts at or below the log start offset holds nothing readable (DeleteRecords);
 *   <li>with {@code cleanup.policy} delete and {@code retention.ms} >= 0, a segment whose largest timestamp is
 *       more than retention.ms old;
 *   <li>with {@code cleanup.policy} delete and {@code retention.bytes} >= 0, the oldest segment while the log
 *       without it still holds at least retention.bytes.
 * </ol>
 * Each rule stops at the first segment it keeps: segments go oldest first, so the log never gets a hole.
 */
final class RetentionPolicy {

  /**
   * What retention knows of a segment.
   *
   * @param largestTimestampMs its largest record timestamp, or the file's modification time when it has none
   */
  record SegmentFacts(long baseOffset, long largestTimestampMs, long sizeInBytes) {}

  private RetentionPolicy() {}

  /** @param oldestFirst every segment of the log in offset order, the active one last */
  static int segmentsToDelete(List<SegmentFacts> oldestFirst, long logStartOffset, LogConfig config, long nowMs) {
    if (oldestFirst.isEmpty()) {
      throw new IllegalArgumentException("A log always has an active segment");
    }
    int activeIndex = oldestFirst.size() - 1;
    int deleted = 0;
    while (deleted < activeIndex && oldestFirst.get(deleted + 1).baseOffset() <= logStartOffset) {
      deleted++;
    }
    if (!config.delete()) {
      return deleted;
    }
    if (config.retentionMs() >= 0) {
      while (deleted < activeIndex && nowMs - oldestFirst.get(deleted).largestTimestampMs() > config.retentionMs()) {
        deleted++;
      }
    }
    if (config.retentionBytes() >= 0) {
      long excessBytes = -config.retentionBytes();
      for (SegmentFacts s : oldestFirst.subList(deleted, oldestFirst.size())) {
        excessBytes += s.sizeInBytes();
      }
      while (deleted < activeIndex && excessBytes - oldestFirst.get(deleted).sizeInBytes() >= 0) {
        excessBytes -= oldestFirst.get(deleted).sizeInBytes();
        deleted++;
      }
    }
    return deleted;
  }
}
