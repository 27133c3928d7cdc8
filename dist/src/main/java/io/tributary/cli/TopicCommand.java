package io.tributary.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tributary topic ...}: topic administration through the Kafka protocol (kafka-clients Admin). */
@Command(
    name = "topic",
    mixinStandardHelpOptions = true,
    description = "Create, list, describe, delete, configure and grow topics.",
    subcommands = {
      TopicCommand.Create.class, TopicCommand.ListTopics.class, TopicCommand.Describe.class,
      TopicCommand.Delete.class, TopicCommand.AlterConfig.class, TopicCommand.AddPartitions.class
    })
final class TopicCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }


  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a topic.")
  static final class Create extends AdminCommand {
    @Parameters(paramLabel = "NAME", description = "Topic name.")
    String name;

    @Option(names = {"-p", "--partitions"}, defaultValue = "1", description = "Partitions (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = {"-r", "--replicas"}, defaultValue = "-1",
        description = "Replication factor (default: the broker's default.replication.factor).")
    short replicas;

    @Option(names = {"-c", "--config"}, paramLabel = "KEY=VALUE",
        description = "Topic configuration, Kafka key names (repeatable), e.g. -c cleanup.policy=compact.")
    Map<String, String> configs = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
      if (partitions < 1) {
        throw new CliException("--partitions must be at least 1, got " + partitions, 2);
      }
      if (replicas == 0 || replicas < -1) {
        throw new CliException("--replicas must be at least 1, got " + replicas, 2);
      }
      return super.call();
    }

    @Override
    int run(Admin admin) {
      NewTopic topic = new NewTopic(name, Optional.of(partitions),
          replicas == -1 ? Optional.empty() : Optional.of(replicas)).configs(configs);
      get(admin.createTopics(List.of(topic)).all(), "create topic " + name);
      out().println("created topic " + name + " (" + partitions + " partition" + (partitions == 1 ? "" : "s")
          + (replicas == -1 ? "" : ", replication factor " + replicas) + ")");
      return 0;
    }
  }

  @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List topics.")
  static final class ListTopics extends AdminCommand {
    @Option(names = {"-i", "--internal"}, description = "Include internal topics (__consumer_offsets, ...).")
    boolean internal;

    @Mixin OutputFormat output = new OutputFormat();

    @Override
    int run(Admin admin) {
      Collection<String> names = get(admin.listTopics(new ListTopicsOptions().listInternal(internal)).names(),
          "list topics");
      if (names.isEmpty() && !output.json()) {
        out().println("no topics (create one with: ./tributary topic create NAME -p 3)");
        return 0;
      }
      Map<String, TopicDescription> topics =
          new TreeMap<>(get(admin.describeTopics(names).allTopicNames(), "describe topics"));
      Table t = new Table("NAME", "PARTITIONS", "REPLICAS");
      topics.values().forEach(d -> t.row(d.name(), d.partitions().size(),
          d.partitions().isEmpty() ? 0 : d.partitions().get(0).replicas().size()));
      output.print(t, out());
      return 0;
    }
  }

  @Command(name = "describe", mixinStandardHelpOptions = true,
      description = "Partitions (leader, replicas, ISR) and configuration of a topic.")
  static final class Describe extends AdminCommand {
    @Parameters(paramLabel = "NAME", description = "Topic name.")
    String name;

    @Option(names = {"-a", "--all-configs"}, description = "Print every configuration, not only those set on the topic.")
    boolean allConfigs;

    @Mixin OutputFormat output = new OutputFormat();

    @Override
    int run(Admin admin) {
      TopicDescription d = get(admin.describeTopics(List.of(name)).allTopicNames(), "describe topic " + name).get(name);
      // JSON: one object at the end instead of the text lines.
      PrintWriter out = output.json() ? new PrintWriter(Writer.nullWriter()) : out();
      out.println("NAME        " + d.name());
      out.println("TOPIC ID    " + d.topicId());
      out.println("INTERNAL    " + d.isInternal());
      out.println("PARTITIONS  " + d.partitions().size());
      out.println();
      Table t = new Table("PARTITION", "LEADER", "REPLICAS", "ISR");
      for (TopicPartitionInfo p : d.partitions()) {
        t.row(p.partition(), p.leader() == null || p.leader().isEmpty() ? "none" : p.leader().id(),
            Kafka.ids(p.replicas()), Kafka.ids(p.isr()));
      }
      t.print(out, "");
      out.println();
      Table c = new Table("CONFIG", "VALUE", "SOURCE");
      ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, name);
      Map<ConfigResource, Config> configs;
      try {
        configs = get(admin.describeConfigs(List.of(res)).all(), "describe the configuration of topic " + name);
      } catch (CliException e) {
        out.println("CONFIGS     unavailable: " + e.getMessage());
        printJson(d, t, c);
        return 0;
      }
      List<ConfigEntry> entries = new ArrayList<>(configs.get(res).entries());
      entries.sort(Comparator.comparing(ConfigEntry::name));
      for (ConfigEntry e : entries) {
        if (allConfigs || e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) {
          c.row(e.name(), e.isSensitive() ? "(sensitive)" : e.value(), source(e.source()));
        }
      }
      if (c.size() == 0) {
        out.println("CONFIGS     all defaults (see them with --all-configs)");
      } else {
        c.print(out, "");
      }
      printJson(d, t, c);
      return 0;
    }

    private void printJson(TopicDescription d, Table partitions, Table configs) {
      if (!output.json()) {
        return;
      }
      ObjectNode o = Table.JSON.createObjectNode();
      o.put("name", d.name());
      o.put("topic_id", d.topicId().toString());
      o.put("internal", d.isInternal());
      o.set("partitions", partitions.toJson());
      o.set("configs", configs.toJson());
      OutputFormat.print(o, out());
    }

    private static String source(ConfigEntry.ConfigSource s) {
      switch (s) {
        case DYNAMIC_TOPIC_CONFIG: return "topic";
        case STATIC_BROKER_CONFIG: return "broker";
        case DYNAMIC_BROKER_CONFIG:
        case DYNAMIC_DEFAULT_BROKER_CONFIG: return "broker (dynamic)";
        case DEFAULT_CONFIG: return "default";
        default: return s.name().toLowerCase();
      }
    }
  }

  @Command(name = "delete", aliases = "rm", mixinStandardHelpOptions = true, description = "Delete topics.")
  static final class Delete extends AdminCommand {
    @Parameters(paramLabel = "NAME", arity = "1..*", description = "Topic name(s).")
    List<String> names;

    @Override
    int run(Admin admin) {
      for (String name : names) {
        get(admin.deleteTopics(List.of(name)).all(), "delete topic " + name);
        out().println("deleted topic " + name);
      }
      return 0;
    }
  }

  @Command(name = "alter-config", mixinStandardHelpOptions = true,
      description = "Set or remove topic configuration keys (IncrementalAlterConfigs).")
  static final class AlterConfig extends AdminCommand {
    @Parameters(paramLabel = "NAME", description = "Topic name.")
    String name;

    @Option(names = {"-c", "--config", "--set"}, paramLabel = "KEY=VALUE", description = "Key to set (repeatable).")
    Map<String, String> set = new LinkedHashMap<>();

    @Option(names = {"-d", "--delete"}, paramLabel = "KEY", description = "Key to reset to its default (repeatable).")
    Set<String> delete = new LinkedHashSet<>();

    @Override
    public Integer call() throws Exception {
      if (set.isEmpty() && delete.isEmpty()) {
        throw new CliException("nothing to change: give -c KEY=VALUE or -d KEY", 2);
      }
      return super.call();
    }

    @Override
    int run(Admin admin) {
      List<AlterConfigOp> ops = new ArrayList<>();
      set.forEach((k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
      delete.forEach(k -> ops.add(new AlterConfigOp(new ConfigEntry(k, ""), AlterConfigOp.OpType.DELETE)));
      ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, name);
      get(admin.incrementalAlterConfigs(Map.of(res, ops)).all(), "alter the configuration of topic " + name);
      set.forEach((k, v) -> out().println("topic " + name + ": set " + k + "=" + v));
      delete.forEach(k -> out().println("topic " + name + ": reset " + k + " to its default"));
      return 0;
    }
  }

  @Command(name = "add-partitions", mixinStandardHelpOptions = true,
      description = {"Grow a topic to COUNT partitions (CreatePartitions); the new ones are placed like a new topic's.",
          "Keyed records: producers hashing keys over the partition count (the default partitioner) send a key"
              + " to another partition once they see the new count, so per-key order holds only within each side"
              + " of the change, as in Kafka."})
  static final class AddPartitions extends AdminCommand {
    @Parameters(paramLabel = "NAME", description = "Topic name.")
    String name;

    @Option(names = {"-n", "--count"}, required = true, paramLabel = "COUNT",
        description = "The topic's partition count afterwards (more than it has now).")
    int count;

    @Override
    public Integer call() throws Exception {
      if (count < 1) {
        throw new CliException("--count must be at least 1, got " + count, 2);
      }
      return super.call();
    }

    @Override
    int run(Admin admin) {
      get(admin.createPartitions(Map.of(name, NewPartitions.increaseTo(count))).all(), "add partitions to topic " + name);
      out().println("topic " + name + " now has " + count + " partitions (keyed records of the default partitioner"
          + " move to other partitions)");
      return 0;
    }
  }
}
