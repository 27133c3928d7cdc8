package io.tributary.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.cli.LocalCluster.Kind;
import io.tributary.cli.LocalCluster.Node;
import io.tributary.testkit.Ports;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;

/**
 * The metrics and health listeners of a local cluster's processes ({@code metrics.port} of each broker and of the
 * registry; ZooKeeper has none and answers {@code ruok}). Their ports are chosen at start, from
 * {@code --metrics-base-port} (one after another, in node order) or free ones, and kept in
 * {@code D/metrics.properties} next to the cluster's state.
 */
final class LocalMetrics {
  static final String STATE_FILE = "metrics.properties";
  /** How long a health probe waits for a process's listener. */
  private static final int PROBE_TIMEOUT_MS = 2_000;

  private final Path file;

  LocalMetrics(Path clusterDir) {
    this.file = clusterDir.resolve(STATE_FILE);
  }

  /** Brokers and registry nodes serve metrics; ZooKeeper does not. */
  static boolean served(Node n) {
    return n.kind() != Kind.ZOOKEEPER;
  }

  /** The metrics port of each node that serves metrics: {@code basePort} + i, or free ports when it is 0. */
  static Map<String, Integer> plan(List<Node> nodes, int basePort) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    int next = basePort;
    for (Node n : nodes) {
      if (served(n)) {
        ports.put(n.name(), basePort == 0 ? Ports.freePort() : next++);
      }
    }
    return ports;
  }

  void write(Map<String, Integer> ports) throws IOException {
    Properties p = new Properties();
    ports.forEach((name, port) -> p.setProperty(name + ".metrics.port", Integer.toString(port)));
    try (Writer w = Files.newBufferedWriter(file)) {
      p.store(w, "tributary local cluster: the metrics port of each process");
    }
  }

  /** Records one more node's metrics port, keeping the others'. */
  void add(String nodeName, int port) throws IOException {
    Properties p = new Properties();
    if (Files.isRegularFile(file)) {
      try (Reader r = Files.newBufferedReader(file)) {
        p.load(r);
      }
    }
    p.setProperty(nodeName + ".metrics.port", Integer.toString(port));
    try (Writer w = Files.newBufferedWriter(file)) {
      p.store(w, "tributary local cluster: the metrics port of each process");
    }
  }

  /** The node's metrics port, empty for ZooKeeper and for a cluster started before metrics existed. */
  OptionalInt port(Node n) {
    if (!Files.isRegularFile(file)) {
      return OptionalInt.empty();
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String port = p.getProperty(n.name() + ".metrics.port");
    return port == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(port));
  }

  Optional<String> metricsUrl(Node n) {
    OptionalInt port = port(n);
    return port.isEmpty() ? Optional.empty()
        : Optional.of("http://" + LocalCluster.HOST + ":" + port.getAsInt() + "/metrics");
  }

  /** "ready", "not ready" (answering, not ready; or not answering) or "stopped" (no process). */
  String health(Node n, boolean alive) {
    if (!alive) {
      return "stopped";
    }
    if (n.kind() == Kind.ZOOKEEPER) {
      return LocalCluster.zookeeperOk(n.port()) ? "ready" : "not ready";
    }
    OptionalInt port = port(n);
    if (port.isEmpty()) {
      return LocalCluster.portOpen(n.port()) ? "running" : "not ready";
    }
    return readyStatus("http://" + LocalCluster.HOST + ":" + port.getAsInt() + "/health/ready") == 200 ? "ready"
        : "not ready";
  }

  private static int readyStatus(String url) {
    try {
      HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
      c.setConnectTimeout(PROBE_TIMEOUT_MS);
      c.setReadTimeout(PROBE_TIMEOUT_MS);
      return c.getResponseCode();
    } catch (IOException e) {
      return -1;
    }
  }

  /** {@code {"processes": [{"name", "kind", "pid", "port", "metrics", "health"}, ...]}} for {@code local status --json}. */
  String statusJson(LocalCluster cluster, List<Node> nodes) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    ArrayNode processes = root.putArray("processes");
    for (Node n : nodes) {
      Optional<ProcessHandle> h = cluster.live(n);
      ObjectNode p = processes.addObject();
      p.put("name", n.name());
      p.put("kind", n.kind().name().toLowerCase());
      if (h.isPresent()) {
        p.put("pid", h.get().pid());
      } else {
        p.putNull("pid");
      }
      p.put("port", n.port());
      Optional<String> url = metricsUrl(n);
      if (url.isPresent()) {
        p.put("metrics", url.get());
      } else {
        p.putNull("metrics");
      }
      p.put("health", health(n, h.isPresent()));
    }
    return json.writerWithDefaultPrettyPrinter().writeValueAsString(root);
  }
}
