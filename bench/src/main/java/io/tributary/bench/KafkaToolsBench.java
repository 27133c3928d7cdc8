package io.tributary.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Apache Kafka and Tributary measured with <b>Kafka's own</b> performance tools (kafka-tools'
 * ProducerPerformance, ConsumerPerformance and EndToEndLatency, each in its own JVM), one cluster after the
 * other in the same run, on topics created explicitly with the same layout on both: 6 partitions,
 * replication factor 3, {@code min.insync.replicas=2}; 100-byte records, {@code acks=all}. Prints both
 * systems' figures and the ratios Tributary/Kafka. With {@code --security sasl_ssl} both clusters listen on SASL_SSL
 * only with the same CA, certificates and SCRAM-SHA-512 users ({@link SaslSslSetup}), and every tool gets the
 * clients' properties file ({@code --producer.config}, {@code --consumer.config}, EndToEndLatency's 6th argument).
 *
 * <pre>
 * KafkaToolsBench [--records 2000000] [--latency-records 50000] [--latency-rate 5000] [--e2e-messages 10000]
 *                 [--brokers 3] [--only kafka|tributary] [--security plaintext|sasl_ssl] [--home DIR] [--work-dir DIR] [--keep-dirs]
 *                 [--broker-jvm-opts "..."]
 * </pre>
 */
public final class KafkaToolsBench {
  static final List<String> FLAGS = List.of("help", "keep-dirs");
  static final List<String> OPTIONS = List.of("records", "latency-records", "latency-rate", "e2e-messages", "brokers",
      "only", "security", "home", "work-dir", "broker-jvm-opts");
  static final int PARTITIONS = 6;
  static final short REPLICATION_FACTOR = 3;
  static final Map<String, String> TOPIC_CONFIGS = Map.of("min.insync.replicas", "2");
  static final int RECORD_SIZE_BYTES = 100;
  /** The heap Kafka's perf-test scripts give their tools (KAFKA_HEAP_OPTS in kafka-producer-perf-test.sh). */
  static final String TOOL_HEAP = "-Xmx512m";
  static final long TOOL_TIMEOUT_MS = 30 * 60_000L;
  static final String PRODUCER_PERFORMANCE = "org.apache.kafka.tools.ProducerPerformance";
  static final String CONSUMER_PERFORMANCE = "org.apache.kafka.tools.ConsumerPerformance";
  static final String END_TO_END_LATENCY = "org.apache.kafka.tools.EndToEndLatency";

  /** One system's figures. */
  record Figures(String system, long idleRssKbPerBroker, KafkaToolOutput.Produced unthrottled,
      KafkaToolOutput.Produced fixedRate, KafkaToolOutput.Consumed consumed, KafkaToolOutput.EndToEnd endToEnd) {}

  private final long records;
  private final long latencyRecords;
  private final int latencyRate;
  private final long e2eMessages;
  private final String toolClasspath = System.getProperty("java.class.path");
  private final PrintStream out;
  /** Null for PLAINTEXT. */
  private final SaslSslSetup security;

  KafkaToolsBench(long records, long latencyRecords, int latencyRate, long e2eMessages, PrintStream out) {
    this(records, latencyRecords, latencyRate, e2eMessages, null, out);
  }

  KafkaToolsBench(long records, long latencyRecords, int latencyRate, long e2eMessages, SaslSslSetup security,
      PrintStream out) {
    this.security = security;
    this.records = records;
    this.latencyRecords = latencyRecords;
    this.latencyRate = latencyRate;
    this.e2eMessages = e2eMessages;
    this.out = out;
  }

  static String usage() {
    return String.join("\n",
        "usage: bench/run.sh kafka-tools [options]",
        "  --records N             records of the unthrottled produce and of the consume (default 2000000)",
        "  --latency-records N     records of the fixed-rate produce (default 50000)",
        "  --latency-rate R        its rate, records/s (default 5000)",
        "  --e2e-messages N        EndToEndLatency round trips (default 10000)",
        "  --brokers N             brokers per cluster (default 3; topics have RF 3, so at least 3)",
        "  --only kafka|tributary  run one system only (default both)",
        "  --security plaintext|sasl_ssl   listeners of both systems (default plaintext); sasl_ssl: TLS 1.3 and",
        "                          SCRAM-SHA-512 on every listener, inter-broker too, same CA and certificates on both",
        "  --home DIR, --work-dir DIR, --keep-dirs, --broker-jvm-opts \"...\"   as for produce-consume");
  }

