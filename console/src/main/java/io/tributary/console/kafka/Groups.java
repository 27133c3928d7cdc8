package io.tributary.console.kafka;

import io.tributary.console.BadInput;
import io.tributary.console.kafka.OffsetReset.Strategy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Consumer groups through the Admin API: members, lag per partition, and resetting offsets with a preview. */
public final class Groups {
  public record GroupRow(String group, String state, int members, long lag) {}

  public record MemberRow(String memberId, String clientId, String host, String assignment) {}

  /** One partition the group has committed on or is assigned; lag = end - committed. */
  public record LagRow(String topic, int partition, String committed, long end, String lag, String owner) {}

  public record GroupDetail(String group, String state, List<MemberRow> members, List<LagRow> partitions,
      long totalLag) {}

  /** One line of a reset: where the group is and where it would go. */
  public record ResetRow(String topic, int partition, String current, long target) {}

  private final KafkaClients kafka;

  public Groups(KafkaClients kafka) {
    this.kafka = kafka;
  }

  public List<GroupRow> list() {
    Admin admin = kafka.admin();
    Collection<ConsumerGroupListing> listings = kafka.get(admin.listConsumerGroups().all(), "list consumer groups");
    List<String> ids = listings.stream().map(ConsumerGroupListing::groupId).sorted().toList();
    if (ids.isEmpty()) {
      return List.of();
    }
    Map<String, ConsumerGroupDescription> described = kafka.get(admin.describeConsumerGroups(ids).all(),
        "describe consumer groups");
    List<GroupRow> rows = new ArrayList<>();
    for (String id : ids) {
      ConsumerGroupDescription d = described.get(id);
      rows.add(new GroupRow(id, d.state().toString(), d.members().size(), describe(id).totalLag()));
    }
    return rows;
  }

  public GroupDetail describe(String group) {
    Admin admin = kafka.admin();
    ConsumerGroupDescription d = kafka.get(admin.describeConsumerGroups(List.of(group)).all(), "describe group " + group)
        .get(group);
    Map<TopicPartition, OffsetAndMetadata> committed = committed(group);
    Map<TopicPartition, String> owners = new HashMap<>();
    List<MemberRow> members = new ArrayList<>();
    for (MemberDescription m : d.members()) {
      members.add(new MemberRow(m.consumerId(), m.clientId(), m.host(), m.assignment().topicPartitions().stream()
          .sorted(Comparator.comparing(TopicPartition::toString)).map(TopicPartition::toString)
          .collect(Collectors.joining(", "))));
      m.assignment().topicPartitions().forEach(tp -> owners.put(tp, m.clientId()));
    }
    List<TopicPartition> tps = new ArrayList<>(committed.keySet());
    owners.keySet().stream().filter(tp -> !committed.containsKey(tp)).forEach(tps::add);
    tps.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
    Map<TopicPartition, Long> ends = offsets(tps, OffsetSpec.latest());
    List<LagRow> rows = new ArrayList<>();
    long total = 0;
    for (TopicPartition tp : tps) {
      OffsetAndMetadata c = committed.get(tp);
      long end = ends.get(tp);
      long lag = c == null ? -1 : Math.max(0, end - c.offset());
      total += Math.max(lag, 0);
      rows.add(new LagRow(tp.topic(), tp.partition(), c == null ? "-" : Long.toString(c.offset()), end,
          lag < 0 ? "-" : Long.toString(lag), owners.getOrDefault(tp, "-")));
    }
    return new GroupDetail(group, d.state().toString(), members, rows, total);
  }

  /**
   * The offsets a reset would commit: every partition the group has committed on (of {@code topic} only, when
   * given), plus all partitions of {@code topic} when given.
   */
  public List<ResetRow> preview(String group, Optional<String> topic, Strategy strategy, Optional<String> value) {
    if (strategy.needsValue() && value.isEmpty()) {
      throw new BadInput(strategy.option() + " needs a value");
    }
    Map<TopicPartition, OffsetAndMetadata> committed = committed(group);
    List<TopicPartition> tps = new ArrayList<>(committed.keySet().stream()
        .filter(tp -> topic.isEmpty() || tp.topic().equals(topic.get())).toList());
    if (topic.isPresent()) {
      int partitions = kafka.get(kafka.admin().describeTopics(List.of(topic.get())).allTopicNames(),
          "describe topic " + topic.get()).get(topic.get()).partitions().size();
      for (int p = 0; p < partitions; p++) {
        TopicPartition tp = new TopicPartition(topic.get(), p);
        if (!tps.contains(tp)) {
          tps.add(tp);
        }
      }
    }
    if (tps.isEmpty()) {
      throw new BadInput("group '" + group + "' has no committed offsets: name a topic to reset");
    }
    tps.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
    Map<TopicPartition, Long> earliest = offsets(tps, OffsetSpec.earliest());
    Map<TopicPartition, Long> latest = offsets(tps, OffsetSpec.latest());
    Map<TopicPartition, Long> atTime = strategy == Strategy.TO_DATETIME
        ? offsets(tps, OffsetSpec.forTimestamp(OffsetReset.parseTime(value.get()))) : Map.of();
    long number = strategy == Strategy.TO_OFFSET || strategy == Strategy.SHIFT_BY ? parseLong(value.get()) : 0;
    List<ResetRow> rows = new ArrayList<>();
    for (TopicPartition tp : tps) {
      OffsetAndMetadata c = committed.get(tp);
      long target = OffsetReset.target(strategy, c == null ? -1 : c.offset(), earliest.get(tp), latest.get(tp), number,
          atTime.getOrDefault(tp, -1L));
      rows.add(new ResetRow(tp.topic(), tp.partition(), c == null ? "-" : Long.toString(c.offset()), target));
    }
    return rows;
  }

  /** Commits the previewed offsets; the cluster refuses while the group has members (stop its consumers first). */
  public void apply(String group, List<ResetRow> rows) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    rows.forEach(r -> offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.target())));
    kafka.get(kafka.admin().alterConsumerGroupOffsets(group, offsets).all(), "reset the offsets of group " + group
        + " (a group with running consumers cannot be reset: stop them first)");
  }

  private Map<TopicPartition, OffsetAndMetadata> committed(String group) {
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    kafka.get(kafka.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(),
        "read the offsets of group " + group).forEach((tp, o) -> {
          if (o != null) {
            out.put(tp, o);
          }
        });
    return out;
  }

  private Map<TopicPartition, Long> offsets(List<TopicPartition> tps, OffsetSpec spec) {
    Map<TopicPartition, OffsetSpec> query = new HashMap<>();
    tps.forEach(tp -> query.put(tp, spec));
    Map<TopicPartition, Long> out = new HashMap<>();
    if (!query.isEmpty()) {
      Map<TopicPartition, ListOffsetsResultInfo> r = kafka.get(kafka.admin().listOffsets(query).all(), "list offsets");
      r.forEach((tp, info) -> out.put(tp, info.offset()));
    }
    return out;
  }

  private static long parseLong(String v) {
    try {
      return Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      throw new BadInput("'" + v + "' is not a whole number");
    }
  }
}
