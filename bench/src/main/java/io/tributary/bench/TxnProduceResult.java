package io.tributary.bench;

/**
 * One system's figures from the transactional produce workload.
 *
 * @param system the system and its version, e.g. "kafka 3.9.1"
 * @param records records committed in the measured phase (and read back once each with read_committed)
 * @param transactions transactions committed in the measured phase
 * @param elapsedNanos from the moment every producer may begin its first transaction to the last commit returned
 * @param commitLatency per transaction: {@code commitTransaction()} called to returned (the client flushes the
 *     transaction's records, then EndTxn; it returns once the coordinator has written PrepareCommit)
 * @param txnLatency per transaction: {@code beginTransaction()} to {@code commitTransaction()} returned
 */
record TxnProduceResult(String system, long records, long transactions, long elapsedNanos, LatencyStats commitLatency,
    LatencyStats txnLatency) {

  double seconds() {
    return elapsedNanos / 1e9;
  }

  double recordsPerSec() {
    return records / seconds();
  }

  double transactionsPerSec() {
    return transactions / seconds();
  }
}
