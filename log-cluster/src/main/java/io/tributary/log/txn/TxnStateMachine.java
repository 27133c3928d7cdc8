package io.tributary.log.txn;

import java.util.Collection;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * The transaction coordinator's decisions, pure: from what is known of a transactional id (null = nothing)
 * and a request, the answer and the value to write to {@code __transaction_state} before answering. No
 * threads, clocks or I/O: time comes in as {@code nowMs}, new producer ids from a supplier. Follows Kafka's
 * TransactionCoordinator (KIP-98, KIP-360 epoch bumps, KIP-588 PRODUCER_FENCED).
 */
public final class TxnStateMachine {
  /** An epoch at or above this is exhausted: the next bump takes a new producer id (Kafka's rule). */
  static final short MAX_USABLE_EPOCH = Short.MAX_VALUE - 1;

  private TxnStateMachine() {}

  /**
   * One decision.
   *
   * @param error the answer (given once {@code write} is durable, if there is one)
   * @param write the value to write with acks=all before answering; null = nothing to write
   * @param answer whose producer id and epoch the answer carries (InitProducerId); null when there is none
   * @param sendMarkers after the write, send the markers of {@code write} (it is PrepareCommit/PrepareAbort)
   */
  public record Step(Errors error, TxnMetadata write, TxnMetadata answer, boolean sendMarkers) {
    public Step {
      if (sendMarkers && (write == null || !write.state().isPreparing())) {
        throw new IllegalArgumentException("markers are sent only after a Prepare state is written");
      }
    }

    static Step refuse(Errors error) {
      return new Step(error, null, null, false);
    }

    static Step answer(TxnMetadata unchanged) {
      return new Step(Errors.NONE, null, unchanged, false);
    }

    static Step writeThenAnswer(TxnMetadata next) {
      return new Step(Errors.NONE, next, next, false);
    }
  }

  /**
   * InitProducerId with a transactional id: a new id at epoch 0, or the next epoch (fencing every producer
   * with an older one). An open transaction is aborted first with a bumped epoch; the client is told
   * CONCURRENT_TRANSACTIONS and retries until the abort completed. {@code expectedProducerId}/{@code
   * expectedEpoch} (-1 = none) are a KIP-360 producer recovering its own id.
   */
  public static Step initProducerId(TxnMetadata current, String transactionalId, int timeoutMs, int maxTimeoutMs,
      long expectedProducerId, short expectedEpoch, long nowMs, LongSupplier newProducerId) {
    if (timeoutMs <= 0 || timeoutMs > maxTimeoutMs) {
      return Step.refuse(Errors.INVALID_TRANSACTION_TIMEOUT);
    }
    if (current == null || current.state() == TxnState.DEAD) {
      TxnMetadata fresh = new TxnMetadata(transactionalId, newProducerId.getAsLong(), TxnMetadata.NO_PRODUCER_ID,
          (short) 0, TxnMetadata.NO_EPOCH, timeoutMs, TxnState.EMPTY, new TreeSet<>(), -1, nowMs);
      return Step.writeThenAnswer(fresh);
    }
    if (current.state().isPreparing() || current.state() == TxnState.PREPARE_EPOCH_FENCE) {
      return Step.refuse(Errors.CONCURRENT_TRANSACTIONS);
    }
    boolean recovering = expectedProducerId != TxnMetadata.NO_PRODUCER_ID;
    if (recovering) {
      boolean sameId = expectedProducerId == current.producerId();
      boolean retryOfBump = sameId && expectedEpoch == current.lastProducerEpoch() && current.state().isIdle();
      boolean retryAfterNewId = expectedProducerId == current.previousProducerId() && current.state().isIdle();
      if (retryOfBump || retryAfterNewId) {
        return Step.answer(current); // the earlier bump was written; the answer was lost
      }
      if (!sameId || expectedEpoch != current.producerEpoch()) {
        return Step.refuse(Errors.PRODUCER_FENCED);
      }
    }
    if (current.state() == TxnState.ONGOING) {
      return new Step(Errors.CONCURRENT_TRANSACTIONS, fenceAndAbort(current, nowMs), null, true);
    }
    return Step.writeThenAnswer(bumpEpoch(current, timeoutMs, nowMs, newProducerId));
  }

