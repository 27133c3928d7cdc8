package io.tributary.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ElectionNotNeededException;

/**
 * The I/O around {@link ReplicaBalancePlanner}: reads the brokers and assignments, and carries a plan out as
 * {@code kafka-reassign-partitions --execute --throttle} then {@code --verify} and {@code kafka-leader-election
 * --election-type preferred} would: throttles on, AlterPartitionReassignments, wait with progress, throttles off,
 * preferred leader election.
 */
final class PlanExecution {
  static final String LEADER_RATE = "leader.replication.throttled.rate";
  static final String FOLLOWER_RATE = "follower.replication.throttled.rate";
  static final String LEADER_REPLICAS = "leader.replication.throttled.replicas";
  static final String FOLLOWER_REPLICAS = "follower.replication.throttled.replicas";
  /** How often the progress is polled (ListPartitionReassignments). */
  static final long POLL_INTERVAL_MS = 500;

  private final AdminCommand cmd;
  private final Admin admin;
  private final PrintWriter out;
  private final boolean quiet;

  PlanExecution(AdminCommand cmd, Admin admin, boolean quiet) {
    this.cmd = cmd;
    this.admin = admin;
    this.out = cmd.out();
    this.quiet = quiet;
  }

  /** The live brokers (DescribeCluster), with their racks. */
  List<ReplicaBalancePlanner.Broker> liveBrokers() {
    List<ReplicaBalancePlanner.Broker> out = new ArrayList<>();
    for (Node n : ClusterCommand.sorted(cmd.get(admin.describeCluster().nodes(), "describe the cluster"))) {
      out.add(new ReplicaBalancePlanner.Broker(n.id(), n.hasRack() ? Optional.of(n.rack()) : Optional.empty()));
    }
    return out;
  }

  /** Every partition's replicas, internal topics included (they are load too), preferred leader first. */
  SortedMap<TopicPartition, List<Integer>> assignments() {
    Collection<String> names = cmd.get(admin.listTopics(new ListTopicsOptions().listInternal(true)).names(), "list topics");
    SortedMap<TopicPartition, List<Integer>> out = new TreeMap<>(ReplicaBalancePlanner.ORDER);
    if (names.isEmpty()) {
      return out;
    }
    for (TopicDescription d : cmd.get(admin.describeTopics(names).allTopicNames(), "describe topics").values()) {
      for (TopicPartitionInfo p : d.partitions()) {
        out.put(new TopicPartition(d.name(), p.partition()), p.replicas().stream().map(Node::id).toList());
      }
    }
    return out;
  }

  /** Carries the plan out; returns once every partition has its target replicas and the throttles are gone. */
  void execute(ReplicaBalancePlanner.Plan plan, Long throttleBytesPerSec, java.time.Duration timeout) throws Exception {
    SortedMap<TopicPartition, List<Integer>> moves = plan.moves();
    if (!moves.isEmpty()) {
      Set<Integer> brokers = new TreeSet<>();
      moves.forEach((tp, to) -> {
        brokers.addAll(to);
        brokers.addAll(plan.current().get(tp));
      });
      if (throttleBytesPerSec != null) {
        setThrottles(plan, brokers, throttleBytesPerSec);
      }
      try {
        submit(moves);
        await(plan, timeout, throttleBytesPerSec != null);
      } catch (Exception e) {
        if (throttleBytesPerSec != null) {
          progress("the throttles stay on while reassignments are in flight: see `tributary reassignments list`;"
              + " rerun or cancel (`tributary reassignments cancel --all`), then remove them");
        }
        throw e;
      }
      if (throttleBytesPerSec != null) {
        removeThrottles(moves.keySet(), brokers);
      }
    }
    electPreferredLeaders(plan.target().keySet());
  }

