package io.tributary.log.txn;

import io.tributary.log.group.CoordinatorHost;
import io.tributary.log.protocol.ClientSecurity;

/**
 * The broker as its transaction coordinator sees it: what the group coordinator sees (the image, the
 * internal topic's local partitions, acks=all appends, topic creation, leadership changes) and producer ids.
 */
public interface TxnHost extends CoordinatorHost {

  /**
   * A producer id no other producer of the cluster has (from the broker's ZooKeeper-allocated block) at epoch
   * 0, or {@code existingId} at the next epoch (KIP-360 bump of an idempotent producer): {id, epoch}.
   */
  long[] producerIdAndEpoch(long existingId, short existingEpoch) throws Exception;

  /** How to reach other brokers (the inter-broker listener's TLS and SASL login): WriteTxnMarkers goes there. */
  ClientSecurity interBrokerSecurity();
}
