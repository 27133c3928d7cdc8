package io.tributary.log.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Sparse time index of one segment ({@code <base>.timeindex}): entries of (timestamp: long, offset relative
 * to the segment's base offset: int), big endian. The timestamp is the largest seen so far in the segment
 * and the offset is that of the batch holding it, so both columns only grow. A lookup gives an offset
 * before which no record has a timestamp >= target. Recovery: a torn or inconsistent file is rebuilt by the
 * segment from its .log.
 */
final class TimeIndex extends AbstractIndex {
  static final int ENTRY_SIZE = 12;

  private long[] timestamps = new long[16];
  private int[] relOffsets = new int[16];

  TimeIndex(Path file, long baseOffset, int maxIndexBytes) throws IOException {
    super(file, baseOffset, maxIndexBytes);
  }

  @Override
  int entrySize() {
    return ENTRY_SIZE;
  }

  @Override
  void ensureCapacity(int n) {
    if (n > relOffsets.length) {
      int cap = Math.max(n, relOffsets.length * 2);
      relOffsets = Arrays.copyOf(relOffsets, cap);
      timestamps = Arrays.copyOf(timestamps, cap);
    }
  }

  @Override
  void loadEntry(ByteBuffer buf, int slot) {
    timestamps[slot] = buf.getLong();
    relOffsets[slot] = buf.getInt();
  }

  synchronized boolean sanityCheck(long segmentNextOffset) {
    for (int i = 0; i < entries; i++) {
      if (relOffsets[i] < 0 || baseOffset + relOffsets[i] >= segmentNextOffset) {
        return false;
      }
      if (i > 0 && (relOffsets[i] < relOffsets[i - 1] || timestamps[i] <= timestamps[i - 1])) {
        return false;
      }
    }
    return true;
  }

  /** Appends (timestamp, offset) when the timestamp is larger than the last one; otherwise no-op. */
  synchronized void maybeAppend(long timestamp, long offset) throws IOException {
    if (timestamp < 0 || (entries > 0 && timestamp <= timestamps[entries - 1])) {
      return;
    }
    long rel = offset - baseOffset;
    if (entries > 0 && rel < relOffsets[entries - 1]) {
      return;
    }
    if (isFull()) {
      return;
    }
    ensureCapacity(entries + 1);
    ByteBuffer b = ByteBuffer.allocate(ENTRY_SIZE);
    b.putLong(timestamp).putInt((int) rel).flip();
    writeEntry(b);
    timestamps[entries] = timestamp;
    relOffsets[entries] = (int) rel;
    entries++;
  }

  /** Largest timestamp indexed, or -1. */
  synchronized long lastTimestamp() {
    return entries == 0 ? -1 : timestamps[entries - 1];
  }

  synchronized long lastOffset() {
    return entries == 0 ? baseOffset : baseOffset + relOffsets[entries - 1];
  }

  /**
   * An offset such that every record before it has a timestamp below {@code target}: the offset of the
   * last entry whose timestamp is strictly smaller than target (its batch holds no record >= target), or the
   * base offset.
   */
  synchronized long lookupStartOffset(long target) {
    int lo = 0;
    int hi = entries - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (timestamps[mid] < target) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? baseOffset : baseOffset + relOffsets[found];
  }

  /** Drops every entry with offset >= target. */
  synchronized void truncateTo(long targetOffset) throws IOException {
    long rel = targetOffset - baseOffset;
    int slot = 0;
    while (slot < entries && relOffsets[slot] < rel) {
      slot++;
    }
    truncateToSlot(slot);
  }
}
