package io.tributary.log.storage;

/**
 * One aborted transaction of a partition, as its segment's {@link TransactionIndex} keeps it and a read_committed
 * fetch returns it: the producer, the offset of its first batch, the offset of its ABORT marker, and the last
 * stable offset once it was closed.
 */
public record AbortedTxn(long producerId, long firstOffset, long lastOffset, long lastStableOffset) {}
