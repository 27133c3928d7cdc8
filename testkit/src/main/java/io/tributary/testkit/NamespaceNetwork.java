package io.tributary.testkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Nodes in network namespaces of their own, each with a veth into one bridge of the root namespace (which
 * holds {@code <subnet>.1}, so that the test JVM reaches every node). A network partition between two nodes
 * is a pair of blackhole routes ({@code ip -n A route add blackhole B/32} and the reverse), healed by deleting
 * them: no netem, nftables or iptables needed, only {@code ip} and root. Everything is named with a prefix so
 * that a killed run's leftovers are found and removed ({@link #removeStale}).
 *
 * <pre>{@code
 * try (NamespaceNetwork net = NamespaceNetwork.create("trf15", "10.215.0", List.of("b0", "b1"))) {
 *   JvmProcessBuilder...commandPrefix(net.execPrefix("b0")) ... net.partition("b0", "b1"); net.heal("b0", "b1");
 * }
 * }</pre>
 */
public final class NamespaceNetwork implements AutoCloseable {
  /** Host addresses of nodes start here (.1 is the bridge in the root namespace). */
  static final int FIRST_HOST = 10;

  private final String prefix;
  private final Map<String, String> addresses = new LinkedHashMap<>();
  private final Set<List<String>> blocked = new LinkedHashSet<>(); // directed pairs {from, to}

  private NamespaceNetwork(String prefix) {
    this.prefix = prefix;
  }

  /**
   * True if this process may create network namespaces (root with CAP_SYS_ADMIN and the {@code ip} tool):
   * tried with a probe namespace that is removed at once.
   */
  public static boolean available(String prefix) {
    String probe = prefix + "-probe";
    Command.run("ip", "netns", "del", probe);
    boolean ok = Command.run("ip", "netns", "add", probe).ok();
    Command.run("ip", "netns", "del", probe);
    return ok;
  }

  /** Deletes every namespace named {@code <prefix>-*} and the bridge {@code <prefix>br}, as a killed run left them. */
  public static void removeStale(String prefix) {
    for (String line : Command.run("ip", "netns", "list").output().split("\n")) {
      String name = line.trim().split("\\s+")[0];
      if (name.startsWith(prefix + "-")) {
        Command.run("ip", "netns", "del", name);
      }
    }
    Command.run("ip", "link", "del", bridge(prefix));
  }

  /**
   * A bridge {@code <prefix>br} with {@code <subnet>.1/24} and one namespace {@code <prefix>-<node>} per node at
   * {@code <subnet>.10}, {@code .11}, ... Stale ones of the same prefix are removed first.
   */
  public static NamespaceNetwork create(String prefix, String subnet24, List<String> nodes) {
    if (prefix.length() + nodes.stream().mapToInt(String::length).max().orElse(0) > 15) {
      throw new IllegalArgumentException("prefix + node name must fit an interface name (15 characters): " + prefix);
    }
    removeStale(prefix);
    NamespaceNetwork net = new NamespaceNetwork(prefix);
    try {
      String br = bridge(prefix);
      Command.check("ip", "link", "add", br, "type", "bridge");
      Command.check("ip", "addr", "add", subnet24 + ".1/24", "dev", br);
      Command.check("ip", "link", "set", br, "up");
      for (int i = 0; i < nodes.size(); i++) {
        String node = nodes.get(i);
        String ns = net.namespace(node);
        String address = subnet24 + "." + (FIRST_HOST + i);
        Command.check("ip", "netns", "add", ns);
        Command.check("ip", "link", "add", prefix + node, "type", "veth", "peer", "name", "eth0", "netns", ns);
        Command.check("ip", "link", "set", prefix + node, "master", br, "up");
        Command.check("ip", "-n", ns, "addr", "add", address + "/24", "dev", "eth0");
        Command.check("ip", "-n", ns, "link", "set", "eth0", "up");
        Command.check("ip", "-n", ns, "link", "set", "lo", "up");
        net.addresses.put(node, address);
      }
    } catch (RuntimeException e) {
      net.close();
      throw e;
    }
    return net;
  }

  private static String bridge(String prefix) {
    return prefix + "br";
  }

  public String namespace(String node) {
    return prefix + "-" + node;
  }

  public String address(String node) {
    String a = addresses.get(node);
    if (a == null) {
      throw new IllegalArgumentException("no node " + node + " in " + addresses.keySet());
    }
    return a;
  }

  /** The words that start a process inside the node's namespace ({@code ip netns exec} execs it: same pid). */
  public List<String> execPrefix(String node) {
    address(node);
    return List.of("ip", "netns", "exec", namespace(node));
  }

  /** Drops every packet between {@code a} and {@code b}, both ways (idempotent). */
  public synchronized void partition(String a, String b) {
    block(a, b);
    block(b, a);
  }

  /** Undoes {@link #partition} (idempotent). */
  public synchronized void heal(String a, String b) {
    unblock(a, b);
    unblock(b, a);
  }

  /** Removes every partition. */
  public synchronized void healAll() {
    for (List<String> pair : new ArrayList<>(blocked)) {
      unblock(pair.get(0), pair.get(1));
    }
  }

  private void block(String from, String to) {
    if (blocked.add(List.of(from, to))) {
      Command.check("ip", "-n", namespace(from), "route", "add", "blackhole", address(to) + "/32");
    }
  }

  private void unblock(String from, String to) {
    if (blocked.remove(List.of(from, to))) {
      Command.check("ip", "-n", namespace(from), "route", "del", "blackhole", address(to) + "/32");
    }
  }

  /** Deletes the namespaces (their veths go with them) and the bridge. */
  @Override
  public void close() {
    removeStale(prefix);
  }
}
