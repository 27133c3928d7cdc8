package io.tributary.log.txn;

import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.RecordBatch;

/**
 * What the coordinator knows of one transactional id, immutable: each transition builds the next value,
 * which is written to {@code __transaction_state} before it replaces this one.
 *
 * @param producerId the id the producer writes with now
 * @param previousProducerId the id before the last epoch exhaustion (-1 if none): a retried InitProducerId
 *     of a producer that still has it is recognised (KIP-360)
 * @param producerEpoch the epoch the producer writes with now; markers carry it
 * @param lastProducerEpoch the epoch before the last bump (-1 if none): a retry with it is not a zombie
 * @param timeoutMs the producer's {@code transaction.timeout.ms}
 * @param partitions the partitions of the open (or finishing) transaction, sorted
 * @param txnStartMs when the open transaction started (-1 when none is open)
 * @param lastUpdateMs when this value was made
 * @param nextProducerId transactions v2 (KIP-890 part 2): the id a PrepareCommit/PrepareAbort that exhausted the
 *     epoch hands over to at its Complete state, at epoch 0 (-1 if none)
 */
public record TxnMetadata(String transactionalId, long producerId, long previousProducerId, short producerEpoch,
                          short lastProducerEpoch, int timeoutMs, TxnState state, SortedSet<TopicPartition> partitions,
                          long txnStartMs, long lastUpdateMs, long nextProducerId) {
  public static final short NO_EPOCH = RecordBatch.NO_PRODUCER_EPOCH;
  public static final long NO_PRODUCER_ID = RecordBatch.NO_PRODUCER_ID;

  /** A value with no producer id handed over (every transition but a v2 prepare that exhausts the epoch). */
  public TxnMetadata(String transactionalId, long producerId, long previousProducerId, short producerEpoch,
      short lastProducerEpoch, int timeoutMs, TxnState state, SortedSet<TopicPartition> partitions, long txnStartMs,
      long lastUpdateMs) {
    this(transactionalId, producerId, previousProducerId, producerEpoch, lastProducerEpoch, timeoutMs, state, partitions,
        txnStartMs, lastUpdateMs, NO_PRODUCER_ID);
  }

  public TxnMetadata {
    partitions = unmodifiableSorted(partitions);
    if (nextProducerId != NO_PRODUCER_ID && !state.isPreparing()) {
      throw new IllegalArgumentException(transactionalId + ": next producer id " + nextProducerId + " in state "
          + state.kafkaName() + " (only a PrepareCommit/PrepareAbort hands over to a new producer id)");
    }
    // Invariants every written value keeps: a transaction open or finishing has partitions; idle ones none.
    if (state.isIdle() || state == TxnState.DEAD) {
      if (!partitions.isEmpty()) {
        throw new IllegalArgumentException(transactionalId + ": state " + state.kafkaName() + " with partitions " + partitions);
      }
    }
    if (timeoutMs <= 0) {
      throw new IllegalArgumentException(transactionalId + ": transaction timeout " + timeoutMs + " ms");
    }
  }

  private static SortedSet<TopicPartition> unmodifiableSorted(Set<TopicPartition> partitions) {
    TreeSet<TopicPartition> sorted = new TreeSet<>(TxnMetadata::compare);
    sorted.addAll(partitions);
    return Collections.unmodifiableSortedSet(sorted);
  }

  static int compare(TopicPartition a, TopicPartition b) {
    int byTopic = a.topic().compareTo(b.topic());
    return byTopic != 0 ? byTopic : Integer.compare(a.partition(), b.partition());
  }

  /** A sorted set of partitions, in the order this record keeps them. */
  static SortedSet<TopicPartition> sortedSet(Set<TopicPartition> partitions) {
    return unmodifiableSorted(partitions);
  }

  TxnMetadata with(TxnState nextState, SortedSet<TopicPartition> nextPartitions, long nextTxnStartMs, long nowMs) {
    return new TxnMetadata(transactionalId, producerId, previousProducerId, producerEpoch, lastProducerEpoch, timeoutMs,
        nextState, nextPartitions, nextTxnStartMs, nowMs, nextState.isPreparing() ? nextProducerId : NO_PRODUCER_ID);
  }
}
