package io.tributary.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The txn-produce comparison table and goal line, from made-up figures (nothing here starts a broker). */
class TxnProduceTableTest {

  private static TxnProduceResult result(String system, long records, long txns, double seconds, int commitMs,
      int txnMs) {
    LatencyStats commit = new LatencyStats();
    LatencyStats txn = new LatencyStats();
    for (int i = 0; i < 100; i++) {
      commit.recordNanos(commitMs * 1_000_000L);
      txn.recordNanos(txnMs * 1_000_000L);
    }
    return new TxnProduceResult(system, records, txns, (long) (seconds * 1e9), commit, txn);
  }

  @Test
  void bothSystemsWithRatios() {
    TxnProduceResult kafka = result("kafka 3.9.1", 100_000, 1_000, 10, 20, 30);
    TxnProduceResult tributary = result("tributary", 100_000, 1_000, 5, 10, 12);
    assertEquals(10_000, kafka.recordsPerSec(), 1e-6);
    assertEquals(200, tributary.transactionsPerSec(), 1e-6);
    String t = TxnProduceBench.table(kafka, tributary);
    assertTrue(t.startsWith("| figure | kafka 3.9.1 | tributary | tributary/kafka |\n|---|---|---|---|\n"), t);
    assertTrue(t.contains("| transactional produce, records/s | 10,000 | 20,000 | 2.00× |"), t);
    assertTrue(t.contains("| transactions/s | 100 | 200 | 2.00× |"), t);
    assertTrue(t.contains("| commit latency (commitTransaction) p50 ms | 20.0 | 10.0 | 0.50× |"), t);
    assertEquals("goal: tributary records/s at least 1.5× kafka's: met (2.00×)", TxnProduceBench.goal(kafka, tributary));
    assertEquals("goal: tributary records/s at least 1.5× kafka's: NOT met (0.50×)",
        TxnProduceBench.goal(tributary, kafka));
  }

  @Test
  void aMissingHalfShowsDashesAndNoGoal() {
    TxnProduceResult kafka = result("kafka 3.9.1", 100_000, 1_000, 10, 20, 30);
    String t = TxnProduceBench.table(kafka, null);
    assertTrue(t.contains("| transactional produce, records/s | 10,000 | — |  |"), t);
    assertEquals("", TxnProduceBench.goal(kafka, null));
  }
}
