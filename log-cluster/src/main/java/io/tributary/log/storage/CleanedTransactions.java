package io.tributary.log.storage;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What compaction does with transactions (Kafka's {@code CleanedTransactionMetadata}), fed the batches of the cleaned
 * range in offset order: a transactional batch of an aborted transaction is removed; a marker stays while any batch
 * of its transaction is still in the log, and once none is, it may go too (after {@code delete.retention.ms}, through
 * the delete horizon, like a tombstone) — so a read_committed consumer never sees aborted records lose their abort.
 *
 * <p>Pure: it knows only the aborted transactions of the range (from the aborted-transaction indexes) and the
 * batches it is shown. The cleaned range ends below the last stable offset, so every transaction in it is closed.
 */
final class CleanedTransactions {
  /** The aborted transactions not yet reached, by first offset. */
  private final Deque<AbortedTxn> notYetStarted;
  /** Aborted transactions the walk is inside of, by producer id: whether a batch of theirs was seen (and removed). */
  private final Map<Long, Boolean> ongoingAborted = new HashMap<>();
  /** Producers whose committed transaction had a batch in the walk since its start. */
  private final Set<Long> ongoingCommitted = new HashSet<>();

  CleanedTransactions(List<AbortedTxn> aborted) {
    this.notYetStarted = new ArrayDeque<>(aborted.stream().sorted(Comparator.comparingLong(AbortedTxn::firstOffset)).toList());
  }

  /** A data batch: returns true when it belongs to an aborted transaction, so the cleaner removes it. */
  boolean discardDataBatch(long producerId, boolean transactional, long lastOffset) {
    startAbortedUpTo(lastOffset);
    if (!transactional) {
      return false;
    }
    if (ongoingAborted.containsKey(producerId)) {
      ongoingAborted.put(producerId, true);
      return true;
    }
    ongoingCommitted.add(producerId);
    return false;
  }

  /**
   * A COMMIT or ABORT marker: returns true when no batch of its transaction was seen in the walk (none is left in
   * the log), so the marker may be removed once its delete horizon passed.
   */
  boolean markerDiscardable(long producerId, long offset, boolean abort) {
    startAbortedUpTo(offset);
    if (abort) {
      Boolean sawBatch = ongoingAborted.remove(producerId);
      return sawBatch == null || !sawBatch;
    }
    return !ongoingCommitted.remove(producerId);
  }

  private void startAbortedUpTo(long offset) {
    while (!notYetStarted.isEmpty() && notYetStarted.peekFirst().firstOffset() <= offset) {
      ongoingAborted.putIfAbsent(notYetStarted.pollFirst().producerId(), false);
    }
  }
}
