package io.tributary.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The comparison runner: in one run, starts an Apache Kafka cluster (child JVMs), runs the workload,
 * stops it; then starts a Tributary cluster the same way and runs the same workload; prints both and the
 * ratios Tributary/Kafka. When a half cannot run (for example Tributary's broker is not built or exits
 * at start), it says why and the other half still runs.
 *
 * <pre>
 * CompareWithKafka [produce-consume] [--brokers 1|3] [--only kafka|tributary] [workload options]
 * CompareWithKafka [produce-consume] --bootstrap host:port [--label NAME] [workload options]
 * </pre>
 */
public final class CompareWithKafka {
  static final List<String> FLAGS = List.of("help", "keep-dirs", "tributary-first");
  static final List<String> OPTIONS = List.of("brokers", "only", "bootstrap", "label", "home", "work-dir",
      "broker-jvm-opts", "broker-prop", "repeat");

  /**
   * The JVM flags both brokers get: those of Kafka's own start scripts (kafka-server-start.sh and
   * kafka-run-class.sh), so neither side runs with a better-tuned JVM than the other.
   */
  static final String DEFAULT_BROKER_JVM_OPTS = "-Xms1g -Xmx1g -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 "
      + "-XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 "
      + "-Djava.awt.headless=true";

  private CompareWithKafka() {}

  /** {@code --broker-jvm-opts "..."} (whitespace-separated), or Kafka's start-script flags: for both systems' brokers. */
  static List<String> brokerJvmOpts(Args args) {
    return Arrays.stream(args.string("broker-jvm-opts", DEFAULT_BROKER_JVM_OPTS).trim().split("\\s+"))
        .filter(s -> !s.isEmpty()).toList();
  }

  static String usage() {
    return String.join("\n",
        "usage: bench/run.sh produce-consume [options]",
        "  --brokers N              brokers per cluster: 1 or 3 (default 1)",
        "  --only kafka|tributary   run one half only (default both)",
        "  --bootstrap host:port    no clusters started: run the workload against this running cluster",
        "  --label NAME             with --bootstrap: name printed for that system",
        "  --home DIR               repository root (default: found from the working directory)",
        "  --work-dir DIR           where brokers' data goes (default: the system temp dir); deleted after",
        "  --keep-dirs              keep the brokers' data and logs",
        "  --tributary-first        run Tributary's half before Kafka's (default: Kafka first)",
        "  --repeat R               R rounds, alternating which system goes first; the comparison shows medians",
        "  --broker-jvm-opts \"...\"  JVM flags of both brokers (default: Kafka's start-script flags)",
        "  --broker-prop k=v        broker setting given to both systems (Kafka key names; repeatable),",
        "                           e.g. --broker-prop log.flush.interval.messages=1 to fsync every batch",
        WorkloadOptions.usage());
  }

