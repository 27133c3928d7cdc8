package io.tributary.log.storage;

/**
 * What a partition knows of one producer (Kafka's DescribeProducers): its epoch, the sequence and offset of its
 * newest batch (-1 when unknown), and the first offset of its open transaction (-1 when none is open).
 */
public record ProducerState(long producerId, short producerEpoch, int lastSequence, long lastOffset, long currentTxnStartOffset) {}
