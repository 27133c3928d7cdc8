package io.tributary.cli;

import io.tributary.cli.LocalCluster.Kind;
import io.tributary.cli.LocalCluster.Node;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The pure decisions of {@code local add-broker}: the new broker's id, port and place among the nodes, and its
 * configuration, derived from a running broker's so that every broker of the cluster is configured alike
 * (ZooKeeper, replication factors, the {@code --broker-config} given at start).
 */
final class LocalAddedBroker {
  /** Brokers a local cluster may have, as {@code local start --brokers} allows. */
  static final int MAX_BROKERS = 16;

  private LocalAddedBroker() {}

  /**
   * The next broker: id one above the highest, port {@code requestedPort} or one above the highest broker port
   * that no other node uses.
   */
  static Node plan(List<Node> nodes, OptionalInt requestedPort) {
    List<Node> brokers = nodes.stream().filter(n -> n.kind() == Kind.BROKER).toList();
    if (brokers.isEmpty()) {
      throw new CliException("the local cluster has no broker to copy the configuration of; start one with ./tributary local start");
    }
    if (brokers.size() >= MAX_BROKERS) {
      throw new CliException("the local cluster has " + brokers.size() + " brokers already, the most a local cluster may have");
    }
    int id = brokers.stream().mapToInt(LocalAddedBroker::brokerId).max().getAsInt() + 1;
    int port;
    if (requestedPort.isPresent()) {
      port = requestedPort.getAsInt();
      if (port < 1 || port > 65535) {
        throw new CliException("--port must be 1-65535, got " + port, 2);
      }
      for (Node n : nodes) {
        if (n.port() == port) {
          throw new CliException("port " + port + " is " + n.name() + "'s in this local cluster; choose another with --port", 2);
        }
      }
    } else {
      port = brokers.stream().mapToInt(Node::port).max().getAsInt() + 1;
      while (taken(nodes, port)) {
        port++;
      }
      if (port > 65535) {
        throw new CliException("no port above the brokers' is left; choose one with --port", 2);
      }
    }
    return new Node("broker-" + id, Kind.BROKER, port);
  }

  private static boolean taken(List<Node> nodes, int port) {
    return nodes.stream().anyMatch(n -> n.port() == port);
  }

  static int brokerId(Node broker) {
    return Integer.parseInt(broker.name().substring("broker-".length()));
  }

  /** The nodes with {@code added} after the last broker (so that stop and status list the brokers together). */
  static List<Node> withBroker(List<Node> nodes, Node added) {
    List<Node> out = new ArrayList<>(nodes);
    int lastBroker = -1;
    for (int i = 0; i < out.size(); i++) {
      if (out.get(i).kind() == Kind.BROKER) {
        lastBroker = i;
      }
    }
    out.add(lastBroker + 1, added);
    return out;
  }

  /**
   * The new broker's configuration: {@code template} (another broker's) with the keys that identify a broker —
   * id, listener, log dirs, metrics port — its own, then {@code overrides} on top.
   */
  static Map<String, String> config(Map<String, String> template, Node added, String logDir, OptionalInt metricsPort,
      Map<String, String> overrides) {
    Map<String, String> cfg = new LinkedHashMap<>(template);
    cfg.put("broker.id", Integer.toString(brokerId(added)));
    cfg.put("listeners", "PLAINTEXT://" + added.address());
    cfg.remove("advertised.listeners"); // another broker's address must not be advertised for this one
    cfg.put("log.dirs", logDir);
    if (metricsPort.isPresent()) {
      cfg.put("metrics.port", Integer.toString(metricsPort.getAsInt()));
    } else {
      cfg.remove("metrics.port");
    }
    cfg.putAll(overrides);
    return cfg;
  }
}
