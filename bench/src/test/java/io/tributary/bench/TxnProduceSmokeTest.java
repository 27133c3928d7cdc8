package io.tributary.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code bench/run.sh txn-produce} end to end at a small size: Apache Kafka (3 KRaft nodes), then 3 Tributary
 * brokers, each given the same transactional workload (2 producers, 100 records per transaction, acks=all, a topic
 * of 6 partitions, RF 3, min.insync.replicas 2). The workload itself fails unless a read_committed consumer reads
 * every committed record exactly once; here the counts of records, transactions and commit latencies are checked.
 *
 * <p>Needs what bench/run.sh builds: the Kafka peer's jars ({@code bench/target/kafka-broker-lib}) and Tributary's
 * dist module ({@code dist/target/classpath.txt}); without them the test is skipped, saying which is missing.
 */
class TxnProduceSmokeTest {
  static final long RECORDS = 2_000;
  static final int RECORDS_PER_TXN = 100;
  static final int PRODUCERS = 2;
  static final int WARMUP_TXNS_PER_PRODUCER = 2;

  @Test
  void bothSystemsCommitAndReadBackEveryTransaction() throws Exception {
    Path home = SmokePrerequisites.home();
    Path kafkaLib = SmokePrerequisites.assumeKafkaPeerAndDistBuilt(home);
    Path work = SmokePrerequisites.workDir(home, "txn-produce-smoke");
    List<String> jvmOpts = SmokePrerequisites.brokerJvmOpts();
    TxnProduceOptions options = new TxnProduceOptions(RECORDS, RECORDS_PER_TXN, PRODUCERS, WARMUP_TXNS_PER_PRODUCER,
        TxnProduceBench.REPLICATION_FACTOR, "both");

    try (ChildJvmPeer kafka = KafkaPeer.start(kafkaLib, options.brokers(), work, jvmOpts, Map.of(), false, System.out)) {
      check(new TxnProduceWorkload(kafka.bootstrap(), kafka.clientConfig, options, System.out).run(kafka.system()));
    }
    try (ChildJvmPeer tributary = TributaryPeer.start(home, options.brokers(), work, jvmOpts, Map.of(), false,
        System.out)) {
      check(new TxnProduceWorkload(tributary.bootstrap(), tributary.clientConfig, options, System.out)
          .run(tributary.system()));
    }
  }

  private static void check(TxnProduceResult r) {
    long transactions = RECORDS / RECORDS_PER_TXN;
    assertEquals(RECORDS, r.records(), r.system() + ": records committed and read back");
    assertEquals(transactions, r.transactions(), r.system() + ": transactions");
    assertEquals(transactions, r.commitLatency().count(), r.system() + ": one commit latency per transaction");
    assertEquals(transactions, r.txnLatency().count(), r.system() + ": one transaction latency per transaction");
    assertTrue(r.recordsPerSec() > 0, r.system() + ": records/s " + r.recordsPerSec());
    System.out.printf("[%s] smoke figures: %,.0f records/s, %.1f transactions/s, commit p50 %.1f ms, p99 %.1f ms%n",
        r.system(), r.recordsPerSec(), r.transactionsPerSec(), r.commitLatency().percentileMs(50),
        r.commitLatency().percentileMs(99));
  }
}
