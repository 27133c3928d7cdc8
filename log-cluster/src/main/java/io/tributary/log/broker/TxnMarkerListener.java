package io.tributary.log.broker;

import org.apache.kafka.common.TopicPartition;

/**
 * Told when this broker, as leader, has written a transaction marker (WriteTxnMarkers) to a partition of
 * {@code __consumer_offsets} and the in-sync replicas have it: the group coordinator then makes the producer's
 * pending transactional offsets (TxnOffsetCommit) of that partition visible ({@code committed}) or drops them.
 * Register with {@link ReplicaManager#addTxnMarkerListener}. Called on a request-handler thread; must not block.
 */
@FunctionalInterface
public interface TxnMarkerListener {
  void onTxnMarkerWritten(TopicPartition offsetsPartition, long producerId, short producerEpoch, boolean committed);
}
