package io.tributary.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;

/**
 * An Apache Kafka cluster of 1 or more KRaft nodes in combined mode (broker and controller in one
 * process, {@code controller.quorum.voters} listing every node), each in its own child JVM whose class
 * path is only {@code bench/target/kafka-broker-lib/*} (kafka_2.13 and its own runtime dependencies),
 * never the workload's. Storage is formatted with {@code kafka.tools.StorageTool format} first; data
 * lives under a temporary directory deleted by {@link #close()}.
 */
final class KafkaPeer extends ChildJvmPeer {
  private static final Pattern KAFKA_JAR = Pattern.compile("kafka_2\\.13-(.+)\\.jar");

  private final String version;

  private KafkaPeer(String version, int nodes, Path dir, boolean keepDir) {
    super(nodes, dir, keepDir);
    this.version = version;
  }

  /** The Kafka version found in {@code libDir}, or a BenchException saying how to build it. */
  static String versionIn(Path libDir) throws BenchException {
    if (Files.isDirectory(libDir)) {
      try (Stream<Path> s = Files.list(libDir)) {
        for (Path p : (Iterable<Path>) s::iterator) {
          Matcher m = KAFKA_JAR.matcher(p.getFileName().toString());
          if (m.matches()) {
            return m.group(1);
          }
        }
      } catch (IOException e) {
        throw new BenchException("cannot list " + libDir + ": " + e.getMessage(), e);
      }
    }
    throw new BenchException("no Kafka broker in " + libDir + ": build it with `mvn -DskipTests package -pl bench` "
        + "(or bench/run.sh, which does); it is filled by bench/kafka-peer/pom.xml");
  }

  static KafkaPeer start(Path libDir, int nodes, Path parentDir, List<String> jvmOpts,
      Map<String, String> brokerProps, boolean keepDir, PrintStream progress) throws BenchException, InterruptedException {
    return start(libDir, nodes, parentDir, jvmOpts, brokerProps, null, keepDir, progress);
  }

  /** As above; with {@code security} (null for PLAINTEXT) every listener is SASL_SSL ({@link SaslSslSetup#kafkaNode}). */
  static KafkaPeer start(Path libDir, int nodes, Path parentDir, List<String> jvmOpts,
      Map<String, String> brokerProps, SaslSslSetup security, boolean keepDir, PrintStream progress)
      throws BenchException, InterruptedException {
    String version = versionIn(libDir);
    return start(parentDir, "kafka-", keepDir, dir -> new KafkaPeer(version, nodes, dir, keepDir),
        peer -> peer.startNodes(libDir, jvmOpts, brokerProps, security, progress));
  }

  private void startNodes(Path libDir, List<String> jvmOpts, Map<String, String> brokerProps, SaslSslSetup security,
      PrintStream progress)
      throws BenchException, InterruptedException {
    String classpath = libDir.toAbsolutePath() + "/*";
    List<Integer> controllerPorts = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      brokerPorts.add(ChildJvm.freePort());
      controllerPorts.add(ChildJvm.freePort());
    }
    String voters = IntStream.range(0, nodes)
        .mapToObj(i -> (i + 1) + "@127.0.0.1:" + controllerPorts.get(i)).collect(Collectors.joining(","));
    String clusterId = Uuid.randomUuid().toString();
    Path log4j = dir.resolve("log4j.properties");
    write(log4j, String.join("\n",
        "log4j.rootLogger=WARN, stdout",
        "log4j.appender.stdout=org.apache.log4j.ConsoleAppender",
        "log4j.appender.stdout.layout=org.apache.log4j.PatternLayout",
        "log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n",
        "log4j.logger.kafka.server.KafkaRaftServer=INFO",
        ""));
    List<String> jvm = new ArrayList<>(jvmOpts);
    jvm.add("-Dlog4j.configuration=" + log4j.toUri());
    int rfInternal = Math.min(3, nodes);
    for (int i = 0; i < nodes; i++) {
      int nodeId = i + 1;
      Path nodeDir = dir.resolve("node-" + nodeId);
      Path props = nodeDir.resolve("server.properties");
      try {
        Files.createDirectories(nodeDir);
      } catch (IOException e) {
        throw new BenchException("cannot create " + nodeDir + ": " + e.getMessage(), e);
      }
      write(props, String.join("\n",
          "# Written by io.tributary.bench.KafkaPeer: KRaft combined mode, Kafka's defaults otherwise",
          "# (no fsync per message: log.flush.interval.messages and log.flush.interval.ms are left unset).",
          "process.roles=broker,controller",
          "node.id=" + nodeId,
          "controller.quorum.voters=" + voters,
          "controller.listener.names=CONTROLLER",
          security == null ? plaintextListeners(brokerPorts.get(i), controllerPorts.get(i))
              : SaslSslSetup.lines(security.kafkaNode(i, brokerPorts.get(i), controllerPorts.get(i))),
          "log.dirs=" + nodeDir.resolve("data"),
          "offsets.topic.replication.factor=" + rfInternal,
          "transaction.state.log.replication.factor=" + rfInternal,
          "transaction.state.log.min.isr=" + Math.min(2, nodes),
          "group.initial.rebalance.delay.ms=0",
          extraProps(brokerProps)));
      List<String> format = new ArrayList<>(List.of("format", "-t", clusterId, "-c", props.toString()));
      if (security != null) {
        format.addAll(security.kafkaFormatScramArgs());
      }
      ChildJvm.runToCompletion("kafka node " + nodeId + " storage format", jvm, classpath, "kafka.tools.StorageTool",
          format, nodeDir, nodeDir.resolve("format.log"), 60_000);
    }
    for (int i = 0; i < nodes; i++) {
      int nodeId = i + 1;
      Path nodeDir = dir.resolve("node-" + nodeId);
      children.add(ChildJvm.start("kafka node " + nodeId, jvm, classpath, "kafka.Kafka",
          List.of(nodeDir.resolve("server.properties").toString()), nodeDir, nodeDir.resolve("server.log")));
    }
    if (security != null) {
      clientConfig = security.clientConfig();
    }
    awaitStarted(progress, "data in " + dir);
  }

  private static String plaintextListeners(int port, int controllerPort) {
    return String.join("\n",
        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
  }

  /** --broker-prop settings as properties lines (both systems use Kafka's key names), ending with a newline. */
  static String extraProps(Map<String, String> brokerProps) {
    StringBuilder sb = new StringBuilder();
    if (!brokerProps.isEmpty()) {
      sb.append("# --broker-prop (given to every system)\n");
    }
    brokerProps.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
    return sb.toString();
  }

  private static void write(Path file, String content) throws BenchException {
    try {
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new BenchException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String system() {
    return "kafka " + version;
  }

  @Override
  public String description() {
    return brokers("KRaft combined mode");
  }
}
