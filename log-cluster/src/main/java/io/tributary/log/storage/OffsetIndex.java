package io.tributary.log.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Sparse offset index of one segment ({@code <base>.index}): entries of (offset relative to the segment's
 * base offset: int, byte position in the .log file: int), big endian, strictly increasing in both. A
 * lookup gives the position of the last indexed batch at or before an offset, from which the segment
 * is scanned. Recovery: {@link #sanityCheck(long, long)} refuses a torn or inconsistent file and the
 * segment rebuilds the index from its .log.
 */
final class OffsetIndex extends AbstractIndex {
  static final int ENTRY_SIZE = 8;

  /** Position of the last indexed batch at or before a target offset. */
  record OffsetPosition(long offset, int position) {}

  private int[] relOffsets = new int[16];
  private int[] positions = new int[16];

  OffsetIndex(Path file, long baseOffset, int maxIndexBytes) throws IOException {
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
      positions = Arrays.copyOf(positions, cap);
    }
  }

  @Override
  void loadEntry(ByteBuffer buf, int slot) {
    relOffsets[slot] = buf.getInt();
    positions[slot] = buf.getInt();
  }

  /**
   * True when entries are strictly increasing, within the segment's offsets and inside the .log file.
   */
  synchronized boolean sanityCheck(long segmentNextOffset, long logSizeBytes) {
    for (int i = 0; i < entries; i++) {
      if (relOffsets[i] < 0 || positions[i] < 0 || positions[i] >= logSizeBytes || baseOffset + relOffsets[i] >= segmentNextOffset) {
        return false;
      }
      if (i > 0 && (relOffsets[i] <= relOffsets[i - 1] || positions[i] <= positions[i - 1])) {
        return false;
      }
    }
    return true;
  }

  /** Appends an entry; offsets and positions must grow. */
  synchronized void append(long offset, int position) throws IOException {
    long rel = offset - baseOffset;
    if (rel < 0 || rel > Integer.MAX_VALUE) {
      throw new IllegalStateException("offset " + offset + " does not fit the index of segment " + baseOffset + " (" + file + ")");
    }
    if (entries > 0 && (rel <= relOffsets[entries - 1] || position <= positions[entries - 1])) {
      return; // never index backwards
    }
    if (isFull()) {
      return; // sparse: a missing entry only lengthens scans; the log rolls the segment when the index is full
    }
    ensureCapacity(entries + 1);
    ByteBuffer b = ByteBuffer.allocate(ENTRY_SIZE);
    b.putInt((int) rel).putInt(position).flip();
    writeEntry(b);
    relOffsets[entries] = (int) rel;
    positions[entries] = position;
    entries++;
  }

  /** The last entry with offset <= target, or (baseOffset, 0) if none. */
  synchronized OffsetPosition lookup(long targetOffset) {
    int slot = floorSlot(targetOffset);
    if (slot < 0) {
      return new OffsetPosition(baseOffset, 0);
    }
    return new OffsetPosition(baseOffset + relOffsets[slot], positions[slot]);
  }

  synchronized OffsetPosition lastEntry() {
    return entries == 0 ? new OffsetPosition(baseOffset, 0) : new OffsetPosition(baseOffset + relOffsets[entries - 1], positions[entries - 1]);
  }

  private int floorSlot(long targetOffset) {
    long rel = targetOffset - baseOffset;
    if (rel < 0) {
      return -1;
    }
    int key = rel > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) rel;
    int i = Arrays.binarySearch(relOffsets, 0, entries, key);
    return i >= 0 ? i : -i - 2;
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