  private void setThrottles(ReplicaBalancePlanner.Plan plan, Set<Integer> brokers, long bytesPerSec) {
    Map<ConfigResource, Collection<AlterConfigOp>> ops = new HashMap<>();
    for (int b : brokers) {
      ops.put(new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(b)), List.of(
          set(LEADER_RATE, Long.toString(bytesPerSec)), set(FOLLOWER_RATE, Long.toString(bytesPerSec))));
    }
    // As Kafka's tool: the leader side throttles the replicas that exist now, the follower side the ones being added.
    Map<String, List<String>> leaders = new TreeMap<>();
    Map<String, List<String>> followers = new TreeMap<>();
    plan.moves().forEach((tp, to) -> {
      List<Integer> from = plan.current().get(tp);
      List<Integer> adding = to.stream().filter(b -> !from.contains(b)).toList();
      if (!adding.isEmpty()) {
        from.forEach(b -> leaders.computeIfAbsent(tp.topic(), k -> new ArrayList<>()).add(tp.partition() + ":" + b));
        adding.forEach(b -> followers.computeIfAbsent(tp.topic(), k -> new ArrayList<>()).add(tp.partition() + ":" + b));
      }
    });
    leaders.forEach((topic, replicas) -> ops.put(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(
        set(LEADER_REPLICAS, String.join(",", replicas)), set(FOLLOWER_REPLICAS, String.join(",", followers.get(topic))))));
    cmd.get(admin.incrementalAlterConfigs(ops).all(), "set the replication throttle");
    progress("throttle: " + bytesPerSec + " B/s on brokers " + brokers + " for the replicas of " + leaders.keySet());
  }

  private void removeThrottles(Set<TopicPartition> partitions, Set<Integer> brokers) {
    Map<ConfigResource, Collection<AlterConfigOp>> ops = new HashMap<>();
    for (int b : brokers) {
      ops.put(new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(b)), List.of(delete(LEADER_RATE), delete(FOLLOWER_RATE)));
    }
    partitions.stream().map(TopicPartition::topic).distinct().forEach(topic -> ops.put(
        new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(delete(LEADER_REPLICAS), delete(FOLLOWER_REPLICAS))));
    cmd.get(admin.incrementalAlterConfigs(ops).all(), "remove the replication throttle");
    progress("throttle removed");
  }

  private void submit(SortedMap<TopicPartition, List<Integer>> moves) {
    Map<TopicPartition, Optional<NewPartitionReassignment>> request = new TreeMap<>(ReplicaBalancePlanner.ORDER);
    moves.forEach((tp, to) -> request.put(tp, Optional.of(new NewPartitionReassignment(to))));
    Map<TopicPartition, KafkaFuture<Void>> results = admin.alterPartitionReassignments(request).values();
    List<String> failed = new ArrayList<>();
    for (TopicPartition tp : request.keySet()) {
      try {
        cmd.get(results.get(tp), "reassign " + tp);
      } catch (CliException e) {
        failed.add(tp + ": " + e.getMessage());
      }
    }
    if (!failed.isEmpty()) {
      throw new CliException("the cluster refused " + failed.size() + " of " + moves.size() + " reassignment(s): "
          + String.join("; ", failed));
    }
    progress("submitted " + moves.size() + " reassignment(s)");
  }

  private void await(ReplicaBalancePlanner.Plan plan, java.time.Duration timeout, boolean throttled) throws InterruptedException {
    Set<TopicPartition> moving = plan.moves().keySet();
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    int lastReported = -1;
    while (true) {
      Set<TopicPartition> inFlight = new TreeSet<>(ReplicaBalancePlanner.ORDER);
      inFlight.addAll(cmd.get(admin.listPartitionReassignments(moving).reassignments(), "list partition reassignments").keySet());
      if (inFlight.isEmpty()) {
        Map<TopicPartition, List<Integer>> now = assignments();
        List<TopicPartition> wrong = moving.stream().filter(tp -> !plan.target().get(tp).equals(now.get(tp))).toList();
        if (wrong.isEmpty()) {
          progress("moved: " + moving.size() + " of " + moving.size() + " partition(s) have their target replicas");
          return;
        }
        throw new CliException("the reassignments ended but " + wrong + " do not have their target replicas (cancelled?)");
      }
      if (inFlight.size() != lastReported) {
        lastReported = inFlight.size();
        progress("moving: " + (moving.size() - inFlight.size()) + " of " + moving.size() + " partition(s) done, in flight: "
            + inFlight.stream().limit(5).map(String::valueOf).collect(Collectors.joining(", "))
            + (inFlight.size() > 5 ? ", ..." : ""));
      }
      if (System.currentTimeMillis() > deadline) {
        throw new CliException("the moves did not finish within " + timeout.toSeconds() + " s; " + inFlight.size()
            + " partition(s) still in flight (they continue: `tributary reassignments list`)"
            + (throttled ? "; if they make no progress, the throttle may be below what is written to the moving"
                + " partitions (in-sync replicas count against it, as in Kafka): raise it" : ""));
      }
      Thread.sleep(POLL_INTERVAL_MS);
    }
  }

  /** Preferred leader election (kafka-leader-election --election-type preferred); ELECTION_NOT_NEEDED is success. */
  private void electPreferredLeaders(Set<TopicPartition> partitions) throws InterruptedException {
    if (partitions.isEmpty()) {
      return;
    }
    Map<TopicPartition, Optional<Throwable>> result;
    try {
      result = admin.electLeaders(ElectionType.PREFERRED, partitions).partitions().get();
    } catch (ExecutionException e) {
      throw new CliException("preferred leader election failed: " + Errors.message(e.getCause()), e.getCause());
    }
    int elected = 0;
    List<String> failed = new ArrayList<>();
    for (Map.Entry<TopicPartition, Optional<Throwable>> e : result.entrySet()) {
      if (e.getValue().isEmpty()) {
        elected++;
      } else if (!(e.getValue().get() instanceof ElectionNotNeededException)) {
        failed.add(e.getKey() + ": " + e.getValue().get().getMessage());
      }
    }
    progress("preferred leader election: " + elected + " leader(s) moved"
        + (failed.isEmpty() ? "" : "; not elected: " + String.join("; ", failed)));
  }

  private void progress(String line) {
    if (!quiet) {
      out.println(line);
      out.flush();
    }
  }

  private static AlterConfigOp set(String key, String value) {
    return new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET);
  }

  private static AlterConfigOp delete(String key) {
    return new AlterConfigOp(new ConfigEntry(key, ""), AlterConfigOp.OpType.DELETE);
  }
}
