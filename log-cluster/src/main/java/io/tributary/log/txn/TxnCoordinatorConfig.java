package io.tributary.log.txn;

/**
 * The broker settings a transaction coordinator runs with (keys {@code transaction.*}), handed in by the
 * broker's wiring so that txn/ does not depend on the broker's config class.
 *
 * @param stateLogPartitions {@code transaction.state.log.num.partitions}
 * @param stateLogReplicationFactor {@code transaction.state.log.replication.factor}
 * @param stateLogMinIsr {@code transaction.state.log.min.isr}
 * @param maxTimeoutMs {@code transaction.max.timeout.ms}
 * @param idExpirationMs {@code transactional.id.expiration.ms}
 * @param abortTimedOutIntervalMs {@code transaction.abort.timed.out.transaction.cleanup.interval.ms}
 * @param removeExpiredIntervalMs {@code transaction.remove.expired.transaction.cleanup.interval.ms}
 * @param writeTimeoutMs how long a write to {@code __transaction_state} waits for its in-sync replicas
 */
public record TxnCoordinatorConfig(int brokerId, int stateLogPartitions, int stateLogReplicationFactor, int stateLogMinIsr,
                                   int maxTimeoutMs, long idExpirationMs, long abortTimedOutIntervalMs,
                                   long removeExpiredIntervalMs, long writeTimeoutMs) {}
