package io.tributary.log.storage;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The cleaner's key → latest offset map, bounded by {@code log.cleaner.dedupe.buffer.size} (Kafka's
 * {@code SkimpyOffsetMap}): a key is stored as its 16-byte MD5 hash next to an 8-byte offset, 24 bytes a slot, in
 * an open-addressing table filled to at most {@link #LOAD_FACTOR} ({@code log.cleaner.io.buffer.load.factor}).
 * A new key is refused once the map holds {@link #maxEntries()} keys; the pass then ends at
 * {@link #latestOffset()} + 1 ("the map is full") and the next pass continues from there.
 *
 * <p>Collision policy, as Kafka: two keys with the same MD5 count as one key, so the older one's records would be
 * removed as superseded. The chance is about n²/2¹²⁹ for n distinct keys (below 10⁻²⁰ for a billion keys); Kafka
 * accepts it and so does this map.
 *
 * <p>Unlike Kafka's, which allocates the whole buffer up front, the table starts small and doubles on demand up to
 * the buffer, so a broker with few compacted keys does not hold 128 MiB (while doubling, the old and new tables
 * coexist: at most 1.5 times the buffer for that moment).
 */
final class DedupeOffsetMap {
  /** One slot: 16-byte MD5 hash + 8-byte offset. */
  static final int BYTES_PER_ENTRY = 24;
  /** Kafka's default log.cleaner.io.buffer.load.factor: slots filled at most, so probes stay short. */
  static final double LOAD_FACTOR = 0.9;
  /** Smallest buffer that holds one key at the load factor (two slots). */
  static final long MIN_BUFFER_BYTES = 2L * BYTES_PER_ENTRY;
  private static final int INITIAL_SLOTS = 1024;
  private static final long EMPTY = -1L;

  private final int maxSlots;
  private final int maxEntries;
  private final MessageDigest md5;
  private long[] hashHigh;
  private long[] hashLow;
  private long[] offsets;
  private int size;
  private long latestOffset = -1L;

  /** A map of at most {@code bufferBytes} (capped at 2 GiB, as Kafka caps its buffer to one int-sized allocation). */
  DedupeOffsetMap(long bufferBytes) {
    if (bufferBytes < MIN_BUFFER_BYTES) {
      throw new IllegalArgumentException("log.cleaner.dedupe.buffer.size of " + bufferBytes + " bytes holds no key: at least "
          + MIN_BUFFER_BYTES + " bytes (two " + BYTES_PER_ENTRY + "-byte slots at load factor " + LOAD_FACTOR + ") are needed");
    }
    this.maxSlots = (int) (Math.min(bufferBytes, Integer.MAX_VALUE) / BYTES_PER_ENTRY);
    this.maxEntries = (int) (maxSlots * LOAD_FACTOR);
    try {
      this.md5 = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is required of every Java platform", e);
    }
    allocate(Math.min(maxSlots, INITIAL_SLOTS));
  }

  /** Keys the map holds at most. */
  int maxEntries() {
    return maxEntries;
  }

  int size() {
    return size;
  }

  boolean isFull() {
    return size >= maxEntries;
  }

  /** The offset of the last put (or batch passed, {@link #updateLatestOffset}); -1 when none. */
  long latestOffset() {
    return latestOffset;
  }

  void updateLatestOffset(long offset) {
    latestOffset = offset;
  }

  /**
   * Records {@code offset} as the latest of {@code key}. A key already present is always updated; a new key is
   * refused (false, nothing changes) when the map is full.
   */
  boolean put(ByteBuffer key, long offset) {
    long[] h = hash(key);
    int slot = find(h[0], h[1]);
    if (offsets[slot] == EMPTY) {
      if (isFull()) {
        return false;
      }
      if (size + 1 > (long) (offsets.length * LOAD_FACTOR) && offsets.length < maxSlots) {
        grow();
        slot = find(h[0], h[1]);
      }
      hashHigh[slot] = h[0];
      hashLow[slot] = h[1];
      size++;
    }
    offsets[slot] = offset;
    latestOffset = offset;
    return true;
  }

  /** The latest offset of {@code key}, or -1 when the map does not hold it. */
  long get(ByteBuffer key) {
    long[] h = hash(key);
    return offsets[find(h[0], h[1])];
  }

  void clear() {
    Arrays.fill(offsets, EMPTY);
    size = 0;
    latestOffset = -1L;
  }

  /** The slot holding this hash, or the empty slot where it would go (linear probing; never full, see LOAD_FACTOR). */
  private int find(long high, long low) {
    int slot = (int) Long.remainderUnsigned(low, offsets.length);
    while (offsets[slot] != EMPTY && (hashHigh[slot] != high || hashLow[slot] != low)) {
      slot = slot + 1 == offsets.length ? 0 : slot + 1;
    }
    return slot;
  }

  private void grow() {
    long[] oldHigh = hashHigh;
    long[] oldLow = hashLow;
    long[] oldOffsets = offsets;
    allocate((int) Math.min(maxSlots, 2L * oldOffsets.length));
    for (int i = 0; i < oldOffsets.length; i++) {
      if (oldOffsets[i] != EMPTY) {
        int slot = find(oldHigh[i], oldLow[i]);
        hashHigh[slot] = oldHigh[i];
        hashLow[slot] = oldLow[i];
        offsets[slot] = oldOffsets[i];
      }
    }
  }

  private void allocate(int slots) {
    hashHigh = new long[slots];
    hashLow = new long[slots];
    offsets = new long[slots];
    Arrays.fill(offsets, EMPTY);
  }

  private long[] hash(ByteBuffer key) {
    md5.update(key.duplicate());
    ByteBuffer digest = ByteBuffer.wrap(md5.digest());
    return new long[] {digest.getLong(), digest.getLong()};
  }
}
