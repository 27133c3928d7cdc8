package io.tributary.console.kafka;

import io.tributary.console.BadInput;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;

/** Topics through the Admin API: the list, one topic's partitions and configs, config changes, creation. */
public final class Topics {
  /** One row of {@code /topics}; {@code size} is "-" when the cluster does not serve DescribeLogDirs. */
  public record TopicRow(String name, int partitions, int replicationFactor, int underReplicated, long messages,
      String size, boolean internal) {
    /** For the template: Mustache takes any number, 0 too, as true. */
    public boolean anyUnderReplicated() {
      return underReplicated > 0;
    }
  }

  /** One partition: leader, replicas, in-sync replicas, first and next offsets, the size of the leader's log. */
  public record PartitionRow(int partition, String leader, String replicas, String isr, boolean underReplicated,
      long earliest, long latest, String size) {}

  /** One config entry; {@code overridden} when set on the topic rather than a default. */
  public record ConfigRow(String name, String value, String source, boolean overridden, boolean readOnly) {}

  public record TopicDetail(String name, List<PartitionRow> partitions, List<ConfigRow> configs) {}

  private final KafkaClients kafka;

  public Topics(KafkaClients kafka) {
    this.kafka = kafka;
  }

  public List<TopicRow> list() {
    Admin admin = kafka.admin();
    Set<String> names = kafka.get(admin.listTopics(new ListTopicsOptions()
        .listInternal(true)).names(), "list topics");
    Map<String, TopicDescription> described = kafka.get(admin.describeTopics(names).allTopicNames(), "describe topics");
    Map<TopicPartition, long[]> offsets = offsets(described.values());
    Map<String, Long> sizes = topicSizes(replicaSizes(described.values()));
    List<TopicRow> rows = new ArrayList<>();
    for (TopicDescription t : new TreeMap<>(described).values()) {
      long messages = 0;
      int under = 0;
      for (TopicPartitionInfo p : t.partitions()) {
        long[] o = offsets.get(new TopicPartition(t.name(), p.partition()));
        messages += o[1] - o[0];
        under += p.isr().size() < p.replicas().size() ? 1 : 0;
      }
      int rf = t.partitions().isEmpty() ? 0 : t.partitions().get(0).replicas().size();
      rows.add(new TopicRow(t.name(), t.partitions().size(), rf, under, messages,
          Optional.ofNullable(sizes.get(t.name())).map(Bytes::human).orElse("-"), t.isInternal()));
    }
    return rows;
  }

  public TopicDetail describe(String topic) {
    Admin admin = kafka.admin();
    TopicDescription t = kafka.get(admin.describeTopics(List.of(topic)).allTopicNames(), "describe topic " + topic)
        .get(topic);
    Map<TopicPartition, long[]> offsets = offsets(List.of(t));
    Map<TopicPartition, Map<Integer, Long>> sizes = replicaSizes(List.of(t));
    List<PartitionRow> partitions = new ArrayList<>();
    for (TopicPartitionInfo p : t.partitions()) {
      TopicPartition tp = new TopicPartition(topic, p.partition());
      long[] o = offsets.get(tp);
      partitions.add(new PartitionRow(p.partition(), p.leader() == null || p.leader().isEmpty() ? "none (offline)"
          : Integer.toString(p.leader().id()), ids(p.replicas()), ids(p.isr()), p.isr().size() < p.replicas().size(),
          o[0], o[1], partitionSize(sizes, tp, p.leader())));
    }
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config config = kafka.get(admin.describeConfigs(List.of(resource)).all(), "describe the configs of " + topic)
        .get(resource);
    List<ConfigRow> configs = config.entries().stream()
        .sorted((a, b) -> a.name().compareTo(b.name()))
        .map(e -> new ConfigRow(e.name(), e.isSensitive() ? "(hidden)" : e.value(), e.source().name(),
            e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, e.isReadOnly()))
        .toList();
    return new TopicDetail(topic, partitions, configs);
  }

