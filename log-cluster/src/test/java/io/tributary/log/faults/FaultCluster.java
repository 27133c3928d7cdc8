package io.tributary.log.faults;

import io.tributary.testkit.BrokerProcess;
import io.tributary.testkit.NamespaceNetwork;
import io.tributary.testkit.TmpfsMount;
import io.tributary.testkit.ZooKeeperEnsemble;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * The cluster of the fault run, real processes only: a 3-member ZooKeeper ensemble and 3 broker JVMs. With
 * root, every member and broker runs in a network namespace of its own ({@link NamespaceNetwork}, so that
 * partitions can be made) and one broker's log directory is a small tmpfs ({@link TmpfsMount}, to fill);
 * without, everything runs on 127.0.0.1 and only process faults are possible.
 */
final class FaultCluster implements AutoCloseable {
  static final int BROKERS = 3;
  static final int ZOOKEEPERS = 3;
  /** The broker whose log directory is the small disk. */
  static final int FULL_DISK_BROKER = 2;
  /** Big enough for the run's data on that broker, small enough to fill in a moment. */
  static final long DISK_BYTES = 512L * 1024 * 1024;
  static final String NET_PREFIX = "trf15";
  static final String SUBNET = "10.215.0";
  static final int BROKER_PORT = 9092;
  /** Generous: a loaded machine takes minutes to start a broker that recovers its logs. */
  static final Duration BROKER_START = Duration.ofMinutes(6);
  /** A broker partitioned from ZooKeeper or paused longer than this loses its session (and its leaderships). */
  static final int SESSION_TIMEOUT_MS = 8_000;

  final NamespaceNetwork network; // null without namespaces
  final TmpfsMount disk; // null without a mount
  final ZooKeeperEnsemble zooKeeper;
  final List<BrokerProcess> brokers = new ArrayList<>();
  private Admin admin;

  private FaultCluster(NamespaceNetwork network, TmpfsMount disk, ZooKeeperEnsemble zooKeeper) {
    this.network = network;
    this.disk = disk;
    this.zooKeeper = zooKeeper;
  }

  static String brokerNode(int id) {
    return "b" + id;
  }

  static String zooKeeperNode(int index) {
    return "z" + index;
  }

  /** Starts the ensemble and the brokers; {@code namespaces}/{@code fullDisk} say which faults the machine allows. */
  static FaultCluster start(Path dir, boolean namespaces, boolean fullDisk) throws Exception {
    NamespaceNetwork network = null;
    TmpfsMount disk = null;
    ZooKeeperEnsemble zk = null;
    try {
      if (namespaces) {
        List<String> nodes = new ArrayList<>();
        IntStream.range(0, BROKERS).forEach(i -> nodes.add(brokerNode(i)));
        IntStream.range(0, ZOOKEEPERS).forEach(i -> nodes.add(zooKeeperNode(i)));
        network = NamespaceNetwork.create(NET_PREFIX, SUBNET, nodes);
        NamespaceNetwork net = network;
        zk = ZooKeeperEnsemble.onHosts(dir.resolve("zk"),
            IntStream.range(0, ZOOKEEPERS).mapToObj(i -> net.address(zooKeeperNode(i))).toList(),
            i -> net.execPrefix(zooKeeperNode(i)));
      } else {
        zk = ZooKeeperEnsemble.onLoopback(dir.resolve("zk"), ZOOKEEPERS);
      }
      if (fullDisk) {
        disk = TmpfsMount.mount(dir.resolve("disk"), DISK_BYTES);
      }
      FaultCluster cluster = new FaultCluster(network, disk, zk);
      try {
        cluster.startBrokers(dir);
      } catch (Exception | Error e) {
        cluster.close();
        throw e;
      }
      return cluster;
    } catch (Exception | Error e) {
      if (zk != null) {
        zk.close();
      }
      if (disk != null) {
        disk.close();
      }
      if (network != null) {
        network.close();
      }
      throw e;
    }
  }

