package io.tributary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.cli.LocalCluster.Kind;
import io.tributary.cli.LocalCluster.Node;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The decisions of {@code local add-broker}: id, port, place among the nodes, configuration. */
class LocalAddedBrokerTest {
  static final Node ZK = new Node("zookeeper", Kind.ZOOKEEPER, 2181);
  static final Node REGISTRY = new Node("registry", Kind.REGISTRY, 8081);

  static List<Node> cluster(int brokers, int basePort) {
    return LocalCluster.plan(brokers, 2181, basePort, 8081);
  }

  @Test
  void nextIdAndPortFollowTheHighestBroker() {
    assertEquals(new Node("broker-3", Kind.BROKER, 9095), LocalAddedBroker.plan(cluster(3, 9092), OptionalInt.empty()));
    assertEquals(new Node("broker-3", Kind.BROKER, 9200), LocalAddedBroker.plan(cluster(3, 9092), OptionalInt.of(9200)));
  }

  @Test
  void theNextPortSkipsPortsOtherNodesUse() {
    // broker-0 on 8080: the next port, 8081, is the registry's.
    assertEquals(8082, LocalAddedBroker.plan(cluster(1, 8080), OptionalInt.empty()).port());
  }

  @Test
  void badRequestsAreRefusedWithTheProblemNamed() {
    assertTrue(assertThrows(CliException.class, () -> LocalAddedBroker.plan(cluster(1, 9092), OptionalInt.of(8081)))
        .getMessage().contains("port 8081 is registry's"));
    assertTrue(assertThrows(CliException.class, () -> LocalAddedBroker.plan(cluster(1, 9092), OptionalInt.of(70000)))
        .getMessage().contains("--port must be 1-65535"));
    assertTrue(assertThrows(CliException.class, () -> LocalAddedBroker.plan(List.of(ZK), OptionalInt.empty()))
        .getMessage().contains("no broker"));
    assertTrue(assertThrows(CliException.class, () -> LocalAddedBroker.plan(cluster(16, 9092), OptionalInt.empty()))
        .getMessage().contains("16 brokers already"));
  }

  @Test
  void theNewBrokerIsListedAfterTheOthers() {
    Node added = new Node("broker-2", Kind.BROKER, 9094);
    assertEquals(List.of(ZK, new Node("broker-0", Kind.BROKER, 9092), new Node("broker-1", Kind.BROKER, 9093), added, REGISTRY),
        LocalAddedBroker.withBroker(cluster(2, 9092), added));
  }

  @Test
  void configIsTheFirstBrokersWithItsOwnIdentity() {
    Map<String, String> template = new LinkedHashMap<>();
    template.put("broker.id", "0");
    template.put("listeners", "PLAINTEXT://127.0.0.1:9092");
    template.put("advertised.listeners", "PLAINTEXT://127.0.0.1:9092");
    template.put("log.dirs", "/c/broker-0/data");
    template.put("zookeeper.connect", "127.0.0.1:2181");
    template.put("default.replication.factor", "3");
    template.put("metrics.port", "7000");

    Map<String, String> cfg = LocalAddedBroker.config(template, new Node("broker-3", Kind.BROKER, 9095), "/c/broker-3/data",
        OptionalInt.of(7005), Map.of("log.retention.ms", "60000"));

    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("broker.id", "3");
    expected.put("listeners", "PLAINTEXT://127.0.0.1:9095");
    expected.put("log.dirs", "/c/broker-3/data");
    expected.put("zookeeper.connect", "127.0.0.1:2181");
    expected.put("default.replication.factor", "3");
    expected.put("metrics.port", "7005");
    expected.put("log.retention.ms", "60000");
    assertEquals(expected, cfg);
  }
}
