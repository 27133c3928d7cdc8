package io.tributary.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Transactional produce, Apache Kafka and Tributary side by side (issue 14): a 3-broker KRaft Kafka cluster, then
 * 3 Tributary brokers, one after the other in the same run, each measured with the same kafka-clients workload
 * ({@link TxnProduceWorkload}: P transactional producers, R records of 100 bytes per transaction, acks=all, a topic
 * of 6 partitions, RF 3, {@code min.insync.replicas=2}), each verified with a {@code read_committed} read back.
 * Prints records/s, transactions/s and commit latencies of both, and the ratios Tributary/Kafka.
 *
 * <p>Kafka's own ProducerPerformance is not used: its {@code --transaction-duration-ms} commits after a time,
 * not after a number of records, so it cannot run "100 records per transaction", and it reports no commit latency.
 *
 * <pre>
 * TxnProduceBench [--records 1000000] [--per-txn 100] [--producers 4] [--warmup-txns 20] [--brokers 3]
 *                 [--only kafka|tributary] [--home DIR] [--work-dir DIR] [--keep-dirs]
 * </pre>
 */
public final class TxnProduceBench {
  static final int PARTITIONS = 6;
  static final short REPLICATION_FACTOR = 3;
  static final Map<String, String> TOPIC_CONFIGS = Map.of("min.insync.replicas", "2");
  static final int RECORD_SIZE_BYTES = 100;
  /** Issue 14's goal: Tributary commits at least 1.5 times Kafka's records/s. */
  static final double GOAL_RECORDS_PER_SEC_RATIO = 1.5;

  private TxnProduceBench() {}

  public static void main(String[] argv) throws Exception {
    TxnProduceOptions options;
    Args args;
    try {
      args = new Args(argv, TxnProduceOptions.FLAGS, TxnProduceOptions.OPTIONS);
      if (args.flag("help")) {
        System.out.println(TxnProduceOptions.usage());
        return;
      }
      if (!args.positional().isEmpty()) {
        throw new IllegalArgumentException("unexpected arguments " + args.positional());
      }
      options = TxnProduceOptions.from(args);
    } catch (IllegalArgumentException | ArithmeticException e) {
      System.err.println(e.getMessage());
      System.err.println(TxnProduceOptions.usage());
      System.exit(2);
      return;
    }
    Path home = CompareWithKafka.findHome(args.string("home", System.getProperty("tributary.home")));
    Path workDir = Path.of(args.string("work-dir", System.getProperty("java.io.tmpdir")));
    boolean keep = args.flag("keep-dirs");
    List<String> jvmOpts = CompareWithKafka.brokerJvmOpts(args);
    Path kafkaLib = home.resolve("bench/target/kafka-broker-lib");
    PrintStream out = System.out;

    out.printf("txn-produce benchmark: %d brokers per cluster, one cluster at a time; topic with %d partitions, RF %d,"
        + " %s; %d transactional producers, %,d transactions of %d records of %d B (%,d records), acks=all%n",
        options.brokers(), PARTITIONS, REPLICATION_FACTOR, TOPIC_CONFIGS, options.producers(), options.transactions(),
        options.recordsPerTxn(), RECORD_SIZE_BYTES, options.records());
    Map<String, TxnProduceResult> results = new LinkedHashMap<>();
    Map<String, String> failures = new LinkedHashMap<>();
    if (!options.only().equals("tributary")) {
      runHalf("kafka", () -> KafkaPeer.start(kafkaLib, options.brokers(), workDir, jvmOpts, Map.of(), keep, out),
          options, out, results, failures);
    }
    if (!options.only().equals("kafka")) {
      runHalf("tributary", () -> TributaryPeer.start(home, options.brokers(), workDir, jvmOpts, Map.of(), keep, out),
          options, out, results, failures);
    }
    failures.forEach((system, why) -> out.printf("%n[%s] FAILED: %s%n", system, why));
    out.println();
    out.print(table(results.get("kafka"), results.get("tributary")));
    String goal = goal(results.get("kafka"), results.get("tributary"));
    if (!goal.isEmpty()) {
      out.println();
      out.println(goal);
    }
    System.exit(failures.isEmpty() ? 0 : 1);
  }

  private static void runHalf(String name, KafkaToolsBench.PeerStarter starter, TxnProduceOptions options,
      PrintStream out, Map<String, TxnProduceResult> results, Map<String, String> failures) throws InterruptedException {
    System.gc(); // the previous half's garbage should not be collected during this one
    try (ChildJvmPeer peer = starter.start()) {
      try {
        results.put(name, new TxnProduceWorkload(peer.bootstrap(), peer.clientConfig, options, out).run(peer.system()));
      } catch (BenchException e) {
        throw new BenchException(e.getMessage() + "\nlast lines of the brokers' logs:" + peer.logTails(20), e);
      }
    } catch (BenchException e) {
      failures.put(name, e.getMessage());
    }
  }

  /** The side-by-side table (Markdown, as {@code kafka-tools} prints), with the ratio Tributary/Kafka of each figure. */
  static String table(TxnProduceResult kafka, TxnProduceResult tributary) {
    List<Row> rows = new ArrayList<>();
    rows.add(new Row("transactional produce, records/s", TxnProduceResult::recordsPerSec));
    rows.add(new Row("transactions/s", TxnProduceResult::transactionsPerSec));
    rows.add(new Row("commit latency (commitTransaction) p50 ms", r -> r.commitLatency().percentileMs(50)));
    rows.add(new Row("commit latency p99 ms", r -> r.commitLatency().percentileMs(99)));
    rows.add(new Row("transaction, begin to committed, p50 ms", r -> r.txnLatency().percentileMs(50)));
    rows.add(new Row("transaction, begin to committed, p99 ms", r -> r.txnLatency().percentileMs(99)));
    StringBuilder sb = new StringBuilder(String.format("| figure | %s | %s | tributary/kafka |%n|---|---|---|---|%n",
        kafka == null ? "kafka" : kafka.system(), tributary == null ? "tributary" : tributary.system()));
    for (Row r : rows) {
      Double k = kafka == null ? null : r.value().apply(kafka);
      Double t = tributary == null ? null : r.value().apply(tributary);
      String ratio = k == null || t == null || k == 0 || k.isNaN() || t.isNaN() ? "" : String.format("%.2f×", t / k);
      sb.append(String.format("| %s | %s | %s | %s |%n", r.name(), format(k), format(t), ratio));
    }
    return sb.toString();
  }

  /** Whether issue 14's records/s goal is met; empty unless both systems have figures. */
  static String goal(TxnProduceResult kafka, TxnProduceResult tributary) {
    if (kafka == null || tributary == null) {
      return "";
    }
    double ratio = tributary.recordsPerSec() / kafka.recordsPerSec();
    return String.format("goal: tributary records/s at least %.1f× kafka's: %s (%.2f×)", GOAL_RECORDS_PER_SEC_RATIO,
        ratio >= GOAL_RECORDS_PER_SEC_RATIO ? "met" : "NOT met", ratio);
  }

  private record Row(String name, Function<TxnProduceResult, Double> value) {}

  private static String format(Double v) {
    if (v == null || v.isNaN()) {
      return "—";
    }
    return v >= 100 ? String.format("%,.0f", v) : String.format("%.1f", v);
  }
}
