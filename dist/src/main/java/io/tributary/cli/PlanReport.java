package io.tributary.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;

/** A plan for people (moves as "from -> to" and a per-broker table) or as JSON. */
final class PlanReport {
  private PlanReport() {}

  static void print(ReplicaBalancePlanner.Plan plan, Set<Integer> brokers, boolean json, PrintWriter out) {
    Map<TopicPartition, List<Integer>> moves = plan.moves();
    Map<Integer, int[]> counts = ReplicaBalancePlanner.countsBeforeAfter(plan, brokers);
    if (json) {
      ObjectNode o = Table.JSON.createObjectNode();
      o.put("partitions_moving", moves.size());
      o.put("replicas_moving", plan.replicasMoved());
      var array = o.putArray("moves");
      moves.forEach((tp, to) -> {
        ObjectNode m = array.addObject().put("topic", tp.topic()).put("partition", tp.partition());
        plan.current().get(tp).forEach(m.putArray("from")::add);
        to.forEach(m.putArray("to")::add);
      });
      var b = o.putArray("brokers");
      counts.forEach((id, c) -> b.addObject().put("id", id).put("replicas_before", c[0]).put("replicas_after", c[1])
          .put("leaders_before", c[2]).put("leaders_after", c[3]));
      OutputFormat.print(o, out);
      return;
    }
    if (moves.isEmpty()) {
      out.println("the cluster is balanced: nothing to move");
    } else {
      out.println("PLAN: " + moves.size() + " partition(s) change, " + plan.replicasMoved() + " replica(s) copied");
      moves.forEach((tp, to) -> out.println("  " + tp + ": " + ids(plan.current().get(tp)) + " -> " + ids(to)));
    }
    out.println();
    Table t = new Table("BROKER", "REPLICAS BEFORE", "REPLICAS AFTER", "LEADERS BEFORE", "LEADERS AFTER");
    counts.forEach((id, c) -> t.row(id, c[0], c[1], c[2], c[3]));
    t.print(out, "");
    out.flush();
  }

  static String ids(List<Integer> ids) {
    return ids.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
  }
}