  public static void main(String[] argv) throws Exception {
    Args args;
    try {
      args = new Args(argv, FLAGS, OPTIONS);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(usage());
      System.exit(2);
      return;
    }
    if (args.flag("help")) {
      System.out.println(usage());
      return;
    }
    int brokers = args.intValue("brokers", REPLICATION_FACTOR);
    String only = args.string("only", "both");
    if (brokers < REPLICATION_FACTOR || !List.of("both", "kafka", "tributary").contains(only)) {
      System.err.println(usage());
      System.exit(2);
    }
    SecurityMode mode;
    try {
      mode = SecurityMode.parse(args.string("security", "plaintext"));
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(usage());
      System.exit(2);
      return;
    }
    Path home = CompareWithKafka.findHome(args.string("home", System.getProperty("tributary.home")));
    Path workDir = Path.of(args.string("work-dir", System.getProperty("java.io.tmpdir")));
    boolean keep = args.flag("keep-dirs");
    SaslSslSetup security = null;
    if (mode == SecurityMode.SASL_SSL) {
      Path securityDir = Files.createTempDirectory(workDir, "bench-security-");
      if (!keep) {
        ChildJvm.deleteOnExit(securityDir);
      }
      security = SaslSslSetup.create(securityDir, brokers);
    }
    KafkaToolsBench bench = new KafkaToolsBench(args.longValue("records", 2_000_000), args.longValue("latency-records", 50_000),
        args.intValue("latency-rate", 5_000), args.longValue("e2e-messages", 10_000), security, System.out);
    SaslSslSetup sec = security;
    List<String> jvmOpts = CompareWithKafka.brokerJvmOpts(args);
    Path kafkaLib = home.resolve("bench/target/kafka-broker-lib");

    System.out.printf("kafka-tools benchmark: %d brokers per cluster, one cluster at a time; topics with %d partitions,"
        + " RF %d, %s; %d-byte records, acks=all; %s%n", brokers, PARTITIONS, REPLICATION_FACTOR, TOPIC_CONFIGS,
        RECORD_SIZE_BYTES, sec == null ? "PLAINTEXT listeners"
            : "SASL_SSL listeners only (" + SaslSslSetup.MECHANISM + ", " + SaslSslSetup.TLS_VERSION
                + ", inter-broker too; CA and client properties in " + sec.clientConfigFile().getParent() + ")");
    Map<String, Figures> results = new LinkedHashMap<>();
    Map<String, String> failures = new LinkedHashMap<>();
    if (!only.equals("tributary")) {
      bench.runHalf("kafka", () -> KafkaPeer.start(kafkaLib, brokers, workDir, jvmOpts, Map.of(), sec, keep, System.out),
          results, failures);
    }
    if (!only.equals("kafka")) {
      bench.runHalf("tributary", () -> TributaryPeer.start(home, brokers, workDir, jvmOpts, Map.of(), sec, keep, System.out),
          results, failures);
    }
    failures.forEach((system, why) -> System.out.printf("%n[%s] FAILED: %s%n", system, why));
    System.out.println();
    System.out.print(table(results.get("kafka"), results.get("tributary")));
    System.exit(failures.isEmpty() ? 0 : 1);
  }

  interface PeerStarter {
    ChildJvmPeer start() throws BenchException, InterruptedException;
  }

  private void runHalf(String name, PeerStarter starter, Map<String, Figures> results, Map<String, String> failures)
      throws InterruptedException {
    try (ChildJvmPeer peer = starter.start()) {
      try {
        results.put(name, measure(peer));
      } catch (BenchException e) {
        throw new BenchException(e.getMessage() + "\nlast lines of the brokers' logs:" + peer.logTails(20), e);
      }
    } catch (BenchException e) {
      failures.put(name, e.getMessage());
    }
  }

