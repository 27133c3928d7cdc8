package io.tributary.cli;

import io.tributary.cli.LocalCluster.Kind;
import io.tributary.testkit.Ports;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tributary local start|add-broker|stop|status}: a cluster of real background processes on this machine. */
@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    description = "A local cluster of background processes: start, add-broker, stop, status.",
    subcommands = {LocalCommand.Start.class, LocalCommand.AddBroker.class, LocalCommand.Stop.class, LocalCommand.Status.class})
final class LocalCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static final class DirOption {
    @Option(names = "--dir", paramLabel = "DIR",
        description = "Cluster directory (default: $TRIBUTARY_HOME/.local/cluster, else .local/cluster in the repository).")
    Path dir;

    LocalCluster cluster() {
      return new LocalCluster(dir != null ? dir : LocalCluster.defaultDir());
    }
  }

  @Command(name = "start", mixinStandardHelpOptions = true,
      description = "Start ZooKeeper and N brokers in the background, wait until they answer, print the bootstrap servers.")
  static final class Start implements Callable<Integer> {
    @Spec CommandSpec spec;

    @picocli.CommandLine.Mixin DirOption dirOption = new DirOption();

    @Option(names = "--brokers", defaultValue = "1", description = "Number of brokers (default: ${DEFAULT-VALUE}).")
    int brokers;

    @Option(names = "--registry-port", defaultValue = "8081", description = "Schema registry port (default: ${DEFAULT-VALUE}).")
    int registryPort;

    @Option(names = "--no-registry", description = "Start no schema registry node.")
    boolean noRegistry;

    @Option(names = "--zookeeper-port", defaultValue = "2181", description = "ZooKeeper port (default: ${DEFAULT-VALUE}).")
    int zookeeperPort;

    @Option(names = "--console-port", defaultValue = "8080", description = "Web console port (default: ${DEFAULT-VALUE}).")
    int consolePort;

    @Option(names = "--no-console", description = "Start no web console.")
    boolean noConsole;

    @Option(names = "--base-port", defaultValue = "9092",
        description = "Port of broker 0; broker i listens on base-port + i (default: ${DEFAULT-VALUE}).")
    int basePort;

    @Option(names = "--broker-config", paramLabel = "KEY=VALUE",
        description = "Extra broker configuration for every broker (repeatable), e.g. log.retention.ms=60000.")
    Map<String, String> brokerConfig = new LinkedHashMap<>();

    @Option(names = "--metrics-base-port", defaultValue = "0",
        description = "Metrics and health port of broker 0; the other brokers and the registry take the next ones"
            + " (default: free ports, printed and kept in the cluster directory; see docs/operations.md).")
    int metricsBasePort;

    @Option(names = "--timeout-s", defaultValue = "60",
        description = "How long to wait for each process to answer (default: ${DEFAULT-VALUE}).")
    int timeoutS;

    @Option(names = "--secure",
        description = "TLS and authentication everywhere: a new CA and node certificates, SASL_SSL listeners only"
            + " (SCRAM-SHA-512), an admin user with a random password, ACLs, ZooKeeper ACLs; writes DIR/client.properties"
            + " and DIR/ca.pem (see docs/security.md).")
    boolean secure;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (brokers < 1 || brokers > 16) {
        throw new CliException("--brokers must be 1-16, got " + brokers, 2);
      }
      checkPort("--zookeeper-port", zookeeperPort);
      checkPort("--base-port", basePort);
      checkPort("--base-port + brokers", basePort + brokers - 1);
      LocalCluster cluster = dirOption.cluster();
      Map<LocalCluster.Node, ProcessHandle> running = cluster.liveNodes();
      if (!running.isEmpty()) {
        List<String> names = new ArrayList<>();
        running.forEach((n, h) -> names.add(n.name() + " pid " + h.pid()));
        throw new CliException("a local cluster is already running in " + cluster.dir + " (" + String.join(", ", names)
            + "); stop it first with: ./tributary local stop --dir " + cluster.dir);
      }
      List<LocalCluster.Node> nodes = LocalCluster.plan(brokers, zookeeperPort, basePort, noRegistry ? -1 : registryPort);
      for (LocalCluster.Node n : nodes) {
        String busy = LocalCluster.portBusy(n.port());
        if (busy != null) {
          throw new CliException("port " + n.port() + " for " + n.name() + " is in use on 127.0.0.1 (" + busy + "): another broker,"
              + " ZooKeeper or Kafka? stop it or choose other ports with --zookeeper-port / --base-port");
        }
      }
      Map<String, Integer> metricsPorts = LocalMetrics.plan(nodes, metricsBasePort);
      if (metricsBasePort != 0) {
        checkPort("--metrics-base-port", metricsBasePort);
        for (Map.Entry<String, Integer> e : metricsPorts.entrySet()) {
          String busy = LocalCluster.portBusy(e.getValue());
          if (busy != null) {
            throw new CliException("metrics port " + e.getValue() + " for " + e.getKey() + " is in use on 127.0.0.1 ("
                + busy + "): choose others with --metrics-base-port");
          }
        }
      }
      if (!secure && cluster.security().isPresent()) {
        throw new CliException(cluster.dir + " holds a secure cluster (" + LocalSecurity.SECURITY_DIR + "/): start it with"
            + " --secure, or choose another --dir for a plaintext one", 2);
      }
      Files.createDirectories(cluster.dir);
      cluster.writeState(nodes);
      LocalSecurity security = secure ? cluster.secure(nodes) : null;
      cluster.metrics.write(metricsPorts);
      out.println("starting a local cluster in " + cluster.dir);
      out.flush();
      Map<LocalCluster.Node, ProcessHandle> started = Collections.synchronizedMap(new LinkedHashMap<>());
      // Ctrl-C during start: the children run in their own session and would survive; stop them.
      Thread abort = new Thread(() -> {
        synchronized (started) {
          started.values().forEach(ProcessHandle::destroyForcibly);
          started.keySet().forEach(n -> cluster.pidFile(n).toFile().delete());
        }
      }, "local-start-abort");
      Runtime.getRuntime().addShutdownHook(abort);
      try {
        Set<LocalCluster.Node> ready = new HashSet<>();
        for (LocalCluster.Node n : nodes) {
          if (n.kind() == Kind.REGISTRY) {
            // The registry keeps its data in the log cluster: the brokers must answer first.
            for (Map.Entry<LocalCluster.Node, ProcessHandle> e : started.entrySet()) {
              if (e.getKey().kind() == Kind.BROKER && ready.add(e.getKey())) {
                awaitReady(cluster, e.getKey(), e.getValue(), err);
              }
            }
          }
          List<String> args = cluster.args(n, nodes, brokerConfig);
          Process p = ChildJvm.start(n.kind() == Kind.ZOOKEEPER ? "256m" : "512m", args, cluster.logFile(n));
          Files.writeString(cluster.pidFile(n), p.pid() + "\n");
          started.put(n, p.toHandle());
          if (n.kind() == Kind.ZOOKEEPER) {
            // Brokers need ZooKeeper at start: wait for it before launching them.
            awaitReady(cluster, n, p.toHandle(), err);
            if (security != null) {
              // The users exist before any broker accepts a client.
              security.prepareZooKeeper(n.address(), timeoutS * 1000L);
            }
          }
        }
        for (Map.Entry<LocalCluster.Node, ProcessHandle> e : started.entrySet()) {
          if (e.getKey().kind() != Kind.ZOOKEEPER && !ready.contains(e.getKey())) {
            awaitReady(cluster, e.getKey(), e.getValue(), err);
          }
        }
      } catch (Exception e) {
        // Leave nothing half-started behind.
        for (Map.Entry<LocalCluster.Node, ProcessHandle> s : started.entrySet()) {
          s.getValue().destroyForcibly();
        }
        for (Map.Entry<LocalCluster.Node, ProcessHandle> s : started.entrySet()) {
          try {
            s.getValue().onExit().get(10, TimeUnit.SECONDS);
          } catch (Exception ignored) {
            // best effort: the error below is what matters
          }
          Files.deleteIfExists(cluster.pidFile(s.getKey()));
        }
        throw e;
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(abort);
        } catch (IllegalStateException shuttingDown) {
          // Ctrl-C: the hook is stopping the children
        }
      }
      Table t = new Table("NODE", "PID", "ADDRESS", "METRICS", "LOG");
      started.forEach((n, h) -> t.row(n.name(), h.pid(), n.address(), cluster.metrics.metricsUrl(n).orElse("-"),
          cluster.logFile(n)));
      t.print(out, "  ");
      out.println("bootstrap servers: " + cluster.bootstrap(nodes));
      nodes.stream().filter(n -> n.kind() == Kind.REGISTRY).findFirst()
          .ifPresent(n -> out.println("schema registry: " + cluster.registryUrl(n)));
      out.println("zookeeper: " + nodes.get(0).address());
      if (security != null) {
        out.println("secure: " + LocalSecurity.PROTOCOL + " only, " + LocalSecurity.MECHANISM + " user '"
            + LocalSecurity.ADMIN_USER + "', ACLs on, ZooKeeper ACLs on");
        out.println("client properties: " + security.clientFile());
        out.println("CA certificate: " + security.caFile());
      }
      if (!noConsole) {
        out.println(LocalConsole.start(cluster, nodes, consolePort));
      }
      out.println("stop it with: ./tributary local stop" + (dirOption.dir != null ? " --dir " + cluster.dir : ""));
      out.flush();
      return 0;
    }

    private void awaitReady(LocalCluster cluster, LocalCluster.Node n, ProcessHandle h, PrintWriter err)
        throws InterruptedException {
      try {
        cluster.awaitReady(n, h, System.nanoTime() + timeoutS * 1_000_000_000L);
      } catch (CliException e) {
        cluster.printLogTail(n, err);
        throw e;
      }
    }

    private static void checkPort(String option, int port) {
      if (port < 1 || port > 65535) {
        throw new CliException(option + " must be 1-65535, got " + port, 2);
      }
    }
  }

  @Command(name = "add-broker", mixinStandardHelpOptions = true,
      description = "Start one more broker in a running local cluster (next id, next port, the first broker's configuration);"
          + " it registers in ZooKeeper and takes new partitions at once. Existing partitions stay where they are.")
  static final class AddBroker implements Callable<Integer> {
    @Spec CommandSpec spec;

    @picocli.CommandLine.Mixin DirOption dirOption = new DirOption();

    @Option(names = "--port", description = "Port of the new broker (default: one above the highest broker port).")
    Integer port;

    @Option(names = "--broker-config", paramLabel = "KEY=VALUE",
        description = "Extra configuration of the new broker (repeatable), on top of the first broker's.")
    Map<String, String> brokerConfig = new LinkedHashMap<>();

    @Option(names = "--timeout-s", defaultValue = "60",
        description = "How long to wait for the broker to answer (default: ${DEFAULT-VALUE}).")
    int timeoutS;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      LocalCluster cluster = dirOption.cluster();
      List<LocalCluster.Node> nodes = cluster.readState();
      if (nodes.isEmpty()) {
        throw new CliException("no local cluster in " + cluster.dir + "; start one with ./tributary local start");
      }
      LocalCluster.Node zookeeper = nodes.stream().filter(n -> n.kind() == Kind.ZOOKEEPER).findFirst().orElseThrow(
          () -> new CliException(cluster.dir.resolve(LocalCluster.STATE_FILE) + " names no ZooKeeper node"));
      if (cluster.live(zookeeper).isEmpty()) {
        throw new CliException("the local cluster in " + cluster.dir + " is not running (its ZooKeeper is stopped);"
            + " start it with ./tributary local start");
      }
      LocalCluster.Node added = LocalAddedBroker.plan(nodes, port == null ? OptionalInt.empty()
          : OptionalInt.of(port));
      String busy = LocalCluster.portBusy(added.port());
      if (busy != null) {
        throw new CliException("port " + added.port() + " for " + added.name() + " is in use on 127.0.0.1 (" + busy
            + "); choose another with --port");
      }
      LocalCluster.Node template = nodes.stream().filter(n -> n.kind() == Kind.BROKER).findFirst().orElseThrow();
      boolean withMetrics = cluster.metrics.port(template).isPresent();
      OptionalInt metricsPort = withMetrics ? OptionalInt.of(Ports.freePort())
          : OptionalInt.empty();
      Map<String, String> config = LocalAddedBroker.config(cluster.readBrokerConfig(template), added,
          cluster.nodeDir(added).resolve("data").toString(), metricsPort, brokerConfig);
      Path file = cluster.writeBrokerConfig(added, config, "tributary local add-broker");
      if (metricsPort.isPresent()) {
        cluster.metrics.add(added.name(), metricsPort.getAsInt());
      }
      cluster.writeState(LocalAddedBroker.withBroker(nodes, added));
      Process p = ChildJvm.start("512m", List.of("broker", "--config", file.toString()), cluster.logFile(added));
      Files.writeString(cluster.pidFile(added), p.pid() + "\n");
      try {
        cluster.awaitReady(added, p.toHandle(), System.nanoTime() + timeoutS * 1_000_000_000L);
      } catch (CliException | InterruptedException e) {
        cluster.printLogTail(added, err);
        p.destroyForcibly();
        p.onExit().get(10, TimeUnit.SECONDS);
        Files.deleteIfExists(cluster.pidFile(added));
        cluster.writeState(nodes); // the cluster is as it was
        throw e;
      }
      List<LocalCluster.Node> brokers = LocalAddedBroker.withBroker(nodes, added).stream()
          .filter(n -> n.kind() == Kind.BROKER).toList();
      out.println("added broker " + LocalAddedBroker.brokerId(added) + " at " + added.address() + " (pid " + p.pid()
          + ", log " + cluster.logFile(added) + ")");
      cluster.metrics.metricsUrl(added).ifPresent(url -> out.println("metrics: " + url));
      out.println("bootstrap servers: " + cluster.bootstrap(brokers));
      out.println("it takes new partitions now; existing ones stay on their brokers until reassigned"
          + " (kafka-reassign-partitions)");
      out.flush();
      return 0;
    }
  }

  @Command(name = "stop", mixinStandardHelpOptions = true,
      description = "Stop the local cluster: SIGTERM, then SIGKILL after a timeout; removes the pid files.")
  static final class Stop implements Callable<Integer> {
    @Spec CommandSpec spec;

    @picocli.CommandLine.Mixin DirOption dirOption = new DirOption();

    @Option(names = "--timeout-s", defaultValue = "20",
        description = "Seconds to wait after SIGTERM before SIGKILL (default: ${DEFAULT-VALUE}).")
    int timeoutS;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      LocalCluster cluster = dirOption.cluster();
      List<LocalCluster.Node> nodes = cluster.readState();
      if (nodes.isEmpty()) {
        out.println("no local cluster in " + cluster.dir + ": nothing to stop");
        out.flush();
        return 0;
      }
      LocalConsole.stop(cluster, timeoutS * 1000L).ifPresent(out::println); // a client of the others: first
      for (String line : cluster.stop(nodes, timeoutS * 1000L)) {
        out.println(line);
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Which processes are alive (pid, port) and, through the brokers, each topic's partition leaders and ISR.")
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;

    @picocli.CommandLine.Mixin DirOption dirOption = new DirOption();

    @Option(names = "--request-timeout-ms", defaultValue = "5000",
        description = "How long to wait for the brokers to answer (default: ${DEFAULT-VALUE}).")
    int requestTimeoutMs;

    @Option(names = "--json", description = "Print {\"processes\": [{name, kind, pid, port, metrics, health}, ...]} only.")
    boolean json;

    /** The least request timeout against a secure cluster. */
    static final int SECURE_MIN_REQUEST_TIMEOUT_MS = 20_000;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      LocalCluster cluster = dirOption.cluster();
      List<LocalCluster.Node> nodes = cluster.readState();
      if (nodes.isEmpty()) {
        throw new CliException("no local cluster in " + cluster.dir + "; start one with ./tributary local start");
      }
      if (json) {
        out.println(cluster.metrics.statusJson(cluster, nodes));
        out.flush();
        return nodes.stream().allMatch(n -> cluster.live(n).isPresent()) ? 0 : 1;
      }
      out.println("local cluster in " + cluster.dir);
      Table t = new Table("NODE", "PID", "ADDRESS", "STATE");
      List<LocalCluster.Node> liveBrokers = new ArrayList<>();
      int down = 0;
      for (LocalCluster.Node n : nodes) {
        Optional<ProcessHandle> h = cluster.live(n);
        String pid = cluster.pid(n).map(String::valueOf).orElse("-");
        String state;
        if (h.isEmpty()) {
          state = "stopped";
          down++;
        } else if (!LocalCluster.portOpen(n.port())) {
          state = "running, port closed";
        } else {
          state = "running";
          if (n.kind() == Kind.BROKER) {
            liveBrokers.add(n);
          }
        }
        t.row(n.name(), pid, n.address(), state);
      }
      t.print(out, "  ");
      LocalConsole.live(cluster).ifPresent(h -> out.println("console: running, pid " + h.pid() + ", log "
          + LocalConsole.logFile(cluster)));
      if (liveBrokers.isEmpty()) {
        out.println("no broker is running: start the cluster with ./tributary local start");
        out.flush();
        return 1;
      }
      String bootstrap = cluster.bootstrap(liveBrokers);
      out.println("bootstrap servers: " + bootstrap);
      cluster.security().ifPresent(sec -> out.println("security: secure (" + LocalSecurity.PROTOCOL + ", "
          + LocalSecurity.MECHANISM + ", ACLs, ZooKeeper ACLs); client properties " + sec.clientFile() + ", CA "
          + sec.caFile()));
      if (cluster.security().isPresent()) {
        // A cold JVM's first TLS handshake and SCRAM exchange take seconds on a busy machine.
        requestTimeoutMs = Math.max(requestTimeoutMs, SECURE_MIN_REQUEST_TIMEOUT_MS);
      }
      try (Admin admin = Kafka.admin(bootstrap, requestTimeoutMs, cluster.clientSecurity())) {
        printCluster(admin, bootstrap, out);
      }
      out.flush();
      return down == 0 ? 0 : 1;
    }

    private void printCluster(Admin admin, String bootstrap, PrintWriter out) {
      DescribeClusterResult dc = admin.describeCluster();
      Collection<Node> brokers = Kafka.get(dc.nodes(), bootstrap, requestTimeoutMs, "describe the cluster");
      Node controller = Kafka.get(dc.controller(), bootstrap, requestTimeoutMs, "describe the cluster");
      List<String> ids = new ArrayList<>();
      brokers.stream().sorted(Comparator.comparingInt(Node::id)).forEach(b -> ids.add(
          b.id() + "@" + b.host() + ":" + b.port()));
      out.println("brokers: " + String.join(" ", ids) + (controller == null || controller.isEmpty() ? ""
          : " (controller " + controller.id() + ")"));
      Collection<String> names = Kafka.get(admin.listTopics(new ListTopicsOptions().listInternal(true)).names(),
          bootstrap, requestTimeoutMs, "list topics");
      if (names.isEmpty()) {
        out.println("no topics yet: create one with ./tributary topic create NAME -p 3");
        return;
      }
      Map<String, TopicDescription> topics = new TreeMap<>(
          Kafka.get(admin.describeTopics(names).allTopicNames(), bootstrap, requestTimeoutMs, "describe topics"));
      Table t = new Table("TOPIC", "PARTITION", "LEADER", "REPLICAS", "ISR");
      for (TopicDescription d : topics.values()) {
        for (TopicPartitionInfo p : d.partitions()) {
          t.row(d.name(), p.partition(), p.leader() == null || p.leader().isEmpty() ? "none" : p.leader().id(),
              Kafka.ids(p.replicas()), Kafka.ids(p.isr()));
        }
      }
      t.print(out, "");
    }
  }
}