  private void startBrokers(Path dir) throws Exception {
    for (int id = 0; id < BROKERS; id++) {
      Map<String, String> config = new java.util.LinkedHashMap<>(Map.ofEntries(
          Map.entry("broker.id", Integer.toString(id)),
          Map.entry("zookeeper.connect", zooKeeper.connectString()),
          Map.entry("zookeeper.session.timeout.ms", Integer.toString(SESSION_TIMEOUT_MS)),
          Map.entry("default.replication.factor", "3"), Map.entry("min.insync.replicas", "2"),
          Map.entry("offsets.topic.num.partitions", "3"), Map.entry("offsets.topic.replication.factor", "3"),
          Map.entry("transaction.state.log.num.partitions", "3"), Map.entry("transaction.state.log.replication.factor", "3"),
          Map.entry("transaction.state.log.min.isr", "2"), Map.entry("replica.lag.time.max.ms", "10000"),
          Map.entry("auto.leader.rebalance.enable", "false"),
          Map.entry("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000")));
      List<String> prefix = List.of();
      if (network != null) {
        String host = network.address(brokerNode(id));
        config.put("listeners", "PLAINTEXT://" + host + ":" + BROKER_PORT);
        config.put("advertised.listeners", "PLAINTEXT://" + host + ":" + BROKER_PORT);
        prefix = network.execPrefix(brokerNode(id));
      }
      if (disk != null && id == FULL_DISK_BROKER) {
        config.put("log.dirs", disk.dir().resolve("data").toString());
      }
      brokers.add(new BrokerProcess(dir.resolve("broker-" + id), config, prefix));
    }
    for (BrokerProcess b : brokers) {
      b.start();
    }
    for (BrokerProcess b : brokers) {
      b.awaitReady(BROKER_START);
    }
  }

  String bootstrap() {
    return brokers.stream().map(BrokerProcess::bootstrap).collect(Collectors.joining(","));
  }

  synchronized Admin admin() {
    if (admin == null) {
      Properties p = new Properties();
      p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
      p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
      p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
      admin = Admin.create(p);
    }
    return admin;
  }

  /** Closes the Admin client; the next {@link #admin()} is a new one, with fresh metadata. */
  synchronized void resetAdmin() {
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
      admin = null;
    }
  }

  /** The broker that is the controller now, as the cluster tells (-1 if none). */
  int controller() throws Exception {
    var node = admin().describeCluster().controller().get(20, TimeUnit.SECONDS);
    return node == null ? -1 : node.id();
  }

  /**
   * Until every broker is registered and every partition of {@code topics} has a leader and all
   * {@link #BROKERS} replicas in sync; fails
   * with the last description after {@code timeout}.
   */
  void awaitHealthy(List<String> topics, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        Collection<TopicDescription> described = admin().describeTopics(topics).allTopicNames().get(20, TimeUnit.SECONDS).values();
        List<String> unhealthy = described.stream().flatMap(d -> d.partitions().stream()
            .filter(p -> !healthy(p)).map(p -> d.name() + "-" + p.partition() + " leader=" + p.leader() + " isr=" + p.isr().size()))
            .toList();
        // Every broker registered too: a broker whose session expired has a full ISR for a while, yet the
        // controller refuses to assign it replicas until it registers again.
        int registered = admin().describeCluster().nodes().get(20, TimeUnit.SECONDS).size();
        if (unhealthy.isEmpty() && controller() >= 0 && registered == BROKERS) {
          return;
        }
        last = unhealthy + ", " + registered + " of " + BROKERS + " brokers registered";
      } catch (Exception e) {
        last = e.toString();
      }
      Thread.sleep(500);
    }
    throw new AssertionError("partitions not healthy (leader and full ISR) within " + timeout + ": " + last);
  }

  private static boolean healthy(TopicPartitionInfo p) {
    return p.leader() != null && p.leader().id() >= 0 && p.isr().size() == BROKERS;
  }

  @Override
  public void close() {
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
    }
    for (BrokerProcess b : brokers) {
      resume(b);
      b.close();
    }
    zooKeeper.members().forEach(m -> {
      try {
        if (m.isAlive()) {
          m.sigcont();
        }
      } catch (Exception e) {
        // closing anyway
      }
      m.close();
    });
    if (disk != null) {
      disk.close();
    }
    if (network != null) {
      network.close();
    }
  }

  private static void resume(BrokerProcess b) {
    try {
      if (b.isAlive()) {
        b.sigcont();
      }
    } catch (Exception e) {
      // closing anyway
    }
  }
}