  /** Creates the topics, then runs the tools in order: produce, produce at a fixed rate, consume, end to end. */
  Figures measure(ChildJvmPeer peer) throws BenchException, InterruptedException {
    String system = peer.system();
    String bootstrap = peer.bootstrap();
    long idleRssKb = peer.children.stream().mapToLong(c -> residentKb(c.pid())).max().orElse(-1);
    Properties p = new Properties();
    p.putAll(peer.clientConfig);
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(p)) {
      BenchTopics.create(admin, bootstrap, List.of("tools-produce", "tools-latency", "tools-e2e"), PARTITIONS,
          REPLICATION_FACTOR, TOPIC_CONFIGS);
    }
    Path dir = peer.dir;
    out.printf("[%s] ProducerPerformance: %,d records unthrottled%n", system, records);
    KafkaToolOutput.Produced unthrottled = KafkaToolOutput.produced(runTool(system, dir, "produce", PRODUCER_PERFORMANCE,
        producerArgs("tools-produce", records, -1, bootstrap)));
    out.printf("[%s] ProducerPerformance: %,d records at %,d records/s%n", system, latencyRecords, latencyRate);
    KafkaToolOutput.Produced fixedRate = KafkaToolOutput.produced(runTool(system, dir, "produce-fixed-rate",
        PRODUCER_PERFORMANCE, producerArgs("tools-latency", latencyRecords, latencyRate, bootstrap)));
    out.printf("[%s] ConsumerPerformance: %,d records%n", system, records);
    List<String> consumerArgs = new ArrayList<>(List.of("--bootstrap-server", bootstrap, "--topic", "tools-produce",
        "--messages", Long.toString(records), "--timeout", "120000"));
    List<String> e2eArgs = new ArrayList<>(List.of(bootstrap, "tools-e2e", Long.toString(e2eMessages), "all",
        Integer.toString(RECORD_SIZE_BYTES)));
    if (security != null) {
      consumerArgs.addAll(List.of("--consumer.config", security.clientConfigFile().toString()));
      e2eArgs.add(security.clientConfigFile().toString()); // EndToEndLatency's optional properties_file
    }
    KafkaToolOutput.Consumed consumed = KafkaToolOutput.consumed(runTool(system, dir, "consume", CONSUMER_PERFORMANCE,
        consumerArgs));
    out.printf("[%s] EndToEndLatency: %,d round trips%n", system, e2eMessages);
    KafkaToolOutput.EndToEnd endToEnd = KafkaToolOutput.endToEnd(runTool(system, dir, "end-to-end", END_TO_END_LATENCY,
        e2eArgs));
    Figures f = new Figures(system, idleRssKb, unthrottled, fixedRate, consumed, endToEnd);
    out.printf("[%s] %s%n", system, f);
    return f;
  }

  private List<String> producerArgs(String topic, long n, int ratePerSec, String bootstrap) {
    List<String> a = new ArrayList<>(List.of("--topic", topic, "--num-records", Long.toString(n), "--record-size",
        Integer.toString(RECORD_SIZE_BYTES), "--throughput", Integer.toString(ratePerSec), "--producer-props",
        "bootstrap.servers=" + bootstrap, "acks=all"));
    if (security != null) {
      a.addAll(List.of("--producer.config", security.clientConfigFile().toString()));
    }
    return a;
  }

  /** Runs one tool in its own JVM (the bench class path: kafka-tools 3.9.2) and returns its output lines. */
  private List<String> runTool(String system, Path dir, String step, String mainClass, List<String> args)
      throws BenchException, InterruptedException {
    Path log = dir.resolve("tool-" + step + ".log");
    ChildJvm.runToCompletion(system + " " + step, List.of(TOOL_HEAP), toolClasspath, mainClass, args, dir, log,
        TOOL_TIMEOUT_MS);
    try {
      return Files.readAllLines(log);
    } catch (IOException e) {
      throw new BenchException("cannot read " + log + ": " + e.getMessage(), e);
    }
  }

  /** The resident set of a process in KiB ({@code VmRSS} of /proc/PID/status), -1 where there is no /proc. */
  static long residentKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux, or the process is gone
    }
    return -1;
  }

  /** The side-by-side table (Markdown), with the ratio Tributary/Kafka of each figure. */
  static String table(Figures kafka, Figures tributary) {
    List<Row> rows = new ArrayList<>();
    rows.add(new Row("produce unthrottled, records/s", f -> f.unthrottled().recordsPerSec()));
    rows.add(new Row("produce unthrottled, p99 ms", f -> (double) f.unthrottled().p99Ms()));
    rows.add(new Row("fixed rate: p50 ms", f -> (double) f.fixedRate().p50Ms()));
    rows.add(new Row("fixed rate: p99 ms", f -> (double) f.fixedRate().p99Ms()));
    rows.add(new Row("fixed rate: p99.9 ms", f -> (double) f.fixedRate().p999Ms()));
    rows.add(new Row("consume, records/s incl. group join", f -> f.consumed().recordsPerSec()));
    rows.add(new Row("consume, fetch only, records/s", f -> f.consumed().fetchRecordsPerSec()));
    rows.add(new Row("group join before the first record, ms", f -> (double) f.consumed().rebalanceMs()));
    rows.add(new Row("end to end (acks=all): avg ms", f -> f.endToEnd().avgMs()));
    rows.add(new Row("end to end: p50 ms", f -> (double) f.endToEnd().p50Ms()));
    rows.add(new Row("end to end: p99 ms", f -> (double) f.endToEnd().p99Ms()));
    rows.add(new Row("end to end: p99.9 ms", f -> (double) f.endToEnd().p999Ms()));
    rows.add(new Row("idle resident memory per broker (max), MiB", f -> f.idleRssKbPerBroker() / 1024.0));
    StringBuilder sb = new StringBuilder("| figure | kafka | tributary | tributary/kafka |\n|---|---|---|---|\n");
    for (Row r : rows) {
      Double k = kafka == null ? null : r.value().apply(kafka);
      Double t = tributary == null ? null : r.value().apply(tributary);
      String ratio = k == null || t == null || k == 0 ? "" : String.format("%.2f×", t / k);
      sb.append(String.format("| %s | %s | %s | %s |%n", r.name(), format(k), format(t), ratio));
    }
    return sb.toString();
  }

  private record Row(String name, Function<Figures, Double> value) {}

  private static String format(Double v) {
    if (v == null) {
      return "—";
    }
    return v >= 100 ? String.format("%,.0f", v) : String.format("%.1f", v);
  }
}