  /** The next epoch in an idle state, or a new producer id at epoch 0 once the epoch is exhausted. */
  private static TxnMetadata bumpEpoch(TxnMetadata m, int timeoutMs, long nowMs, LongSupplier newProducerId) {
    if (m.producerEpoch() >= MAX_USABLE_EPOCH) {
      return new TxnMetadata(m.transactionalId(), newProducerId.getAsLong(), m.producerId(), (short) 0,
          TxnMetadata.NO_EPOCH, timeoutMs, TxnState.EMPTY, new TreeSet<>(), -1, nowMs);
    }
    return new TxnMetadata(m.transactionalId(), m.producerId(), TxnMetadata.NO_PRODUCER_ID, (short) (m.producerEpoch() + 1),
        m.producerEpoch(), timeoutMs, TxnState.EMPTY, new TreeSet<>(), -1, nowMs);
  }

  /**
   * PrepareAbort of an open transaction with the epoch bumped (past PrepareEpochFence): the markers carry
   * the new epoch, so the old producer's late writes are refused. An exhausted epoch is not bumped.
   */
  private static TxnMetadata fenceAndAbort(TxnMetadata m, long nowMs) {
    if (!TxnState.PREPARE_EPOCH_FENCE.canFollow(m.state())) {
      throw new IllegalStateException(m.transactionalId() + ": cannot fence from " + m.state().kafkaName());
    }
    short epoch = m.producerEpoch() >= MAX_USABLE_EPOCH ? m.producerEpoch() : (short) (m.producerEpoch() + 1);
    return new TxnMetadata(m.transactionalId(), m.producerId(), m.previousProducerId(), epoch, m.producerEpoch(),
        m.timeoutMs(), TxnState.PREPARE_ABORT, m.partitions(), m.txnStartMs(), nowMs);
  }

  /** The error of a request carrying a producer id and epoch against what is known; NONE if they are current. */
  static Errors checkProducer(TxnMetadata current, long producerId, short epoch) {
    if (current == null || current.state() == TxnState.DEAD || producerId != current.producerId()) {
      return Errors.INVALID_PRODUCER_ID_MAPPING;
    }
    if (epoch != current.producerEpoch()) {
      return Errors.PRODUCER_FENCED;
    }
    return Errors.NONE;
  }

  /** AddPartitionsToTxn (client form) and AddOffsetsToTxn: the partitions join the transaction, opening it. */
  public static Step addPartitions(TxnMetadata current, long producerId, short epoch,
      Collection<TopicPartition> partitions, long nowMs) {
    Errors error = checkProducer(current, producerId, epoch);
    if (error != Errors.NONE) {
      return Step.refuse(error);
    }
    if (current.state().isPreparing() || current.state() == TxnState.PREPARE_EPOCH_FENCE) {
      return Step.refuse(Errors.CONCURRENT_TRANSACTIONS);
    }
    if (current.state() == TxnState.ONGOING && current.partitions().containsAll(partitions)) {
      return Step.answer(current);
    }
    SortedSet<TopicPartition> all = new TreeSet<>(TxnMetadata::compare);
    all.addAll(current.partitions());
    all.addAll(partitions);
    long start = current.state() == TxnState.ONGOING ? current.txnStartMs() : nowMs;
    return Step.writeThenAnswer(current.with(TxnState.ONGOING, TxnMetadata.sortedSet(all), start, nowMs));
  }

  /**
   * AddPartitionsToTxn v4+ verify-only (KIP-890 part 1), asked by a partition leader before it appends a
   * transactional batch: NONE if the partition is in the producer's open transaction, else why not.
   */
  public static Errors verify(TxnMetadata current, long producerId, short epoch, TopicPartition tp) {
    Errors error = checkProducer(current, producerId, epoch);
    if (error != Errors.NONE) {
      return error;
    }
    return current.state() == TxnState.ONGOING && current.partitions().contains(tp) ? Errors.NONE : Errors.INVALID_TXN_STATE;
  }

