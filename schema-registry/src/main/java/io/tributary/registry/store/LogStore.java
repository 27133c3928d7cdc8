package io.tributary.registry.store;

import java.io.Closeable;

/**
 * The registry's log: append records, and a reader that applies every record, in order, to a
 * {@link RegistryState}. The Kafka implementation is {@link KafkaLogStore}; {@link InMemoryLogStore}
 * is for unit tests of the layers above.
 */
public interface LogStore extends Closeable {

  /** Starts the reader and blocks until it has applied everything present at start (or times out). */
  void start();

  /** Appends (acks=all) and returns the record's offset. Throws a 50001 RegistryException on failure. */
  long append(StoreRecord record);

  /** Blocks until the reader has applied {@code offset}; throws a 50002 RegistryException on timeout. */
  void waitApplied(long offset, long timeoutMs);

  RegistryState state();

  @Override
  void close();
}
