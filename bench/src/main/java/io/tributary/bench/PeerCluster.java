package io.tributary.bench;

/** A cluster started for a benchmark run, reachable at {@link #bootstrap()}; {@link #close()} stops it and deletes its data. */
interface PeerCluster extends AutoCloseable {
  /** Short label, e.g. "kafka 3.9.1". */
  String system();

  /** e.g. "1 broker (KRaft combined)". */
  String description();

  String bootstrap();

  @Override
  void close() throws InterruptedException;
}