  /** EndTxn: an open transaction goes to PrepareCommit/PrepareAbort (markers follow); a retry of a finished one is answered again. */
  public static Step endTxn(TxnMetadata current, long producerId, short epoch, boolean commit, long nowMs) {
    Errors error = checkProducer(current, producerId, epoch);
    if (error != Errors.NONE) {
      return Step.refuse(error);
    }
    TxnState prepare = commit ? TxnState.PREPARE_COMMIT : TxnState.PREPARE_ABORT;
    TxnState complete = commit ? TxnState.COMPLETE_COMMIT : TxnState.COMPLETE_ABORT;
    TxnState state = current.state();
    if (state == TxnState.ONGOING) {
      TxnMetadata next = current.with(prepare, current.partitions(), current.txnStartMs(), nowMs);
      return new Step(Errors.NONE, next, next, true);
    }
    if (state == complete) {
      return Step.answer(current); // a retry: the outcome it asked for is done
    }
    if (state == prepare) {
      return Step.refuse(Errors.CONCURRENT_TRANSACTIONS);
    }
    return Step.refuse(Errors.INVALID_TXN_STATE);
  }

  /**
   * EndTxn v5+ (transactions v2, KIP-890 part 2, Kafka's TransactionCoordinator.endTransaction for TV_2): every
   * commit or abort bumps the epoch at its Prepare state, so the markers carry the new epoch and fence whatever
   * the producer sent before; the answer carries the producer id and epoch the client goes on with (a new id
   * at epoch 0 once the epoch is exhausted: {@code newProducerId} is then asked for one). The same epoch in a
   * later state is the next transaction, so a retry is recognised by its epoch being one below the current one
   * (or the old id at the last usable epoch, after a new id). An abort may come with no partition added.
   */
  public static Step endTxnV2(TxnMetadata current, long producerId, short epoch, boolean commit, long nowMs,
      LongSupplier newProducerId) {
    if (current == null || current.state() == TxnState.DEAD) {
      return Step.refuse(Errors.INVALID_PRODUCER_ID_MAPPING);
    }
    boolean retryOnOverflow = current.previousProducerId() == producerId && epoch == MAX_USABLE_EPOCH
        && current.producerEpoch() == 0;
    boolean retryOnEpochBump = current.producerId() == producerId && current.producerEpoch() == epoch + 1;
    if (current.producerId() != producerId && !retryOnOverflow) {
      return Step.refuse(Errors.INVALID_PRODUCER_ID_MAPPING);
    }
    TxnState state = current.state();
    boolean sameEpoch = current.producerId() == producerId && epoch == current.producerEpoch();
    boolean validEpoch = switch (state) {
      case ONGOING, EMPTY, PREPARE_EPOCH_FENCE, DEAD -> sameEpoch;
      case PREPARE_COMMIT, PREPARE_ABORT -> retryOnEpochBump;
      case COMPLETE_COMMIT, COMPLETE_ABORT -> retryOnEpochBump || retryOnOverflow || sameEpoch;
    };
    if (!validEpoch) {
      return Step.refuse(Errors.PRODUCER_FENCED);
    }
    boolean retry = retryOnEpochBump || retryOnOverflow;
    return switch (state) {
      case ONGOING -> prepareV2(current, commit ? TxnState.PREPARE_COMMIT : TxnState.PREPARE_ABORT, nowMs, newProducerId);
      case EMPTY -> commit ? Step.refuse(Errors.INVALID_TXN_STATE)
          : prepareV2(current, TxnState.PREPARE_ABORT, nowMs, newProducerId);
      case COMPLETE_COMMIT -> commit ? (retry ? Step.answer(current) : Step.refuse(Errors.INVALID_TXN_STATE))
          : (retry ? Step.refuse(Errors.INVALID_TXN_STATE) : prepareV2(current, TxnState.PREPARE_ABORT, nowMs, newProducerId));
      case COMPLETE_ABORT -> !commit ? (retry ? Step.answer(current) : prepareV2(current, TxnState.PREPARE_ABORT, nowMs,
          newProducerId)) : Step.refuse(Errors.INVALID_TXN_STATE);
      case PREPARE_COMMIT -> Step.refuse(commit ? Errors.CONCURRENT_TRANSACTIONS : Errors.INVALID_TXN_STATE);
      case PREPARE_ABORT -> Step.refuse(commit ? Errors.INVALID_TXN_STATE : Errors.CONCURRENT_TRANSACTIONS);
      case PREPARE_EPOCH_FENCE, DEAD -> Step.refuse(Errors.CONCURRENT_TRANSACTIONS);
    };
  }

