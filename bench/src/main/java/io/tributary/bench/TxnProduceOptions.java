package io.tributary.bench;

import java.util.List;

/**
 * The settings of {@code bench/run.sh txn-produce}, checked before any cluster starts: a bad value is refused
 * with a message naming the option and the reason.
 *
 * @param records committed records of the measured phase, a multiple of {@code recordsPerTxn}
 * @param recordsPerTxn records sent between {@code beginTransaction()} and {@code commitTransaction()}
 * @param producers transactional producers running at once, each with its own {@code transactional.id} and thread
 * @param warmupTxnsPerProducer transactions each producer commits on the warm-up topic before the clock starts
 * @param brokers brokers per cluster (at least the topic's replication factor)
 * @param only "both", "kafka" or "tributary"
 */
record TxnProduceOptions(long records, int recordsPerTxn, int producers, int warmupTxnsPerProducer, int brokers,
    String only) {
  static final List<String> FLAGS = List.of("help", "keep-dirs");
  static final List<String> OPTIONS = List.of("records", "per-txn", "producers", "warmup-txns", "brokers", "only",
      "home", "work-dir", "broker-jvm-opts");

  static final long DEFAULT_RECORDS = 1_000_000;
  static final int DEFAULT_RECORDS_PER_TXN = 100;
  static final int DEFAULT_PRODUCERS = 4;
  static final int DEFAULT_WARMUP_TXNS_PER_PRODUCER = 20;
  /** Kafka's producer buffers a whole transaction's records; beyond this a "transaction" is a bulk load. */
  static final int MAX_RECORDS_PER_TXN = 100_000;
  /** One thread and one connection set per producer in the bench JVM. */
  static final int MAX_PRODUCERS = 64;
  /** The checker keeps one bit per committed record (a BitSet indexed by an int). */
  static final long MAX_RECORDS = Integer.MAX_VALUE;

  TxnProduceOptions {
    if (records < 1 || records > MAX_RECORDS) {
      throw new IllegalArgumentException("--records must be within [1, " + MAX_RECORDS + "], got " + records);
    }
    if (recordsPerTxn < 1 || recordsPerTxn > MAX_RECORDS_PER_TXN) {
      throw new IllegalArgumentException("--per-txn must be within [1, " + MAX_RECORDS_PER_TXN + "], got "
          + recordsPerTxn);
    }
    if (records % recordsPerTxn != 0) {
      throw new IllegalArgumentException("--records " + records + " is not a multiple of --per-txn " + recordsPerTxn
          + ": every measured transaction holds exactly --per-txn records");
    }
    if (producers < 1 || producers > MAX_PRODUCERS) {
      throw new IllegalArgumentException("--producers must be within [1, " + MAX_PRODUCERS + "], got " + producers);
    }
    if (records / recordsPerTxn < producers) {
      throw new IllegalArgumentException("--records " + records + " makes " + records / recordsPerTxn
          + " transactions of " + recordsPerTxn + " records, fewer than --producers " + producers
          + ": some producers would have nothing to commit");
    }
    if (warmupTxnsPerProducer < 0) {
      throw new IllegalArgumentException("--warmup-txns must be 0 or more, got " + warmupTxnsPerProducer);
    }
    if (brokers < TxnProduceBench.REPLICATION_FACTOR) {
      throw new IllegalArgumentException("--brokers must be at least " + TxnProduceBench.REPLICATION_FACTOR
          + " (the topic's replication factor), got " + brokers);
    }
    if (!List.of("both", "kafka", "tributary").contains(only)) {
      throw new IllegalArgumentException("--only takes kafka or tributary, got " + only);
    }
  }

  static TxnProduceOptions from(Args args) {
    return new TxnProduceOptions(args.longValue("records", DEFAULT_RECORDS),
        args.intValue("per-txn", DEFAULT_RECORDS_PER_TXN), args.intValue("producers", DEFAULT_PRODUCERS),
        args.intValue("warmup-txns", DEFAULT_WARMUP_TXNS_PER_PRODUCER),
        args.intValue("brokers", TxnProduceBench.REPLICATION_FACTOR), args.string("only", "both"));
  }

  long transactions() {
    return records / recordsPerTxn;
  }

  static String usage() {
    return String.join("\n",
        "usage: bench/run.sh txn-produce [options]",
        "  --records N             committed records measured (default " + DEFAULT_RECORDS + "; a multiple of --per-txn)",
        "  --per-txn R             records per transaction (default " + DEFAULT_RECORDS_PER_TXN + ")",
        "  --producers P           transactional producers at once, one transactional.id and thread each (default "
            + DEFAULT_PRODUCERS + ")",
        "  --warmup-txns T         transactions per producer on a warm-up topic before measuring (default "
            + DEFAULT_WARMUP_TXNS_PER_PRODUCER + ")",
        "  --brokers N             brokers per cluster (default 3; the topic has RF 3, so at least 3)",
        "  --only kafka|tributary  run one system only (default both)",
        "  --home DIR, --work-dir DIR, --keep-dirs, --broker-jvm-opts \"...\"   as for produce-consume");
  }
}
