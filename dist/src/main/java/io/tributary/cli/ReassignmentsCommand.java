package io.tributary.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.PartitionReassignment;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tributary reassignments list|cancel}: the partition reassignments in flight (kafka-clients'
 * {@code Admin.listPartitionReassignments}, what {@code kafka-reassign-partitions --list} shows), and cancelling them
 * ({@code Admin.alterPartitionReassignments} with no target, as {@code kafka-reassign-partitions --cancel}).
 */
@Command(
    name = "reassignments",
    mixinStandardHelpOptions = true,
    description = "List or cancel partition reassignments in flight (start them with kafka-reassign-partitions).",
    subcommands = {ReassignmentsCommand.ListReassignments.class, ReassignmentsCommand.Cancel.class})
final class ReassignmentsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static final Comparator<TopicPartition> ORDER = Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

  @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true,
      description = "Partitions being reassigned: their replicas now (target first), the ones being added and removed.")
  static final class ListReassignments extends AdminCommand {
    @Mixin OutputFormat output = new OutputFormat();

    @Override
    int run(Admin admin) {
      Map<TopicPartition, PartitionReassignment> inFlight = new TreeMap<>(ORDER);
      inFlight.putAll(get(admin.listPartitionReassignments().reassignments(), "list partition reassignments"));
      if (output.json()) {
        ArrayNode array = Table.JSON.createArrayNode();
        inFlight.forEach((tp, r) -> {
          ObjectNode o = array.addObject().put("topic", tp.topic()).put("partition", tp.partition());
          r.replicas().forEach(o.putArray("replicas")::add);
          r.addingReplicas().forEach(o.putArray("adding")::add);
          r.removingReplicas().forEach(o.putArray("removing")::add);
        });
        OutputFormat.print(array, out());
        return 0;
      }
      if (inFlight.isEmpty()) {
        out().println("no reassignments in flight");
        return 0;
      }
      Table t = new Table("TOPIC", "PARTITION", "REPLICAS", "ADDING", "REMOVING");
      inFlight.forEach((tp, r) -> t.row(tp.topic(), tp.partition(), ids(r.replicas()), ids(r.addingReplicas()), ids(r.removingReplicas())));
      t.print(out(), "");
      return 0;
    }

    private static String ids(List<Integer> ids) {
      return ids.isEmpty() ? "-" : ids.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
  }

  @Command(name = "cancel", mixinStandardHelpOptions = true,
      description = "Cancel reassignments: each partition goes back to its original replicas; the replicas being added stop"
          + " and delete what they copied.")
  static final class Cancel extends AdminCommand {
    @Parameters(paramLabel = "TOPIC:PARTITION", arity = "0..*", description = "Partitions whose reassignment to cancel.")
    List<String> partitions = new ArrayList<>();

    @Option(names = "--all", description = "Cancel every reassignment in flight.")
    boolean all;

    @Override
    int run(Admin admin) throws Exception {
      List<TopicPartition> targets = new ArrayList<>();
      if (all == !partitions.isEmpty()) {
        throw new CliException("give either TOPIC:PARTITION arguments or --all", 2);
      }
      if (all) {
        targets.addAll(get(admin.listPartitionReassignments().reassignments(), "list partition reassignments").keySet());
        if (targets.isEmpty()) {
          out().println("no reassignments in flight");
          return 0;
        }
      } else {
        for (String p : partitions) {
          targets.add(parse(p));
        }
      }
      targets.sort(ORDER);
      Map<TopicPartition, Optional<NewPartitionReassignment>> cancel = new LinkedHashMap<>();
      targets.forEach(tp -> cancel.put(tp, Optional.empty()));
      Map<TopicPartition, org.apache.kafka.common.KafkaFuture<Void>> results = admin.alterPartitionReassignments(cancel).values();
      int failed = 0;
      for (TopicPartition tp : targets) {
        try {
          results.get(tp).get();
          out().println("cancelled " + tp + ": back to its original replicas");
        } catch (ExecutionException e) {
          out().println("could not cancel " + tp + ": " + e.getCause().getMessage());
          failed++;
        }
      }
      return failed == 0 ? 0 : 1;
    }

    static TopicPartition parse(String s) {
      int colon = s.lastIndexOf(':');
      try {
        if (colon <= 0) {
          throw new NumberFormatException();
        }
        int partition = Integer.parseInt(s.substring(colon + 1));
        if (partition < 0) {
          throw new NumberFormatException();
        }
        return new TopicPartition(s.substring(0, colon), partition);
      } catch (NumberFormatException e) {
        throw new CliException("'" + s + "' is not TOPIC:PARTITION (e.g. orders:0)", 2);
      }
    }
  }
}
