package io.tributary.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.ConsumerGroupState;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tributary group ...}: consumer groups through the Kafka protocol (kafka-clients Admin). */
@Command(
    name = "group",
    mixinStandardHelpOptions = true,
    description = "List, describe and delete consumer groups; reset their committed offsets.",
    subcommands = {GroupCommand.ListGroups.class, GroupCommand.Describe.class, GroupResetOffsetsCommand.class,
        GroupDeleteCommand.class})
final class GroupCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }


  @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List consumer groups.")
  static final class ListGroups extends AdminCommand {
    @Mixin OutputFormat output = new OutputFormat();

    @Override
    int run(Admin admin) {
      Collection<ConsumerGroupListing> groups = get(admin.listConsumerGroups().all(), "list consumer groups");
      if (groups.isEmpty() && !output.json()) {
        out().println("no consumer groups (a consumer with group.id set creates one when it subscribes or commits)");
        return 0;
      }
      Table t = new Table("GROUP", "STATE");
      groups.stream().sorted(Comparator.comparing(ConsumerGroupListing::groupId))
          .forEach(g -> t.row(g.groupId(), g.state().map(Object::toString).orElse("unknown")));
      output.print(t, out());
      return 0;
    }
  }

  @Command(name = "describe", mixinStandardHelpOptions = true,
      description = "State, coordinator and members of a group, and per partition its committed offset, log end and lag.")
  static final class Describe extends AdminCommand {
    @Parameters(paramLabel = "GROUP", description = "Group id.")
    String group;

    @Mixin OutputFormat output = new OutputFormat();

    @Override
    int run(Admin admin) {
      ConsumerGroupDescription d = get(admin.describeConsumerGroups(List.of(group)).all(), "describe group " + group)
          .get(group);
      Map<TopicPartition, OffsetAndMetadata> committed = get(admin.listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata(), "fetch the committed offsets of group " + group);
      // JSON: one object at the end instead of the text lines.
      PrintWriter out = output.json() ? new PrintWriter(Writer.nullWriter()) : out();
      String state = d.state().toString();
      if (d.state() == ConsumerGroupState.DEAD && committed.isEmpty()) {
        throw new CliException("group " + group + " does not exist (no members, no committed offsets); "
            + "list the groups with: ./tributary group list", 1);
      }
      out.println("GROUP        " + d.groupId());
      out.println("STATE        " + state);
      out.println("COORDINATOR  " + (d.coordinator() == null ? "none" : d.coordinator().id() + " ("
          + d.coordinator().host() + ":" + d.coordinator().port() + ")"));
      out.println("ASSIGNOR     " + (d.partitionAssignor() == null || d.partitionAssignor().isEmpty() ? "-" : d.partitionAssignor()));
      out.println("MEMBERS      " + d.members().size());
      out.println();

      Map<TopicPartition, MemberDescription> owner = new HashMap<>();
      Table m = new Table("MEMBER", "INSTANCE", "CLIENT", "HOST", "PARTITIONS");
      if (!d.members().isEmpty()) {
        List<MemberDescription> members = new ArrayList<>(d.members());
        members.sort(Comparator.comparing(MemberDescription::consumerId));
        for (MemberDescription md : members) {
          Set<TopicPartition> tps = md.assignment().topicPartitions();
          tps.forEach(tp -> owner.put(tp, md));
          m.row(md.consumerId(), md.groupInstanceId().orElse("-"), md.clientId(), md.host(), describe(tps));
        }
        m.print(out, "");
        out.println();
      }

      Set<TopicPartition> partitions = new TreeSet<>(Comparator.comparing(TopicPartition::topic)
          .thenComparingInt(TopicPartition::partition));
      partitions.addAll(committed.keySet());
      partitions.addAll(owner.keySet());
      Table t = new Table("TOPIC", "PARTITION", "COMMITTED", "LOG-END", "LAG", "MEMBER");
      if (partitions.isEmpty()) {
        out.println("no committed offsets and no assigned partitions");
        printJson(d, m, t);
        return 0;
      }
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends;
      try {
        ends = get(admin.listOffsets(latest).all(), "list the log end offsets");
      } catch (CliException e) {
        ends = Map.of();
        out.println("log end offsets unavailable: " + e.getMessage());
      }
      for (TopicPartition tp : partitions) {
        OffsetAndMetadata c = committed.get(tp);
        ListOffsetsResult.ListOffsetsResultInfo end = ends.get(tp);
        Object lag = c == null || end == null ? "-" : (Object) Math.max(0, end.offset() - c.offset());
        MemberDescription md = owner.get(tp);
        t.row(tp.topic(), tp.partition(), c == null ? "-" : c.offset(), end == null ? "-" : end.offset(), lag,
            md == null ? "-" : md.consumerId());
      }
      t.print(out, "");
      printJson(d, m, t);
      return 0;
    }

    private void printJson(ConsumerGroupDescription d, Table members, Table offsets) {
      if (!output.json()) {
        return;
      }
      ObjectNode o = Table.JSON.createObjectNode();
      o.put("group", d.groupId());
      o.put("state", d.state().toString());
      if (d.coordinator() == null) {
        o.putNull("coordinator");
      } else {
        o.put("coordinator", d.coordinator().id());
      }
      o.put("assignor", d.partitionAssignor() == null || d.partitionAssignor().isEmpty() ? null : d.partitionAssignor());
      o.set("members", members.toJson());
      o.set("offsets", offsets.toJson());
      OutputFormat.print(o, out());
    }

    /** Partitions as {@code topic[0,1] other[3]}, or "-". */
    static String describe(Set<TopicPartition> tps) {
      if (tps.isEmpty()) {
        return "-";
      }
      Map<String, TreeSet<Integer>> byTopic = new TreeMap<>();
      tps.forEach(tp -> byTopic.computeIfAbsent(tp.topic(), k -> new TreeSet<>()).add(tp.partition()));
      List<String> parts = new ArrayList<>();
      byTopic.forEach((topic, ps) -> parts.add(topic + ps.toString().replace(" ", "")));
      return String.join(" ", parts);
    }
  }
}