  /**
   * The v2 Prepare state: the epoch bumped (Kafka's prepareAbortOrCommit for TV_2); from the last usable epoch
   * to the one above it with a new id to hand over to. The answer is the producer as its Complete state will be.
   */
  private static Step prepareV2(TxnMetadata m, TxnState prepare, long nowMs, LongSupplier newProducerId) {
    long next = m.producerEpoch() >= MAX_USABLE_EPOCH ? newProducerId.getAsLong() : TxnMetadata.NO_PRODUCER_ID;
    // An abort with no partition added starts and ends now.
    long start = m.partitions().isEmpty() ? nowMs : m.txnStartMs();
    TxnMetadata prepared = new TxnMetadata(m.transactionalId(), m.producerId(), m.previousProducerId(),
        (short) (m.producerEpoch() + 1), m.producerEpoch(), m.timeoutMs(), prepare, m.partitions(), start, nowMs, next);
    return new Step(Errors.NONE, prepared, answerAfterMarkers(prepared), true);
  }

  /** Whose producer id and epoch the client continues with once {@code prepared}'s markers are written. */
  static TxnMetadata answerAfterMarkers(TxnMetadata prepared) {
    if (prepared.nextProducerId() == TxnMetadata.NO_PRODUCER_ID) {
      return prepared;
    }
    return new TxnMetadata(prepared.transactionalId(), prepared.nextProducerId(), prepared.producerId(), (short) 0,
        prepared.lastProducerEpoch(), prepared.timeoutMs(), prepared.state(), prepared.partitions(), prepared.txnStartMs(),
        prepared.lastUpdateMs());
  }

  /** Every marker of a PrepareCommit/PrepareAbort was written: CompleteCommit/CompleteAbort, no partitions. */
  public static TxnMetadata markersWritten(TxnMetadata current, long nowMs) {
    TxnState next = switch (current.state()) {
      case PREPARE_COMMIT -> TxnState.COMPLETE_COMMIT;
      case PREPARE_ABORT -> TxnState.COMPLETE_ABORT;
      default -> throw new IllegalStateException(current.transactionalId() + ": markers written in state "
          + current.state().kafkaName());
    };
    if (current.nextProducerId() != TxnMetadata.NO_PRODUCER_ID) {
      // Transactions v2, epoch exhausted: the markers went out with the old id; the producer continues with the new one.
      return new TxnMetadata(current.transactionalId(), current.nextProducerId(), current.producerId(), (short) 0,
          current.lastProducerEpoch(), current.timeoutMs(), next, new TreeSet<>(), -1, nowMs);
    }
    return current.with(next, new TreeSet<>(), -1, nowMs);
  }

  /**
   * The abort of a transaction open longer than its {@code transaction.timeout.ms}, with the epoch bumped
   * so that its producer is fenced; null if it has not timed out.
   */
  public static TxnMetadata abortIfTimedOut(TxnMetadata current, long nowMs) {
    if (current.state() != TxnState.ONGOING || nowMs - current.txnStartMs() <= current.timeoutMs()) {
      return null;
    }
    return fenceAndAbort(current, nowMs);
  }

  /** Dead (a tombstone follows) for an id idle longer than {@code transactional.id.expiration.ms}; null if not. */
  public static TxnMetadata expireIfIdle(TxnMetadata current, long nowMs, long expirationMs) {
    if (!current.state().isIdle() || nowMs - current.lastUpdateMs() < expirationMs) {
      return null;
    }
    return current.with(TxnState.DEAD, new TreeSet<>(), -1, nowMs);
  }
}
