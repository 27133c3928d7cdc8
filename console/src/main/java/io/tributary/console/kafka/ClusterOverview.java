package io.tributary.console.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * What {@code /} shows of the log cluster: brokers, controller, partitions, under-replicated and offline ones,
 * and the produce rate in messages per second, measured as the growth of the sum of the log end offsets
 * between two looks (the cluster has no throughput metric to ask for yet).
 */
public record ClusterOverview(String clusterId, List<Broker> brokers, int topics, int partitions,
    int underReplicated, int offline, String messagesInPerSecond) {

  /** One broker; {@code controller} when it is the cluster's controller. */
  public record Broker(int id, String host, int port, String rack, boolean controller) {}

  /** The last sum of end offsets and when it was taken, for the rate. */
  public static final class Rate {
    private long lastSum = -1;
    private long lastNanos;

    /** Messages per second since the previous call, "-" the first time (or when the sum went down). */
    synchronized String next(long sum, long nanos) {
      String out = "-";
      if (lastSum >= 0 && sum >= lastSum && nanos > lastNanos) {
        out = String.format("%.1f", (sum - lastSum) * 1e9 / (nanos - lastNanos));
      }
      lastSum = sum;
      lastNanos = nanos;
      return out;
    }
  }

  public static ClusterOverview read(KafkaClients kafka, Rate rate) {
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
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (TopicDescription t : topics.values()) {
      for (TopicPartitionInfo p : t.partitions()) {
        partitions++;
        under += p.isr().size() < p.replicas().size() ? 1 : 0;
        offline += p.leader() == null || p.leader().isEmpty() ? 1 : 0;
        latest.put(new TopicPartition(t.name(), p.partition()), OffsetSpec.latest());
      }
    }
    long sum = 0;
    if (!latest.isEmpty()) {
      for (ListOffsetsResultInfo info : kafka.get(admin.listOffsets(latest).all(), "list end offsets").values()) {
        sum += info.offset();
      }
    }
    return new ClusterOverview(id, brokers, topics.size(), partitions, under, offline, rate.next(sum, System.nanoTime()));
  }
}
