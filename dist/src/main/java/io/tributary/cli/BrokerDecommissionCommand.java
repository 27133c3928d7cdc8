package io.tributary.cli;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code tributary broker decommission ID}: the rebalance planner with broker ID excluded, carried out as
 * {@code cluster rebalance} is; at the end broker ID holds no replicas and can be stopped.
 */
@Command(name = "decommission", mixinStandardHelpOptions = true,
    description = {"Move every replica off broker ID (balancing the others as `cluster rebalance` does), wait, and"
        + " report when the broker holds no replicas and can be stopped.",
        "Refuses when the remaining brokers cannot hold a topic's replication factor."})
final class BrokerDecommissionCommand extends AdminCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "The broker.id to empty.")
  int brokerId;

  @Mixin MoveOptions options = new MoveOptions();

  @Override
  int run(Admin admin) throws Exception {
    options.validate();
    boolean json = options.output.json();
    PlanExecution execution = new PlanExecution(this, admin, json);
    List<ReplicaBalancePlanner.Broker> live = execution.liveBrokers();
    Map<TopicPartition, List<Integer>> assignments = execution.assignments();
    boolean isLive = live.stream().anyMatch(b -> b.id() == brokerId);
    long held = assignments.values().stream().filter(r -> r.contains(brokerId)).count();
    if (!isLive && held == 0) {
      throw new CliException("broker " + brokerId + " is not in the cluster (live brokers: "
          + live.stream().map(ReplicaBalancePlanner.Broker::id).toList() + ") and holds no replicas", 1);
    }
    List<ReplicaBalancePlanner.Broker> remaining = live.stream().filter(b -> b.id() != brokerId).toList();
    Set<Integer> ids = new TreeSet<>();
    remaining.forEach(b -> ids.add(b.id()));
    ReplicaBalancePlanner.Plan plan;
    try {
      plan = ReplicaBalancePlanner.plan(remaining, assignments);
    } catch (ReplicaBalancePlanner.Infeasible e) {
      throw new CliException("cannot decommission broker " + brokerId + ": " + e.getMessage(), 1);
    }
    PlanReport.print(plan, ids, json, out());
    if (options.dryRun) {
      return 0;
    }
    execution.execute(plan, options.throttleBytesPerSec, options.timeout);
    long left = execution.assignments().values().stream().filter(r -> r.contains(brokerId)).count();
    if (left > 0) {
      throw new CliException("broker " + brokerId + " still holds " + left + " replica(s) (a topic created meanwhile?):"
          + " run the command again");
    }
    if (!json) {
      out().println("broker " + brokerId + " holds no replicas: it can be stopped");
    }
    return 0;
  }
}