  /** Sets (or, with an empty value, removes) one config of {@code topic}: IncrementalAlterConfigs. */
  public void setConfig(String topic, String key, String value) {
    if (!key.matches("[a-z0-9._-]+")) {
      throw new BadInput("'" + key + "' is not a config name");
    }
    ConfigEntry entry = new ConfigEntry(key, value);
    AlterConfigOp op = new AlterConfigOp(entry, value.isEmpty() ? AlterConfigOp.OpType.DELETE : AlterConfigOp.OpType.SET);
    kafka.get(kafka.admin().incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic),
        List.of(op))).all(), (value.isEmpty() ? "remove " : "set ") + key + " of " + topic);
  }

  public void create(String name, int partitions, short replicationFactor) {
    if (!name.matches("[A-Za-z0-9._-]{1,249}")) {
      throw new BadInput("a topic name is 1 to 249 of A-Z a-z 0-9 . _ -, got '" + name + "'");
    }
    kafka.get(kafka.admin().createTopics(List.of(new NewTopic(name, partitions, replicationFactor))).all(),
        "create topic " + name);
  }

  /** Per partition {earliest, latest}. */
  private Map<TopicPartition, long[]> offsets(Collection<TopicDescription> topics) {
    Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (TopicDescription t : topics) {
      for (TopicPartitionInfo p : t.partitions()) {
        earliest.put(new TopicPartition(t.name(), p.partition()), OffsetSpec.earliest());
        latest.put(new TopicPartition(t.name(), p.partition()), OffsetSpec.latest());
      }
    }
    Map<TopicPartition, long[]> out = new HashMap<>();
    if (earliest.isEmpty()) {
      return out;
    }
    Map<TopicPartition, ListOffsetsResultInfo> first = kafka.get(kafka.admin().listOffsets(earliest).all(),
        "list the first offsets");
    Map<TopicPartition, ListOffsetsResultInfo> next = kafka.get(kafka.admin().listOffsets(latest).all(),
        "list the end offsets");
    first.forEach((tp, info) -> out.put(tp, new long[] {info.offset(), next.get(tp).offset()}));
    return out;
  }

  /**
   * The bytes of each replica's log (DescribeLogDirs): per partition, by broker id. Empty when the cluster does
   * not serve DescribeLogDirs or does not answer; the pages then show "-".
   */
  private Map<TopicPartition, Map<Integer, Long>> replicaSizes(Collection<TopicDescription> topics) {
    Set<Integer> brokers = topics.stream().flatMap(t -> t.partitions().stream())
        .flatMap(p -> p.replicas().stream()).map(Node::id).collect(Collectors.toSet());
    Map<TopicPartition, Map<Integer, Long>> out = new HashMap<>();
    try {
      Map<Integer, Map<String, LogDirDescription>> dirs = kafka.admin().describeLogDirs(brokers)
          .allDescriptions().get(KafkaClients.REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      dirs.forEach((broker, byDir) -> {
        for (LogDirDescription d : byDir.values()) {
          d.replicaInfos().forEach((tp, replica) -> out.computeIfAbsent(tp, k -> new HashMap<>()).put(broker, replica.size()));
        }
      });
    } catch (Exception e) { // UnsupportedVersion (not served), or no answer: the size columns show "-"
      return Map.of();
    }
    return out;
  }

  /** Bytes on disk per topic, leader and followers together. */
  private static Map<String, Long> topicSizes(Map<TopicPartition, Map<Integer, Long>> replicaSizes) {
    Map<String, Long> out = new HashMap<>();
    replicaSizes.forEach((tp, byBroker) -> byBroker.values().forEach(size -> out.merge(tp.topic(), size, Long::sum)));
    return out;
  }

  /** The size of a partition is its leader's log; "-" when unknown (no leader, or no DescribeLogDirs). */
  private static String partitionSize(Map<TopicPartition, Map<Integer, Long>> replicaSizes, TopicPartition tp, Node leader) {
    if (leader == null || leader.isEmpty()) {
      return "-";
    }
    return Optional.ofNullable(replicaSizes.getOrDefault(tp, Map.of()).get(leader.id())).map(Bytes::human).orElse("-");
  }

  private static String ids(List<Node> nodes) {
    return nodes.stream().map(n -> Integer.toString(n.id())).collect(Collectors.joining(", "));
  }
}
