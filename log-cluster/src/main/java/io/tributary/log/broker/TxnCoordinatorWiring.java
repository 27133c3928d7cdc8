package io.tributary.log.broker;

import io.tributary.log.txn.TxnCoordinator;
import io.tributary.log.txn.TxnCoordinatorConfig;
import io.tributary.log.txn.TxnHost;
import org.apache.kafka.common.utils.Time;

/**
 * Wires the transaction coordinator (txn/) into this broker: its settings from the broker's
 * {@code transaction.*} keys and the broker behind its {@link TxnHost}.
 */
final class TxnCoordinatorWiring {
  private TxnCoordinatorWiring() {}

  static TxnCoordinator start(BrokerConfig config, TxnHost host, Time time) {
    return new TxnCoordinator(settings(config), host, time).start();
  }

  static TxnCoordinatorConfig settings(BrokerConfig config) {
    // A transition waits for the in-sync replicas as long as an offset commit does.
    return new TxnCoordinatorConfig(config.brokerId(), config.transactionStateLogPartitions(),
        config.transactionStateLogReplicationFactor(), config.transactionStateLogMinIsr(),
        config.transactionMaxTimeoutMs(), config.transactionalIdExpirationMs(),
        config.transactionAbortTimedOutIntervalMs(), config.transactionRemoveExpiredIntervalMs(),
        config.offsetsCommitTimeoutMs());
  }
}
