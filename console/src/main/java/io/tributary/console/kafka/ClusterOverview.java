package io.tributary.console.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * What {@code /} shows of the log cluster from its Admin API: brokers, controller, partitions, under-replicated and
 * offline ones (throughput comes from the brokers' metrics: {@code BrokerThroughput}).
 */
public record ClusterOverview(String clusterId, List<Broker> brokers, int topics, int partitions,
    int underReplicated, int offline) {

  /** One broker; {@code controller} when it is the cluster's controller. */
  public record Broker(int id, String host, int port, String rack, boolean controller) {}

  public static ClusterOverview read(KafkaClients kafka) {
    Admin admin = kafka.admin();
    DescribeClusterResult cluster = admin.describeCluster();
    Collection<Node> nodes = kafka.get(cluster.nodes(), "describe the cluster");
    Node controller = kafka.get(cluster.controller(), "find the controller");
    String id = kafka.get(cluster.clusterId(), "read the cluster id");
    List<Broker> brokers = new ArrayList<>();
    nodes.stream().sorted((a, b) -> Integer.compare(a.id(), b.id())).forEach(n -> brokers.add(new Broker(n.id(),
        n.host(), n.port(), n.rack() == null ? "-" : n.rack(), controller != null && controller.id() == n.id())));
    Set<String> names = kafka.get(admin.listTopics().names(), "list topics");
    Map<String, TopicDescription> topics = kafka.get(admin.describeTopics(names).allTopicNames(), "describe topics");
    int partitions = 0;
    int under = 0;
    int offline = 0;
    for (TopicDescription t : topics.values()) {
      for (TopicPartitionInfo p : t.partitions()) {
        partitions++;
        under += p.isr().size() < p.replicas().size() ? 1 : 0;
        offline += p.leader() == null || p.leader().isEmpty() ? 1 : 0;
      }
    }
    return new ClusterOverview(id, brokers, topics.size(), partitions, under, offline);
  }
}
