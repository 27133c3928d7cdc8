package io.tributary.log.broker;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * Keeps a producer's appends to a partition in the order of its requests while some of them wait for a
 * transaction verification (KIP-890 part 1).
 *
 * <p>Why: a connection's next request is handled as soon as the one before it has parked its answer, and that
 * one may still be waiting for the coordinator. A later batch of the same producer that needs no verification
 * (because an earlier one, verified and appended meanwhile, opened the transaction on the partition) would be
 * appended ahead of the batches between them that still wait, and refused as OUT_OF_ORDER_SEQUENCE_NUMBER; the
 * producer, which gets the answers in order and sees the earlier batches succeed, cannot retry it. Kafka avoids
 * this by muting a connection until its request is answered. Here, a batch of a producer that has an unfinished
 * append on the partition waits for it, and decides about verification only then.
 *
 * <p>Only appends that wait are tracked: a producer with none pays one map lookup per transactional batch.
 */
final class ProducerAppendOrder {
  /** A producer's appends to one partition. */
  record Key(TopicPartition tp, long producerId) {}

  private final Map<Key, CompletableFuture<Void>> last = new HashMap<>();

  /** The last unfinished append of {@code key} (not yet written or refused), or null when there is none. */
  synchronized CompletableFuture<Void> unfinished(Key key) {
    CompletableFuture<Void> f = last.get(key);
    return f == null || f.isDone() ? null : f;
  }

  /**
   * Makes {@code appended}, which completes once its batch is written or refused, the last append of
   * {@code key}: a later batch of {@code key} waits for it. Forgotten when it completes.
   */
  void add(Key key, CompletableFuture<Void> appended) {
    synchronized (this) {
      last.put(key, appended);
    }
    appended.whenComplete((ignored, error) -> forget(key, appended));
  }

  private synchronized void forget(Key key, CompletableFuture<Void> appended) {
    last.remove(key, appended);
  }

  /** How many producer-partitions have an unfinished append (tests). */
  synchronized int size() {
    return last.size();
  }
}