  public static void main(String[] argv) throws Exception {
    Args args;
    try {
      args = new Args(argv, FLAGS, concat(OPTIONS, WorkloadOptions.OPTIONS));
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
    List<String> positional = args.positional();
    if (positional.size() > 1 || (positional.size() == 1 && !positional.get(0).equals("produce-consume"))) {
      System.err.println("unknown benchmark " + positional + "; available: produce-consume");
      System.exit(2);
    }
    System.exit(run(args, System.out));
  }

  static int run(Args args, PrintStream out) throws InterruptedException {
    int brokers = args.intValue("brokers", 1);
    if (brokers < 1 || brokers > 9) {
      out.println("--brokers must be within [1, 9], got " + brokers);
      return 2;
    }
    WorkloadOptions options;
    try {
      options = WorkloadOptions.from(args, (short) brokers);
    } catch (IllegalArgumentException e) {
      out.println(e.getMessage());
      return 2;
    }

    if (args.has("bootstrap")) {
      String bootstrap = args.string("bootstrap", null);
      try {
        WorkloadResult r = new ProduceConsumeBench(bootstrap, options, out).run(args.string("label", bootstrap),
            "running cluster at " + bootstrap);
        Report.printResult(out, options, r);
        return 0;
      } catch (BenchException e) {
        out.println("FAILED against " + bootstrap + ": " + e.getMessage());
        return 1;
      }
    }

    String only = args.string("only", "both");
    if (!List.of("both", "kafka", "tributary").contains(only)) {
      out.println("--only takes kafka or tributary, got " + only);
      return 2;
    }
    Path home = findHome(args.string("home", System.getProperty("tributary.home")));
    Path workDir = Path.of(args.string("work-dir", System.getProperty("java.io.tmpdir")));
    boolean keep = args.flag("keep-dirs");
    List<String> jvmOpts = brokerJvmOpts(args);
    Path kafkaLib = home.resolve("bench/target/kafka-broker-lib");
    Map<String, String> brokerProps;
    try {
      brokerProps = args.props("broker-prop");
    } catch (IllegalArgumentException e) {
      out.println(e.getMessage());
      return 2;
    }

    out.println("produce-consume benchmark, " + brokers + (brokers == 1 ? " broker" : " brokers")
        + " per cluster, same machine, one cluster at a time; repository " + home);
    Report.printWorkload(out, options);
    out.println("brokers:  JVM flags " + String.join(" ", jvmOpts) + "; settings: each system's defaults"
        + (brokerProps.isEmpty() ? "" : " plus " + brokerProps));

    String kafkaName = "kafka";
    try {
      kafkaName = "kafka " + KafkaPeer.versionIn(kafkaLib);
    } catch (BenchException ignored) {
      // reported when the Kafka half runs
    }
    int repeat = args.intValue("repeat", 1);
    if (repeat < 1 || repeat > 20) {
      out.println("--repeat must be within [1, 20], got " + repeat);
      return 2;
    }
    Half kafkaHalf = new Half("kafka", only.equals("tributary") ? "not run (--only tributary)" : null);
    Half tributaryHalf = new Half("tributary", only.equals("kafka") ? "not run (--only kafka)" : null);
    ClusterStarter kafkaStarter = () -> KafkaPeer.start(kafkaLib, brokers, workDir, jvmOpts, brokerProps, keep, out);
    ClusterStarter tributaryStarter =
        () -> TributaryPeer.start(home, brokers, workDir, jvmOpts, brokerProps, keep, out);
    boolean tributaryFirst = args.flag("tributary-first");
    for (int round = 1; round <= repeat; round++) {
      if (repeat > 1) {
        out.printf("%n-- round %d of %d --%n", round, repeat);
      }
      if (tributaryFirst) {
        tributaryHalf.run(tributaryStarter, options, out);
        kafkaHalf.run(kafkaStarter, options, out);
      } else {
        kafkaHalf.run(kafkaStarter, options, out);
        tributaryHalf.run(tributaryStarter, options, out);
      }
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException("benchmark interrupted");
      }
      tributaryFirst = !tributaryFirst; // alternate, so neither system always runs on a "fresh" machine
    }
    for (WorkloadResult r : kafkaHalf.results) {
      Report.printResult(out, options, r);
    }
    for (WorkloadResult r : tributaryHalf.results) {
      Report.printResult(out, options, r);
    }
    List<WorkloadResult> kafka = kafkaHalf.results;
    List<WorkloadResult> tributary = tributaryHalf.results;
    String kafkaMissing = kafkaHalf.missing;
    String tributaryMissing = tributaryHalf.missing;
    Report.printComparison(out, kafka, firstLine(kafkaMissing), tributary, firstLine(tributaryMissing), "tributary",
        kafkaName);
    boolean kafkaOk = only.equals("tributary") || (kafka.size() == repeat && kafkaMissing == null);
    boolean tributaryOk = only.equals("kafka") || (tributary.size() == repeat && tributaryMissing == null);
    return kafkaOk && tributaryOk ? 0 : 1;
  }

  interface ClusterStarter {
    PeerCluster start() throws BenchException, InterruptedException;
  }

  /** One system's side of the comparison: its results, or why there are none (then later rounds skip it). */
  private static final class Half {
    final String name;
    final List<WorkloadResult> results = new ArrayList<>();
    String missing;

    Half(String name, String skipped) {
      this.name = name;
      this.missing = skipped;
    }

    void run(ClusterStarter starter, WorkloadOptions options, PrintStream out) {
      if (missing != null || Thread.currentThread().isInterrupted()) {
        return;
      }
      System.gc(); // the previous half's garbage should not be collected during this one
      try (PeerCluster cluster = starter.start()) {
        try {
          results.add(new ProduceConsumeBench(cluster.bootstrap(), options, out).run(cluster.system(),
              cluster.description()));
        } catch (BenchException e) {
          throw new BenchException(e.getMessage() + "\nlast lines of the brokers' logs:" + cluster.logTails(20), e);
        }
      } catch (BenchException e) {
        missing = (name.equals("tributary") ? "NOT AVAILABLE or FAILED: " : "FAILED: ") + e.getMessage();
        out.println();
        out.println("[" + name + "] this half did not run to the end: " + e.getMessage());
      } catch (InterruptedException e) {
        missing = "interrupted";
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return null;
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl) + " (details above)";
  }

  /** The repository root: given, or the nearest directory upwards holding bench/pom.xml and dist/. */
  static Path findHome(String given) {
    if (given != null && !given.isEmpty()) {
      return Path.of(given).toAbsolutePath().normalize();
    }
    Path p = Path.of("").toAbsolutePath();
    while (p != null) {
      if (Files.isRegularFile(p.resolve("bench/pom.xml")) && Files.isDirectory(p.resolve("dist"))) {
        return p;
      }
      p = p.getParent();
    }
    return Path.of("").toAbsolutePath();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

}
