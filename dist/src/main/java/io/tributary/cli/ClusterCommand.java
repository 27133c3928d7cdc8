package io.tributary.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tributary cluster info|health}: the cluster as the Kafka protocol shows it (rpk cluster info/health). */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description = "The cluster's id, controller and brokers; its health (offline brokers, leaderless and"
        + " under-replicated partitions); rebalancing replicas and leaders.",
    subcommands = {ClusterCommand.Info.class, ClusterCommand.Health.class, ClusterRebalanceCommand.class})
final class ClusterCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "info", aliases = "metadata", mixinStandardHelpOptions = true,
      description = "Cluster id, controller, brokers (id, address, rack) and the number of topics.")
  static final class Info extends AdminCommand {
    @Mixin OutputFormat output = new OutputFormat();

    @Override
    int run(Admin admin) {
      DescribeClusterResult c = admin.describeCluster();
      String clusterId = get(c.clusterId(), "describe the cluster");
      Node controller = get(c.controller(), "describe the cluster");
      List<Node> brokers = sorted(get(c.nodes(), "describe the cluster"));
      int topics = get(admin.listTopics(new ListTopicsOptions()).names(), "list topics").size();
      Table t = new Table("ID", "HOST", "PORT", "RACK", "CONTROLLER");
      for (Node n : brokers) {
        t.row(n.id(), n.host(), n.port(), n.hasRack() ? n.rack() : "-", controller != null && controller.id() == n.id());
      }
      if (output.json()) {
        ObjectNode o = Table.JSON.createObjectNode();
        o.put("cluster_id", clusterId);
        if (controller == null || controller.isEmpty()) {
          o.putNull("controller");
        } else {
          o.put("controller", controller.id());
        }
        o.put("topics", topics);
        o.set("brokers", t.toJson());
        OutputFormat.print(o, out());
        return 0;
      }
      PrintWriter out = out();
      out.println("CLUSTER ID   " + clusterId);
      out.println("CONTROLLER   " + (controller == null || controller.isEmpty() ? "none" : controller.id()));
      out.println("BROKERS      " + brokers.size());
      out.println("TOPICS       " + topics);
      out.println();
      t.print(out, "");
      return 0;
    }
  }

  @Command(name = "health", mixinStandardHelpOptions = true,
      description = {"Healthy when a controller is known, every broker that holds a replica is up and every"
          + " partition has a leader and a full ISR.",
          "Exit code 0 when healthy, 1 when not (for scripts and readiness checks)."})
  static final class Health extends AdminCommand {
    @Mixin OutputFormat output = new OutputFormat();

    @Override
    int run(Admin admin) {
      DescribeClusterResult c = admin.describeCluster();
      Node controller = get(c.controller(), "describe the cluster");
      Set<Integer> up = get(c.nodes(), "describe the cluster").stream().map(Node::id)
          .collect(Collectors.toCollection(TreeSet::new));
      Collection<String> names = get(admin.listTopics(new ListTopicsOptions().listInternal(true)).names(), "list topics");
      Map<String, TopicDescription> topics = new TreeMap<>(get(admin.describeTopics(names).allTopicNames(),
          "describe topics"));
      Set<Integer> down = new TreeSet<>();
      List<String> leaderless = new ArrayList<>();
      List<String> underReplicated = new ArrayList<>();
      for (TopicDescription d : topics.values()) {
        for (TopicPartitionInfo p : d.partitions()) {
          String name = d.name() + "-" + p.partition();
          p.replicas().stream().map(Node::id).filter(id -> !up.contains(id)).forEach(down::add);
          if (p.leader() == null || p.leader().isEmpty()) {
            leaderless.add(name);
          }
          if (p.isr().size() < p.replicas().size()) {
            underReplicated.add(name);
          }
        }
      }
      boolean controllerKnown = controller != null && !controller.isEmpty();
      boolean healthy = controllerKnown && down.isEmpty() && leaderless.isEmpty() && underReplicated.isEmpty();
      if (output.json()) {
        ObjectNode o = Table.JSON.createObjectNode();
        o.put("healthy", healthy);
        if (controllerKnown) {
          o.put("controller", controller.id());
        } else {
          o.putNull("controller");
        }
        up.forEach(o.putArray("brokers")::add);
        down.forEach(o.putArray("brokers_down")::add);
        leaderless.forEach(o.putArray("leaderless_partitions")::add);
        underReplicated.forEach(o.putArray("under_replicated_partitions")::add);
        OutputFormat.print(o, out());
      } else {
        PrintWriter out = out();
        out.println("HEALTHY                      " + healthy);
        out.println("CONTROLLER                   " + (controllerKnown ? controller.id() : "none"));
        out.println("BROKERS                      " + up);
        out.println("BROKERS DOWN                 " + down);
        out.println("LEADERLESS PARTITIONS        " + leaderless);
        out.println("UNDER-REPLICATED PARTITIONS  " + underReplicated);
      }
      return healthy ? 0 : 1;
    }
  }

  static List<Node> sorted(Collection<Node> nodes) {
    List<Node> out = new ArrayList<>(nodes);
    out.sort(Comparator.comparingInt(Node::id));
    return out;
  }
}
