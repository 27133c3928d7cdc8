package io.tributary.log.embedded;

import io.tributary.log.broker.Broker;
import io.tributary.log.broker.BrokerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A real ZooKeeper and N real brokers in this JVM, on 127.0.0.1 with free ports: for tests of every module,
 * benchmarks and users' own tests. Brokers can be stopped and restarted on the same log dirs and ports.
 */
public final class EmbeddedCluster implements AutoCloseable {
  private final EmbeddedZooKeeper zookeeper;
  private final Path dir;
  private final Map<String, String> overrides;
  private final List<Broker> brokers = new ArrayList<>();
  private final Map<Integer, Integer> ports = new HashMap<>();

  private EmbeddedCluster(EmbeddedZooKeeper zookeeper, Path dir, Map<String, String> overrides) {
    this.zookeeper = zookeeper;
    this.dir = dir;
    this.overrides = overrides;
  }

  public static EmbeddedCluster start(int brokerCount, Path dir) throws Exception {
    return start(brokerCount, dir, Map.of());
  }

  /** Starts ZooKeeper and {@code brokerCount} brokers with ids 0..n-1; {@code overrides} apply to every broker. */
  public static EmbeddedCluster start(int brokerCount, Path dir, Map<String, String> overrides) throws Exception {
    EmbeddedZooKeeper zk = EmbeddedZooKeeper.start("127.0.0.1", 0, dir.resolve("zookeeper"));
    EmbeddedCluster cluster = new EmbeddedCluster(zk, dir, overrides);
    try {
      for (int id = 0; id < brokerCount; id++) {
        cluster.brokers.add(null); // the size is the cluster's from the first broker on (its configs depend on it)
      }
      for (int id = 0; id < brokerCount; id++) {
        cluster.startBroker(id);
      }
      cluster.awaitBrokersSeeEachOther();
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /** (Re)starts broker {@code id} on its log dir, and on its previous port if it had one. */
  public synchronized Broker startBroker(int id) throws Exception {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("broker.id", Integer.toString(id));
    props.put("listeners", "PLAINTEXT://127.0.0.1:" + ports.getOrDefault(id, 0));
    props.put("log.dirs", dir.resolve("broker-" + id).toString());
    props.put("zookeeper.connect", zookeeper.connectString());
    props.put("zookeeper.session.timeout.ms", "6000");
    props.put("num.network.threads", "2");
    // __consumer_offsets is created only once this many brokers are live: as a Kafka user would, size it to the cluster.
    props.put("offsets.topic.replication.factor", Integer.toString(Math.min(3, brokers.size())));
    props.put("transaction.state.log.replication.factor", Integer.toString(Math.min(3, brokers.size())));
    props.putAll(overrides);
    Files.createDirectories(dir.resolve("broker-" + id));
    Broker broker = new Broker(BrokerConfig.of(props));
    broker.start();
    ports.put(id, broker.boundPort());
    brokers.set(id, broker);
    return broker;
  }

  /** Starts a broker with the next id: a broker joining the running cluster (it holds nothing until replicas move). */
  public synchronized Broker addBroker() throws Exception {
    brokers.add(null);
    return startBroker(brokers.size() - 1);
  }

  /** Waits until every running broker's metadata lists every running broker (registration is asynchronous). */
  public void awaitBrokersSeeEachOther() throws InterruptedException {
    long running = brokers.stream().filter(Objects::nonNull).count();
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      if (brokers.stream().filter(Objects::nonNull)
          .allMatch(b -> b.replicaManager().image().liveBrokers().size() == running)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("brokers did not all see each other in ZooKeeper within 30 s");
  }

  /** Stops broker {@code id} cleanly. */
  public synchronized void stopBroker(int id) {
    Broker b = brokers.get(id);
    if (b != null) {
      b.close();
      brokers.set(id, null);
    }
  }

  public Broker broker(int id) {
    return brokers.get(id);
  }

  public int size() {
    return brokers.size();
  }

  public Path logDir(int id) {
    return dir.resolve("broker-" + id);
  }

  public String bootstrapServers() {
    return ports.values().stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
  }

  public String zookeeperConnect() {
    return zookeeper.connectString();
  }

  public Properties producerProps() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    return p;
  }

  public Properties consumerProps() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    return p;
  }

  public Admin admin() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return Admin.create(p);
  }

  /** Creates a topic and waits for it. */
  public void createTopic(String name, int partitions, int replicationFactor, Map<String, String> configs) throws Exception {
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) replicationFactor).configs(configs))).all().get();
    }
  }

  @Override
  public synchronized void close() throws Exception {
    for (int id = 0; id < brokers.size(); id++) {
      stopBroker(id);
    }
    zookeeper.close();
  }
}
