package io.tributary.cli;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code tributary cluster rebalance}: balances replicas and preferred leaders over the live brokers, rack-aware and
 * with as few moves as possible (rpk's partition balancer, Cruise Control's basic goals), on top of Kafka's
 * AlterPartitionReassignments with its replication throttles, then a preferred leader election.
 */
@Command(name = "rebalance", mixinStandardHelpOptions = true,
    description = {"Move replicas and leadership so that replicas and preferred leaders per broker are balanced"
        + " (within one), never two replicas of a partition on one rack when another is free, moving as few replicas"
        + " as possible. Waits for the moves, removes the throttle, then elects the preferred leaders.",
        "--dry-run prints the plan only."})
final class ClusterRebalanceCommand extends AdminCommand {
  @Mixin MoveOptions options = new MoveOptions();

  @Override
  int run(Admin admin) throws Exception {
    options.validate();
    boolean json = options.output.json();
    PlanExecution execution = new PlanExecution(this, admin, json);
    List<ReplicaBalancePlanner.Broker> brokers = execution.liveBrokers();
    Set<Integer> ids = new TreeSet<>();
    brokers.forEach(b -> ids.add(b.id()));
    ReplicaBalancePlanner.Plan plan;
    try {
      plan = ReplicaBalancePlanner.plan(brokers, execution.assignments());
    } catch (ReplicaBalancePlanner.Infeasible e) {
      throw new CliException("cannot rebalance: " + e.getMessage(), 1);
    }
    PlanReport.print(plan, ids, json, out());
    if (options.dryRun) {
      return 0;
    }
    execution.execute(plan, options.throttleBytesPerSec, options.timeout);
    if (!json) {
      out().println("rebalanced: " + plan.moves().size() + " partition(s) changed, " + plan.replicasMoved()
          + " replica(s) copied");
    }
    return 0;
  }
}
