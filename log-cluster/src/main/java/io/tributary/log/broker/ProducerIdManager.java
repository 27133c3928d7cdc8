package io.tributary.log.broker;

import io.tributary.log.cluster.ClusterStore;

/**
 * Hands out producer ids for InitProducerId, unique across the cluster: each broker takes blocks of
 * ids from ZooKeeper by compare-and-set and serves ids from its block.
 */
public final class ProducerIdManager {
  static final int BLOCK_SIZE = 1000;

  private final ClusterStore store;
  private long next;
  private long blockEnd;

  public ProducerIdManager(ClusterStore store) {
    this.store = store;
  }

  /**
   * A producer id and epoch. A producer that already has an id (KIP-360 epoch bump of an idempotent
   * producer) keeps it with the next epoch, unless the epoch would overflow.
   */
  public synchronized long[] next(long existingId, short existingEpoch) throws Exception {
    if (existingId >= 0 && existingEpoch >= 0 && existingEpoch < Short.MAX_VALUE - 1) {
      return new long[] {existingId, existingEpoch + 1};
    }
    if (next >= blockEnd) {
      next = store.allocateProducerIdBlock(BLOCK_SIZE);
      blockEnd = next + BLOCK_SIZE;
    }
    return new long[] {next++, 0};
  }
}
