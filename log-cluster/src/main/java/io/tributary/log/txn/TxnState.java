package io.tributary.log.txn;

import java.util.EnumSet;
import java.util.Set;

/**
 * The states of one transactional id at its coordinator, as Kafka names them (KIP-98), with the states
 * each may be entered from. A transition not listed is a bug, and {@link #canFollow} says so.
 */
public enum TxnState {
  /** Has a producer id and epoch, no transaction open. */
  EMPTY("Empty"),
  /** A transaction is open: partitions have been added. */
  ONGOING("Ongoing"),
  /** EndTxn(commit) accepted and written; markers are being sent. */
  PREPARE_COMMIT("PrepareCommit"),
  /** EndTxn(abort), a timeout or a fence accepted and written; markers are being sent. */
  PREPARE_ABORT("PrepareAbort"),
  /** Every commit marker was written. */
  COMPLETE_COMMIT("CompleteCommit"),
  /** Every abort marker was written. */
  COMPLETE_ABORT("CompleteAbort"),
  /** A new producer (InitProducerId) or a timeout fences an open transaction: abort follows with a bumped epoch. */
  PREPARE_EPOCH_FENCE("PrepareEpochFence"),
  /** Expired ({@code transactional.id.expiration.ms}): a tombstone is written and the id forgotten. */
  DEAD("Dead");

  private final String kafkaName;

  TxnState(String kafkaName) {
    this.kafkaName = kafkaName;
  }

  /** The name Kafka's tools print (DescribeTransactions, ListTransactions filters). */
  public String kafkaName() {
    return kafkaName;
  }

  public static TxnState fromKafkaName(String name) {
    for (TxnState s : values()) {
      if (s.kafkaName.equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown transaction state " + name);
  }

  /** The states this one may be entered from (Kafka's TransactionState.validPreviousStates). */
  public Set<TxnState> previousStates() {
    return switch (this) {
      case EMPTY -> EnumSet.of(EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT);
      case ONGOING -> EnumSet.of(ONGOING, EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT);
      case PREPARE_COMMIT -> EnumSet.of(ONGOING);
      // Transactions v2: an abort may come with no partition added (the client cannot know whether its
      // produce reached the broker), from an idle state.
      case PREPARE_ABORT -> EnumSet.of(ONGOING, PREPARE_EPOCH_FENCE, EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT);
      case COMPLETE_COMMIT -> EnumSet.of(PREPARE_COMMIT);
      case COMPLETE_ABORT -> EnumSet.of(PREPARE_ABORT);
      case PREPARE_EPOCH_FENCE -> EnumSet.of(ONGOING);
      case DEAD -> EnumSet.of(EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT);
    };
  }

  public boolean canFollow(TxnState previous) {
    return previousStates().contains(previous);
  }

  /** Markers are being written: the coordinator finishes it (again, after a failover) before anything else. */
  public boolean isPreparing() {
    return this == PREPARE_COMMIT || this == PREPARE_ABORT;
  }

  /** No transaction open and none finishing: a new one may start, the id may expire. */
  public boolean isIdle() {
    return this == EMPTY || this == COMPLETE_COMMIT || this == COMPLETE_ABORT;
  }
}
