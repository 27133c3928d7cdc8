package io.tributary.log.storage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.kafka.common.record.FileRecords;
import org.apache.kafka.common.record.FileRecords.TimestampAndOffset;

/**
 * The segments of one partition log by base offset, the newest being the active one that takes appends, and
 * the questions answered by walking them. Changes are made under the owning {@link PartitionLog}'s lock;
 * reads may run concurrently with them (a concurrent skip-list map, so a walk never fails, and sees each
 * segment either before or after a change).
 */
final class LogSegments {
  private final ConcurrentSkipListMap<Long, Segment> byBaseOffset = new ConcurrentSkipListMap<>();

  void add(Segment segment) {
    byBaseOffset.put(segment.baseOffset(), segment);
  }

  Segment get(long baseOffset) {
    return byBaseOffset.get(baseOffset);
  }

  Segment remove(long baseOffset) {
    return byBaseOffset.remove(baseOffset);
  }

  /** Removes and returns the oldest segment. */
  Segment removeFirst() {
    return byBaseOffset.pollFirstEntry().getValue();
  }

  /** Removes every segment and returns them, oldest first. */
  List<Segment> removeAll() {
    List<Segment> all = new ArrayList<>(byBaseOffset.values());
    byBaseOffset.clear();
    return all;
  }

  boolean isEmpty() {
    return byBaseOffset.isEmpty();
  }

  int count() {
    return byBaseOffset.size();
  }

  long firstBaseOffset() {
    return byBaseOffset.firstKey();
  }

  /** The segment that takes appends: the one with the highest base offset. */
  Segment active() {
    return byBaseOffset.lastEntry().getValue();
  }

  /** A live view, oldest first. */
  Collection<Segment> all() {
    return byBaseOffset.values();
  }

  /** A copy of the base offsets, oldest first. */
  List<Long> baseOffsets() {
    return new ArrayList<>(byBaseOffset.keySet());
  }

  /** A copy of the base offsets above offset, oldest first. */
  List<Long> baseOffsetsAbove(long offset) {
    return new ArrayList<>(byBaseOffset.tailMap(offset, false).keySet());
  }

  long sizeInBytes() {
    long total = 0;
    for (Segment s : byBaseOffset.values()) {
      total += s.sizeInBytes();
    }
    return total;
  }

  /**
   * The aborted transactions that overlap the offsets [fetchOffset, upperBoundOffset), from the aborted-transaction
   * indexes of the segment holding fetchOffset and the later ones, in marker order: what a read_committed fetch
   * returns with the records it read. An entry sits in its marker's segment, which may lie past the upper bound,
   * so the walk stops only at an entry whose stable offset reached the bound (or at the log end), as Kafka's.
   */
  List<AbortedTxn> abortedTransactions(long fetchOffset, long upperBoundOffset) {
    List<AbortedTxn> out = new ArrayList<>();
    for (Segment s : from(fetchOffset)) {
      if (s.txnIndex().collect(fetchOffset, upperBoundOffset, out)) {
        break;
      }
    }
    return out;
  }

  /** The segments that may hold offsets at or above offset: from the one holding it (or the first) on. */
  Collection<Segment> from(long offset) {
    Long fromBase = byBaseOffset.floorKey(offset);
    return (fromBase == null ? byBaseOffset : byBaseOffset.tailMap(fromBase, true)).values();
  }

  /**
   * The read of {@link PartitionLog#read} once startOffset is known to be in range: whole batches from the
   * segment holding it, or from the next segment when compaction emptied the rest of that one. Null when the
   * next batch is excluded by maxBytes or maxOffsetExclusive, or there is none.
   */
  FileRecords read(long startOffset, int maxBytes, long maxOffsetExclusive, boolean minOneBatch) throws IOException {
    Map.Entry<Long, Segment> e = byBaseOffset.floorEntry(startOffset);
    if (e == null) {
      e = byBaseOffset.firstEntry();
    }
    while (e != null) {
      Segment seg = e.getValue();
      if (seg.baseOffset() >= maxOffsetExclusive) {
        break;
      }
      FileRecords r = seg.read(startOffset, maxBytes, maxOffsetExclusive, minOneBatch);
      if (r != null) {
        return r;
      }
      if (seg.positionOf(startOffset) >= 0) {
        break; // the next batch is there but excluded by maxBytes or maxOffsetExclusive
      }
      e = byBaseOffset.higherEntry(e.getKey());
    }
    return null;
  }

  /** The first record at or after logStartOffset whose timestamp is >= timestampMs, or null. */
  TimestampAndOffset findOffsetByTimestamp(long timestampMs, long logStartOffset) throws IOException {
    for (Segment seg : byBaseOffset.values()) {
      if (seg.nextOffset() <= logStartOffset) {
        continue;
      }
      TimestampAndOffset r = seg.findOffsetByTimestamp(timestampMs, logStartOffset);
      if (r != null) {
        return r;
      }
    }
    return null;
  }

  /** Dirty bytes (inactive segments holding offsets at or above the cleaner checkpoint) over all inactive bytes. */
  double dirtyRatio(long cleanerCheckpoint) {
    long total = 0;
    long dirty = 0;
    Segment active = active();
    for (Segment s : byBaseOffset.values()) {
      if (s == active) {
        break;
      }
      total += s.sizeInBytes();
      if (s.nextOffset() > cleanerCheckpoint) {
        dirty += s.sizeInBytes();
      }
    }
    return total == 0 ? 0 : (double) dirty / total;
  }

  void closeAll() throws IOException {
    for (Segment s : byBaseOffset.values()) {
      s.close();
    }
  }
}
