package io.tributary.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.Writer;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * A local cluster of real background processes under one directory:
 *
 * <pre>
 *   D/cluster.properties        the nodes (name, kind, port), written at start
 *   D/&lt;node&gt;.pid, D/&lt;node&gt;.log   one per process
 *   D/zookeeper/data            ZooKeeper's snapshots and logs
 *   D/broker-N/server.properties, D/broker-N/data
 * </pre>
 *
 * Extension point: a node is a {@link Node} of some {@link Kind}; the schema registry will be a third kind
 * (its args, readiness check and status line go in the three switch statements below, and {@link #plan}
 * appends it after the brokers).
 */
final class LocalCluster {
  static final String STATE_FILE = "cluster.properties";
  static final String HOST = "127.0.0.1";

  enum Kind { ZOOKEEPER, BROKER, REGISTRY }

  /** One process of the cluster. */
  record Node(String name, Kind kind, int port) {
    String address() {
      return HOST + ":" + port;
    }
  }

  final Path dir;
  final LocalMetrics metrics;
  /** Present when the cluster was started with {@code --secure}: its secrets, certificates and keys. */
  private Optional<LocalSecurity> security;

  LocalCluster(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
    this.metrics = new LocalMetrics(this.dir);
    this.security = LocalSecurity.of(this.dir);
  }

  Optional<LocalSecurity> security() {
    return security;
  }

  /** {@code local start --secure}: keeps this directory's secrets if it has some (a restart), else makes new ones. */
  LocalSecurity secure(List<Node> nodes) throws IOException, java.security.GeneralSecurityException {
    if (security.isEmpty()) {
      security = Optional.of(LocalSecurity.generate(dir, nodes));
    }
    return security.get();
  }

  /** The Kafka client properties the brokers need: the admin's when secure, else none. */
  Properties clientSecurity() {
    return security.map(LocalSecurity::adminClientProperties).orElseGet(Properties::new);
  }

  /** {@code $TRIBUTARY_HOME/.local/cluster}, else {@code <repo root>/.local/cluster}, else {@code ./.local/cluster}. */
  static Path defaultDir() {
    String env = System.getenv("TRIBUTARY_HOME");
    String root = env != null && !env.isBlank() ? env : System.getProperty("tributary.home", ".");
    return Path.of(root, ".local", "cluster");
  }

  static List<Node> plan(int brokers, int zookeeperPort, int basePort) {
    return plan(brokers, zookeeperPort, basePort, -1);
  }

  /** The nodes in start order: ZooKeeper, the brokers, then a schema registry node (unless {@code registryPort < 0}). */
  static List<Node> plan(int brokers, int zookeeperPort, int basePort, int registryPort) {
    List<Node> nodes = new ArrayList<>();
    nodes.add(new Node("zookeeper", Kind.ZOOKEEPER, zookeeperPort));
    for (int i = 0; i < brokers; i++) {
      nodes.add(new Node("broker-" + i, Kind.BROKER, basePort + i));
    }
    if (registryPort >= 0) {
      nodes.add(new Node("registry", Kind.REGISTRY, registryPort));
    }
    return nodes;
  }

  Path pidFile(Node n) {
    return dir.resolve(n.name() + ".pid");
  }

  Path logFile(Node n) {
    return dir.resolve(n.name() + ".log");
  }

  Path nodeDir(Node n) {
    return dir.resolve(n.name());
  }

  // ---- state on disk ----

  void writeState(List<Node> nodes) throws IOException {
    Files.createDirectories(dir);
    Properties p = new Properties();
    List<String> names = new ArrayList<>();
    for (Node n : nodes) {
      names.add(n.name());
      p.setProperty(n.name() + ".kind", n.kind().name().toLowerCase());
      p.setProperty(n.name() + ".port", Integer.toString(n.port()));
    }
    p.setProperty("nodes", String.join(",", names));
    try (Writer w = Files.newBufferedWriter(dir.resolve(STATE_FILE))) {
      p.store(w, "tributary local cluster: the processes started in this directory");
    }
  }

  /** The nodes recorded at the last start, empty if no cluster was ever started here. */
  List<Node> readState() {
    Path f = dir.resolve(STATE_FILE);
    if (!Files.isRegularFile(f)) {
      return List.of();
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(f)) {
      p.load(r);
      List<Node> nodes = new ArrayList<>();
      for (String name : p.getProperty("nodes", "").split(",")) {
        if (name.isBlank()) {
          continue;
        }
        Kind kind = Kind.valueOf(p.getProperty(name + ".kind").toUpperCase());
        nodes.add(new Node(name, kind, Integer.parseInt(p.getProperty(name + ".port"))));
      }
      return nodes;
    } catch (IOException | RuntimeException e) {
      throw new CliException(f + " is unreadable (" + Errors.message(e) + "); stop the processes by hand and delete "
          + dir);
    }
  }

  Optional<Long> pid(Node n) {
    try {
      return Optional.of(Long.parseLong(Files.readString(pidFile(n)).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The node's process if its pid file names a live process of ours. */
  Optional<ProcessHandle> live(Node n) {
    return pid(n).flatMap(ChildJvm::live);
  }

  Map<Node, ProcessHandle> liveNodes() {
    Map<Node, ProcessHandle> out = new LinkedHashMap<>();
    for (Node n : readState()) {
      live(n).ifPresent(h -> out.put(n, h));
    }
    return out;
  }

  String bootstrap(List<Node> nodes) {
    List<String> addrs = new ArrayList<>();
    for (Node n : nodes) {
      if (n.kind() == Kind.BROKER) {
        addrs.add(n.address());
      }
    }
    return String.join(",", addrs);
  }

  // ---- start ----

  /** The command line of the child process for one node. */
  List<String> args(Node n, List<Node> all, Map<String, String> brokerOverrides) throws IOException {
    switch (n.kind()) {
      case ZOOKEEPER:
        return List.of("zookeeper", "--host", HOST, "--port", Integer.toString(n.port()),
            "--dir", nodeDir(n).resolve("data").toString());
      case BROKER: {
        Path config = writeBrokerConfig(n, all, brokerOverrides);
        return List.of("broker", "--config", config.toString());
      }
      case REGISTRY: {
        Path config = writeRegistryConfig(n, all);
        return List.of("registry", "--config", config.toString());
      }
      default:
        throw new IllegalStateException("unknown node kind " + n.kind());
    }
  }

  private Path writeRegistryConfig(Node n, List<Node> all) throws IOException {
    int brokers = (int) all.stream().filter(x -> x.kind() == Kind.BROKER).count();
    Node zk = all.stream().filter(x -> x.kind() == Kind.ZOOKEEPER).findFirst().orElseThrow();
    Map<String, String> cfg = new LinkedHashMap<>();
    cfg.put("listeners", "http://" + n.address());
    cfg.put("host.name", HOST);
    cfg.put("kafkastore.bootstrap.servers", bootstrap(all));
    cfg.put("kafkastore.topic.replication.factor", Integer.toString(Math.min(3, brokers)));
    cfg.put("zookeeper.connect", zk.address());
    metrics.port(n).ifPresent(port -> cfg.put("metrics.port", Integer.toString(port)));
    security.ifPresent(sec -> cfg.putAll(sec.registryConfig(n)));
    Files.createDirectories(nodeDir(n));
    return writeConfig(nodeDir(n).resolve("registry.properties"),
        "# written by tributary local start (see docs/schema-registry.md)\n", cfg);
  }

  /** Writes {@code key=value} lines; owner-only when secure (the file holds passwords). */
  private Path writeConfig(Path file, String header, Map<String, String> cfg) throws IOException {
    Properties p = new Properties();
    cfg.forEach(p::setProperty);
    LocalSecurity.IoWriter body = w -> {
      w.write(header);
      for (Map.Entry<String, String> e : cfg.entrySet()) {
        w.write(e.getKey() + "=" + e.getValue().replace("\\", "\\\\") + "\n"); // as Properties.load reads it back
      }
    };
    if (security.isPresent()) {
      LocalSecurity.writeOwnerOnly(file, body);
    } else {
      try (Writer w = Files.newBufferedWriter(file)) {
        body.write(w);
      }
    }
    return file;
  }

  /** The registry's URL: https when the cluster is secure. */
  String registryUrl(Node n) {
    return (security.isPresent() ? "https://" : "http://") + n.address();
  }

  /** The registry answers on its port (secure: over TLS verified against the cluster's CA, any HTTP status). */
  boolean registryServes(Node n) {
    if (security.isEmpty()) {
      return registryAnswers(n);
    }
    try {
      javax.net.ssl.HttpsURLConnection c = (javax.net.ssl.HttpsURLConnection) URI.create(registryUrl(n) + "/subjects")
          .toURL().openConnection();
      c.setSSLSocketFactory(security.get().trustingCa().getSocketFactory());
      c.setConnectTimeout(1000);
      c.setReadTimeout(2000);
      int code = c.getResponseCode();
      return code == 200 || code == 401;
    } catch (IOException | java.security.GeneralSecurityException e) {
      return false;
    }
  }

  /** The registry answers HTTP on its port. */
  static boolean registryAnswers(Node n) {
    try {
      HttpURLConnection c = (HttpURLConnection) new URL("http://" + n.address() + "/subjects").openConnection();
      c.setConnectTimeout(1000);
      c.setReadTimeout(2000);
      return c.getResponseCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  private Path writeBrokerConfig(Node n, List<Node> all, Map<String, String> overrides) throws IOException {
    int brokers = (int) all.stream().filter(x -> x.kind() == Kind.BROKER).count();
    Node zk = all.stream().filter(x -> x.kind() == Kind.ZOOKEEPER).findFirst().orElseThrow();
    int id = Integer.parseInt(n.name().substring("broker-".length()));
    Map<String, String> cfg = new LinkedHashMap<>();
    cfg.put("broker.id", Integer.toString(id));
    cfg.put("listeners", "PLAINTEXT://" + n.address());
    cfg.put("log.dirs", nodeDir(n).resolve("data").toString());
    cfg.put("zookeeper.connect", zk.address());
    cfg.put("offsets.topic.replication.factor", Integer.toString(Math.min(3, brokers)));
    cfg.put("transaction.state.log.replication.factor", Integer.toString(Math.min(3, brokers)));
    cfg.put("default.replication.factor", Integer.toString(Math.min(3, brokers)));
    metrics.port(n).ifPresent(port -> cfg.put("metrics.port", Integer.toString(port)));
    security.ifPresent(sec -> cfg.putAll(sec.brokerConfig(n)));
    cfg.putAll(overrides);
    return writeBrokerConfig(n, cfg, "tributary local start");
  }

  /** Writes {@code D/broker-N/server.properties}; returns its path. */
  Path writeBrokerConfig(Node n, Map<String, String> cfg, String writer) throws IOException {
    Files.createDirectories(nodeDir(n));
    return writeConfig(nodeDir(n).resolve("server.properties"),
        "# written by " + writer + "; Kafka key names (see docs/cli.md)\n", cfg);
  }

  /** A broker's configuration as written at start, in file order. */
  Map<String, String> readBrokerConfig(Node n) {
    Path file = nodeDir(n).resolve("server.properties");
    Map<String, String> cfg = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(file)) {
        String trimmed = line.trim();
        int eq = trimmed.indexOf('=');
        if (trimmed.isEmpty() || trimmed.startsWith("#") || eq < 0) {
          continue;
        }
        cfg.put(trimmed.substring(0, eq).trim(), trimmed.substring(eq + 1).trim());
      }
    } catch (IOException e) {
      throw new CliException("cannot read " + file + " (" + Errors.message(e) + ")");
    }
    return cfg;
  }

  /** Waits until the node answers, failing fast if its process exits. */
  void awaitReady(Node n, ProcessHandle process, long deadlineNanos) throws InterruptedException {
    while (true) {
      if (!process.isAlive()) {
        throw exited(n);
      }
      boolean ready;
      switch (n.kind()) {
        case ZOOKEEPER:
          ready = zookeeperOk(n.port());
          break;
        case BROKER:
          ready = brokerAnswers(n.address(), 2000, clientSecurity());
          break;
        case REGISTRY:
          ready = registryServes(n);
          break;
        default:
          throw new IllegalStateException("unknown node kind " + n.kind());
      }
      if (ready) {
        return;
      }
      if (System.nanoTime() > deadlineNanos) {
        throw new CliException(n.name() + " did not answer at " + n.address() + " in time; see " + logFile(n));
      }
      Thread.sleep(250);
    }
  }

  CliException exited(Node n) {
    return new CliException(n.name() + " exited during start; see " + logFile(n));
  }

  /** ZooKeeper's four-letter {@code ruok}: "imok" when serving. */
  static boolean zookeeperOk(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(HOST, port), 1000);
      s.setSoTimeout(1000);
      OutputStream out = s.getOutputStream();
      out.write("ruok".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII).equals("imok");
    } catch (IOException e) {
      return false;
    }
  }

  static boolean portOpen(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(HOST, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Null if the port can be bound on 127.0.0.1, else why not. */
  static String portBusy(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true); // as servers do: connections in TIME_WAIT do not make a port busy
      s.bind(new InetSocketAddress(HOST, port));
      return null;
    } catch (IOException e) {
      return String.valueOf(e.getMessage());
    }
  }

  /** True when a TCP connect succeeds and Admin describeCluster answers within the timeout. */
  static boolean brokerAnswers(String address, int timeoutMs) {
    return brokerAnswers(address, timeoutMs, new Properties());
  }

  /** As above, with Kafka client security properties (empty: plaintext). */
  static boolean brokerAnswers(String address, int timeoutMs, Properties clientSecurity) {
    int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    if (!portOpen(port)) {
      return false;
    }
    try (Admin admin = Kafka.admin(address, timeoutMs, clientSecurity)) {
      admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs)).nodes()
          .get(timeoutMs + 500L, TimeUnit.MILLISECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  /** Prints the end of a node's log to help the user see why it failed. */
  void printLogTail(Node n, PrintWriter err) {
    List<String> tail = ChildJvm.tail(logFile(n), 15);
    if (!tail.isEmpty()) {
      err.println("last lines of " + logFile(n) + ":");
      tail.forEach(l -> err.println("  | " + l));
      err.flush();
    }
  }

  /** Stops the nodes (brokers before ZooKeeper), SIGTERM then SIGKILL; returns one line per node. */
  List<String> stop(List<Node> nodes, long timeoutMs) throws IOException {
    List<String> report = new ArrayList<>();
    List<List<Node>> waves = List.of(
        nodes.stream().filter(n -> n.kind() != Kind.ZOOKEEPER).toList(),
        nodes.stream().filter(n -> n.kind() == Kind.ZOOKEEPER).toList());
    for (List<Node> wave : waves) {
      Map<Node, ProcessHandle> running = new LinkedHashMap<>();
      for (Node n : wave) {
        Optional<ProcessHandle> h = live(n);
        if (h.isPresent()) {
          h.get().destroy(); // SIGTERM to the whole wave first, so they shut down in parallel
          running.put(n, h.get());
        } else {
          report.add(n.name() + " was not running");
        }
        Files.deleteIfExists(pidFile(n));
      }
      long deadline = System.nanoTime() + Duration.ofMillis(timeoutMs).toNanos();
      for (Map.Entry<Node, ProcessHandle> e : running.entrySet()) {
        long left = Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
        boolean killed = ChildJvm.stop(e.getValue(), left);
        report.add("stopped " + e.getKey().name() + " (pid " + e.getValue().pid() + ")"
            + (killed ? " with SIGKILL after " + Kafka.seconds(timeoutMs) : ""));
      }
    }
    return report;
  }
}
