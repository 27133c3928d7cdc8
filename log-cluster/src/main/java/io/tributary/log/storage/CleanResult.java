package io.tributary.log.storage;

/**
 * Result of one compaction pass: bytes of the cleaned segments before and after, records dropped, and the offset
 * the pass cleaned up to (the new cleaner checkpoint; below the end of the cleanable range when the offset map
 * filled, -1 when nothing was cleanable or the pass was abandoned).
 */
public record CleanResult(long bytesBefore, long bytesAfter, long recordsRemoved, long cleanedUpTo) {
  static final CleanResult NOTHING = new CleanResult(0, 0, 0, -1);
}
