package io.tributary.log.replication.sim;

/** One record as the simulation stores it: its "bytes" are the leader epoch it was written in and a unique value. */
record SimRecord(int epoch, long value) {
  @Override
  public String toString() {
    return "e" + epoch + ":v" + value;
  }
}
