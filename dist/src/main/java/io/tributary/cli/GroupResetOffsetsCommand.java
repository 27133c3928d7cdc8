package io.tributary.cli;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.ConsumerGroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tributary group reset-offsets}: Kafka's {@code kafka-consumer-groups.sh --reset-offsets}. A dry run
 * (prints the new offsets) unless {@code --execute}; only on an inactive group (state Empty or Dead), since a
 * live member would overwrite the new offsets with its own next commit.
 */
@Command(name = "reset-offsets", mixinStandardHelpOptions = true,
    description = {"Move a group's committed offsets (dry run unless --execute), as kafka-consumer-groups.sh does.",
        "The group must have no members: stop its consumers first; they resume from the new offsets."})
final class GroupResetOffsetsCommand extends AdminCommand {
  @Parameters(paramLabel = "GROUP", description = "Group id.")
  String group;

  static final class Scope {
    @Option(names = {"-t", "--topic"}, paramLabel = "TOPIC[:P,P...]",
        description = "A topic (all its partitions) or some of its partitions (repeatable), e.g. orders:0,2.")
    List<String> topics = new ArrayList<>();

    @Option(names = "--all-topics", description = "Every topic the group has committed offsets for.")
    boolean allTopics;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Scope scope;

  static final class Target {
    @Option(names = "--to-earliest", description = "The start of each log.") boolean earliest;
    @Option(names = "--to-latest", description = "The end of each log.") boolean latest;
    @Option(names = "--to-offset", paramLabel = "OFFSET",
        description = "This offset (clamped to the log's start and end).") Long offset;
    @Option(names = "--to-datetime", paramLabel = "YYYY-MM-DDTHH:mm:SS.sss",
        description = "The first record at or after this time (zone offset optional, default local time).")
    String datetime;

    LogPosition target() {
      if (earliest) {
        return new LogPosition.Earliest();
      }
      if (latest) {
        return new LogPosition.Latest();
      }
      if (offset != null) {
        if (offset < 0) {
          throw new CliException("--to-offset must not be negative, got " + offset, 2);
        }
        return new LogPosition.AtOffset(offset);
      }
      return new LogPosition.AtTime(LogPosition.parseDatetime(datetime, ZoneId.systemDefault()));
    }
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  @Option(names = "--execute", description = "Commit the new offsets (default: a dry run that only prints them).")
  boolean execute;

  @Option(names = "--dry-run", description = "Only print the new offsets (the default).")
  boolean dryRun;

  @Mixin OutputFormat output = new OutputFormat();

  @Override
  public Integer call() throws Exception {
    if (execute && dryRun) {
      throw new CliException("give either --execute or --dry-run, not both", 2);
    }
    return super.call();
  }

  @Override
  int run(Admin admin) {
    LogPosition to = target.target();
    ConsumerGroupDescription d = get(admin.describeConsumerGroups(List.of(group)).all(), "describe group " + group)
        .get(group);
    if (d.state() != ConsumerGroupState.EMPTY && d.state() != ConsumerGroupState.DEAD) {
      throw new CliException("Assignments can only be reset if the group '" + group + "' is inactive, but the"
          + " current state is " + d.state() + " (" + d.members().size() + " member(s)): stop its consumers first");
    }
    Map<TopicPartition, OffsetAndMetadata> committed = get(admin.listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata(), "fetch the committed offsets of group " + group);
    Set<TopicPartition> partitions = partitions(admin, committed.keySet());

    Map<TopicPartition, Long> start = offsets(admin, partitions, OffsetSpec.earliest(), "earliest");
    Map<TopicPartition, Long> end = offsets(admin, partitions, OffsetSpec.latest(), "latest");
    Map<TopicPartition, Long> forTime = to instanceof LogPosition.AtTime t
        ? offsets(admin, partitions, OffsetSpec.forTimestamp(t.epochMs()), "by timestamp") : Map.of();

    Map<TopicPartition, OffsetAndMetadata> next = new LinkedHashMap<>();
    Table t = new Table("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "NEW-OFFSET");
    for (TopicPartition tp : partitions) {
      long offset = to.resolve(start.get(tp), end.get(tp), forTime.get(tp));
      next.put(tp, new OffsetAndMetadata(offset));
      OffsetAndMetadata current = committed.get(tp);
      t.row(group, tp.topic(), tp.partition(), current == null ? "-" : current.offset(), offset);
    }
    if (execute) {
      get(admin.alterConsumerGroupOffsets(group, next).all(), "commit the new offsets of group " + group);
    }
    output.print(t, out());
    if (!output.json()) {
      out().println(execute ? "committed the new offsets of group " + group
          : "dry run: nothing changed (add --execute to commit these offsets)");
    }
    return 0;
  }

  /** The partitions named by --topic (all of a topic's when none are listed), or the group's for --all-topics. */
  private Set<TopicPartition> partitions(Admin admin, Set<TopicPartition> committed) {
    Set<TopicPartition> out = new TreeSet<>(Comparator.comparing(TopicPartition::topic)
        .thenComparingInt(TopicPartition::partition));
    if (scope.allTopics) {
      if (committed.isEmpty()) {
        throw new CliException("group " + group + " has no committed offsets: name the topics with --topic");
      }
      out.addAll(committed);
      return out;
    }
    Map<String, List<Integer>> asked = new LinkedHashMap<>();
    for (String spec : scope.topics) {
      int colon = spec.indexOf(':');
      String topic = colon < 0 ? spec : spec.substring(0, colon);
      List<Integer> ps = asked.computeIfAbsent(topic, k -> new ArrayList<>());
      if (colon >= 0) {
        for (String p : spec.substring(colon + 1).split(",")) {
          try {
            ps.add(Integer.parseInt(p.strip()));
          } catch (NumberFormatException e) {
            throw new CliException("--topic " + spec + ": '" + p + "' is not a partition number", 2);
          }
        }
      }
    }
    Map<String, TopicDescription> topics = get(admin.describeTopics(asked.keySet()).allTopicNames(),
        "describe topics " + asked.keySet());
    asked.forEach((topic, ps) -> {
      List<TopicPartitionInfo> infos = topics.get(topic).partitions();
      if (ps.isEmpty()) {
        infos.forEach(i -> out.add(new TopicPartition(topic, i.partition())));
      } else {
        for (int p : ps) {
          if (p < 0 || p >= infos.size()) {
            throw new CliException("topic " + topic + " has no partition " + p + " (it has " + infos.size() + ")", 2);
          }
          out.add(new TopicPartition(topic, p));
        }
      }
    });
    return out;
  }

  private Map<TopicPartition, Long> offsets(Admin admin, Set<TopicPartition> partitions, OffsetSpec spec,
      String what) {
    Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
    partitions.forEach(tp -> ask.put(tp, spec));
    Map<TopicPartition, ListOffsetsResultInfo> answer = get(admin.listOffsets(ask).all(), "list the " + what + " offsets");
    Map<TopicPartition, Long> out = new HashMap<>();
    // ListOffsets by timestamp answers -1 when no record is that recent.
    answer.forEach((tp, info) -> {
      if (info.offset() >= 0) {
        out.put(tp, info.offset());
      }
    });
    return out;
  }
}
