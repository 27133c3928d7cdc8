package io.tributary.bench;

/** A cluster started for a benchmark run, reachable at {@link #bootstrap()}; {@link #close()} stops it and deletes its data. */
interface PeerCluster extends AutoCloseable {
  /** Short label, e.g. "kafka 3.9.1". */
  String system();

  /** e.g. "1 broker (KRaft combined)". */
  String description();

  String bootstrap();

  /** The last lines of every broker's log, for a failure message. */
  String logTails(int lines);

  @Override
  void close() throws InterruptedException;
}
