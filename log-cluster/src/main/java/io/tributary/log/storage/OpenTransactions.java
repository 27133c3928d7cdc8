package io.tributary.log.storage;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The transactions open on one partition: per producer id, the offset of its first transactional batch not yet
 * closed by a COMMIT or ABORT marker. The smallest of those offsets is the partition's first unstable offset; the
 * last stable offset (LSO) is that or the high watermark, whichever is lower (Kafka's KIP-98 rule), so a
 * read_committed consumer never reads past a transaction whose outcome is unknown.
 *
 * <p>Pure: no files, clock or locks (the caller serialises access). At most one transaction per producer id
 * is open at a time, as a producer starts its next transaction only after the marker of the previous one.
 */
final class OpenTransactions {
  /** A transaction closed by a marker: the offsets of its first batch and of the marker. */
  record CompletedTxn(long producerId, long firstOffset, long lastOffset, boolean aborted) {
    /**
     * The transaction a marker at {@code markerOffset} closes. A marker for a producer without an open
     * transaction here (the coordinator writes markers to every partition it added, data or not) closes an
     * empty transaction that starts at the marker itself, as in Kafka.
     *
     * @param openFirstOffset the first offset of the producer's open transaction, or -1 when none is open
     */
    static CompletedTxn closedBy(long producerId, long openFirstOffset, long markerOffset, boolean aborted) {
      return new CompletedTxn(producerId, openFirstOffset >= 0 ? openFirstOffset : markerOffset, markerOffset, aborted);
    }

    CompletedTxn {
      if (firstOffset > lastOffset) {
        throw new IllegalArgumentException("transaction of producer " + producerId + " starts at " + firstOffset
            + " after its marker at " + lastOffset);
      }
    }
  }

  private final Map<Long, Long> firstOffsetByProducer = new HashMap<>();
  /** first offset -> producer id; first offsets are unique, as each is the offset of a different batch. */
  private final TreeMap<Long, Long> producerByFirstOffset = new TreeMap<>();

  /** Records that {@code producerId} has a transaction starting at {@code firstOffset}; a no-op when one is open. */
  void open(long producerId, long firstOffset) {
    if (firstOffsetByProducer.putIfAbsent(producerId, firstOffset) == null) {
      producerByFirstOffset.put(firstOffset, producerId);
    }
  }

  /** Forgets the producer's open transaction, if any (its marker was written, or the log was truncated). */
  void remove(long producerId) {
    Long first = firstOffsetByProducer.remove(producerId);
    if (first != null) {
      producerByFirstOffset.remove(first);
    }
  }

  /** The first offset of the producer's open transaction, if it has one. */
  OptionalLong firstOffsetOf(long producerId) {
    Long first = firstOffsetByProducer.get(producerId);
    return first == null ? OptionalLong.empty() : OptionalLong.of(first);
  }

  /** The first offset of the oldest open transaction: nothing at or after it is stable. */
  OptionalLong firstUnstableOffset() {
    return producerByFirstOffset.isEmpty() ? OptionalLong.empty() : OptionalLong.of(producerByFirstOffset.firstKey());
  }

  /**
   * The last stable offset an aborted-transaction index entry records for {@code completed}, once it is closed:
   * the first offset of the oldest transaction still open, or the offset after the marker. A read_committed
   * fetch below it needs no later index entry (Kafka's {@code AbortedTxn.lastStableOffset}).
   */
  long lastStableOffsetAfter(CompletedTxn completed) {
    for (Map.Entry<Long, Long> e : producerByFirstOffset.entrySet()) {
      if (e.getValue() != completed.producerId()) {
        return e.getKey();
      }
    }
    return completed.lastOffset() + 1;
  }

  int size() {
    return firstOffsetByProducer.size();
  }

  void clear() {
    firstOffsetByProducer.clear();
    producerByFirstOffset.clear();
  }

  /** The last stable offset: below the high watermark and below the oldest open transaction. */
  static long lastStableOffset(long highWatermark, OptionalLong firstUnstableOffset) {
    return firstUnstableOffset.isPresent() ? Math.min(highWatermark, firstUnstableOffset.getAsLong()) : highWatermark;
  }
}
