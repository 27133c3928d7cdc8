package io.tributary.log.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Common part of the sparse indexes: fixed-size entries appended to a file with positional I/O and
 * mirrored in memory for lookups. The file holds exactly the entries (no preallocation), so a file whose
 * size is not a multiple of the entry size is torn and is rebuilt by the segment.
 */
abstract class AbstractIndex implements AutoCloseable {
  protected Path file;
  protected final long baseOffset;
  protected final int maxEntries;
  protected FileChannel channel;
  protected int entries;
  private boolean dirty;

  AbstractIndex(Path file, long baseOffset, int maxIndexBytes) throws IOException {
    this.file = file;
    this.baseOffset = baseOffset;
    this.maxEntries = Math.max(1, maxIndexBytes / entrySize());
    this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  abstract int entrySize();

  /** Parses one entry read from the file into memory. */
  abstract void loadEntry(ByteBuffer buf, int slot);

  abstract void ensureCapacity(int n);

  /** Reads the file into memory. Returns false when the file is torn (size not a multiple of the entry). */
  synchronized boolean load() throws IOException {
    long size = channel.size();
    if (size % entrySize() != 0) {
      return false;
    }
    int n = (int) (size / entrySize());
    ensureCapacity(n);
    ByteBuffer buf = ByteBuffer.allocate((int) size);
    while (buf.hasRemaining()) {
      if (channel.read(buf, buf.position()) < 0) {
        break;
      }
    }
    buf.flip();
    for (int i = 0; i < n; i++) {
      loadEntry(buf, i);
    }
    entries = n;
    return true;
  }

  protected void writeEntry(ByteBuffer entry) throws IOException {
    long pos = (long) entries * entrySize();
    while (entry.hasRemaining()) {
      pos += channel.write(entry, pos);
    }
    dirty = true;
  }

  synchronized boolean isFull() {
    return entries >= maxEntries;
  }

  synchronized int entries() {
    return entries;
  }

  Path file() {
    return file;
  }

  /** Removes every entry. */
  synchronized void reset() throws IOException {
    channel.truncate(0);
    entries = 0;
    dirty = true;
  }

  /** Drops entries from {@code slot} on. */
  protected synchronized void truncateToSlot(int slot) throws IOException {
    if (slot < entries) {
      entries = slot;
      channel.truncate((long) slot * entrySize());
      dirty = true;
    }
  }

  /**
   * Keeps only the first {@code entryCount} entries and trims the file to exactly them, also when a failed
   * write left a partial entry past the last counted one (which {@link #truncateToSlot} would not see).
   */
  synchronized void rollBackTo(int entryCount) throws IOException {
    if (entryCount > entries) {
      throw new IllegalStateException("cannot roll " + file + " back to " + entryCount + " entries: it holds " + entries);
    }
    entries = entryCount;
    channel.truncate((long) entryCount * entrySize());
    dirty = true;
  }

  synchronized void flush() throws IOException {
    if (dirty) {
      channel.force(true);
      dirty = false;
    }
  }

  void renameTo(Path target) throws IOException {
    Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
    file = target;
  }

  @Override
  public void close() throws IOException {
    if (channel.isOpen()) {
      channel.close();
    }
  }

  void deleteFile() throws IOException {
    close();
    Files.deleteIfExists(file);
  }
}
