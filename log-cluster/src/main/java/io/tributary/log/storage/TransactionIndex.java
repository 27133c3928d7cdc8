package io.tributary.log.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The aborted-transaction index of one segment, {@code <base>.txnindex}: one entry per ABORT marker written in
 * the segment, in marker order, in Kafka's layout (34 bytes, big endian): short version=0, long producerId, long
 * firstOffset, long lastOffset (the marker's offset), long lastStableOffset (the LSO once the transaction closed).
 * A read_committed fetch returns the entries overlapping what it read, so the consumer can drop the aborted records.
 *
 * <p>Unlike the offset and time indexes it is not rebuilt from the segment alone (the first offset of a transaction
 * may lie in an earlier segment): the producer-state replay of recovery rewrites the entries after its snapshot.
 * A torn file keeps its whole entries.
 */
final class TransactionIndex extends AbstractIndex {
  static final String SUFFIX = ".txnindex";
  private static final short VERSION = 0;
  private static final int ENTRY_BYTES = 2 + 8 + 8 + 8 + 8;

  private final List<AbortedTxn> aborted = new ArrayList<>();

  TransactionIndex(Path file, long baseOffset) throws IOException {
    super(file, baseOffset, Integer.MAX_VALUE);
  }

  static Path file(Path dir, long baseOffset) {
    return dir.resolve(Segment.fileName(baseOffset) + SUFFIX);
  }

  @Override
  int entrySize() {
    return ENTRY_BYTES;
  }

  /** Called by {@link #load} before the entries are parsed: they replace what memory held. */
  @Override
  void ensureCapacity(int n) {
    aborted.clear();
  }

  @Override
  void loadEntry(ByteBuffer buf, int slot) {
    short version = buf.getShort();
    if (version != VERSION) {
      throw new IllegalStateException("unknown aborted-transaction index entry version " + version + " in " + file);
    }
    aborted.add(new AbortedTxn(buf.getLong(), buf.getLong(), buf.getLong(), buf.getLong()));
  }

  /** Loads the file; a torn tail (a partial entry written by a crash) is cut off first. */
  synchronized void loadKeepingWholeEntries() throws IOException {
    if (!load()) {
      long whole = channel.size() / ENTRY_BYTES;
      channel.truncate(whole * ENTRY_BYTES);
      load();
    }
  }

  /** Appends the entry of an aborted transaction; markers come in offset order. */
  synchronized void append(AbortedTxn txn) throws IOException {
    if (!aborted.isEmpty() && aborted.get(aborted.size() - 1).lastOffset() >= txn.lastOffset()) {
      throw new IllegalStateException("aborted transaction ending at " + txn.lastOffset() + " appended to " + file
          + " after one ending at " + aborted.get(aborted.size() - 1).lastOffset());
    }
    ByteBuffer entry = ByteBuffer.allocate(ENTRY_BYTES);
    entry.putShort(VERSION).putLong(txn.producerId()).putLong(txn.firstOffset()).putLong(txn.lastOffset())
        .putLong(txn.lastStableOffset()).flip();
    writeEntry(entry);
    entries++;
    aborted.add(txn);
  }

  /**
   * Adds to {@code out} the aborted transactions that overlap the offsets [fetchOffset, upperBoundOffset) and
   * returns true when no later segment can hold one (an entry here was written when the LSO had already reached
   * the upper bound, so every transaction open below the bound closed before it).
   */
  synchronized boolean collect(long fetchOffset, long upperBoundOffset, List<AbortedTxn> out) {
    for (AbortedTxn txn : aborted) {
      if (txn.lastOffset() >= fetchOffset && txn.firstOffset() < upperBoundOffset) {
        out.add(txn);
      }
      if (txn.lastStableOffset() >= upperBoundOffset) {
        return true;
      }
    }
    return false;
  }

  /** Drops the entries whose marker is at or after {@code offset} (the log was truncated there). */
  synchronized void truncateTo(long offset) throws IOException {
    int keep = 0;
    while (keep < aborted.size() && aborted.get(keep).lastOffset() < offset) {
      keep++;
    }
    truncateToSlot(keep);
  }

  @Override
  protected synchronized void truncateToSlot(int slot) throws IOException {
    super.truncateToSlot(slot);
    while (aborted.size() > entries) {
      aborted.remove(aborted.size() - 1);
    }
  }

  @Override
  synchronized void reset() throws IOException {
    super.reset();
    aborted.clear();
  }

  @Override
  synchronized void rollBackTo(int entryCount) throws IOException {
    super.rollBackTo(entryCount);
    while (aborted.size() > entries) {
      aborted.remove(aborted.size() - 1);
    }
  }

  synchronized List<AbortedTxn> all() {
    return List.copyOf(aborted);
  }
}
