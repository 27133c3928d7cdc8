package io.tributary.log.faults;

import io.tributary.testkit.BrokerProcess;
import io.tributary.testkit.ZooKeeperMember;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Applies one planned {@link Fault} to the {@link FaultCluster}: inject, hold, heal, then wait until the
 * cluster has recovered (every broker and ZooKeeper member up, every partition led with a full ISR) so that
 * the next fault starts from a healthy cluster. Operations (leader election, reassignment) are Admin calls.
 */
final class FaultInjector {
  /** How long the cluster may take to be healthy again after a fault is healed. */
  static final Duration RECOVERY = Duration.ofMinutes(5);
  /** How long an operation is retried while it gets retriable errors, and the pause between attempts. */
  static final Duration OPERATION_RETRIES = Duration.ofMinutes(2);
  static final long OPERATION_RETRY_BACKOFF_MS = 1_000;

  private final FaultCluster cluster;
  private final List<String> healthTopics;
  private final String topic;
  private final Map<FaultKind, Integer> counts = new EnumMap<>(FaultKind.class);
  /** Times a broker had to be restarted because its partitions did not recover after the disk was freed. */
  int restartsAfterFullDisk;

  FaultInjector(FaultCluster cluster, String topic, List<String> healthTopics) {
    this.cluster = cluster;
    this.topic = topic;
    this.healthTopics = healthTopics;
  }

  Map<FaultKind, Integer> counts() {
    return counts;
  }

  void apply(Fault fault) throws Exception {
    int target = fault.kind().targetsController() ? cluster.controller() : fault.target();
    if (fault.kind().targetsController() && target < 0) {
      throw new AssertionError(fault + ": no controller before the fault");
    }
    RunLog.say(fault + (fault.kind().targetsController() ? " (controller = broker " + target + ")" : ""));
    switch (fault.kind()) {
      case KILL_BROKER, KILL_CONTROLLER -> {
        BrokerProcess b = cluster.brokers.get(target);
        b.kill9();
        hold(fault);
        b.start();
        b.awaitReady(FaultCluster.BROKER_START);
      }
      case PAUSE_BROKER, PAUSE_CONTROLLER -> {
        BrokerProcess b = cluster.brokers.get(target);
        b.sigstop();
        try {
          hold(fault);
        } finally {
          b.sigcont();
        }
      }
      case KILL_ZOOKEEPER -> {
        ZooKeeperMember m = cluster.zooKeeper.member(target);
        m.kill9();
        hold(fault);
        m.start();
      }
      case PAUSE_ZOOKEEPER -> {
        ZooKeeperMember m = cluster.zooKeeper.member(target);
        m.sigstop();
        try {
          hold(fault);
        } finally {
          m.sigcont();
        }
      }
      case PARTITION_BROKERS -> {
        String a = FaultCluster.brokerNode(target);
        String b = FaultCluster.brokerNode(fault.peer());
        cluster.network.partition(a, b);
        try {
          hold(fault);
        } finally {
          cluster.network.heal(a, b);
        }
      }
      case PARTITION_BROKER_FROM_ZOOKEEPER -> {
        String b = FaultCluster.brokerNode(target);
        List<String> zk = new ArrayList<>();
        for (int i = 0; i < FaultCluster.ZOOKEEPERS; i++) {
          zk.add(FaultCluster.zooKeeperNode(i));
        }
        zk.forEach(z -> cluster.network.partition(b, z));
        try {
          hold(fault);
        } finally {
          zk.forEach(z -> cluster.network.heal(b, z));
        }
      }
      case FULL_DISK -> {
        long filled = cluster.disk.fill();
        RunLog.say("  filled " + filled + " bytes");
        try {
          hold(fault);
        } finally {
          cluster.disk.free();
        }
      }
      case ELECT_PREFERRED_LEADERS -> electPreferredLeaders();
      case REASSIGN_PARTITIONS -> reassignRotated();
      default -> throw new IllegalArgumentException("unknown fault " + fault);
    }
    counts.merge(fault.kind(), 1, Integer::sum);
    long healed = System.nanoTime();
    recover(fault);
    RunLog.say("  recovered " + (System.nanoTime() - healed) / 1_000_000 + " ms after healing");
  }

  /** Holds a fault for its planned time: the wait is the fault, not a synchronisation. */
  private static void hold(Fault fault) throws InterruptedException {
    Thread.sleep(fault.holdMs());
  }

  private void recover(Fault fault) throws Exception {
    cluster.zooKeeper.awaitAllServing(RECOVERY);
    try {
      cluster.awaitHealthy(healthTopics, fault.kind() == FaultKind.FULL_DISK ? Duration.ofMinutes(1) : RECOVERY);
    } catch (AssertionError notYet) {
      if (fault.kind() != FaultKind.FULL_DISK) {
        throw new AssertionError(fault + ": " + notYet.getMessage(), notYet);
      }
      // As with Kafka, a log directory taken offline by a failed write comes back only with a broker restart.
      RunLog.say("  " + notYet.getMessage() + "; restarting broker " + fault.target());
      restartsAfterFullDisk++;
      BrokerProcess b = cluster.brokers.get(fault.target());
      b.restart();
      b.awaitReady(FaultCluster.BROKER_START);
      cluster.awaitHealthy(healthTopics, RECOVERY);
    }
  }

  private void electPreferredLeaders() throws Exception {
    Set<TopicPartition> tps = partitions().keySet();
    Map<TopicPartition, Optional<Throwable>> result = retried("electLeaders",
        () -> {
          Map<TopicPartition, Optional<Throwable>> r = cluster.admin().electLeaders(ElectionType.PREFERRED, tps)
              .partitions().get(60, TimeUnit.SECONDS);
          for (Optional<Throwable> error : r.values()) {
            // ElectionNotNeeded is a RetriableException too, but it is the answer: that replica leads already.
            if (error.isPresent() && error.get() instanceof RetriableException
                && !(error.get() instanceof ElectionNotNeededException)) {
              throw new ExecutionException(error.get()); // a partition's retriable error: the whole call again
            }
          }
          return r;
        });
    Map<TopicPartition, String> errors = new HashMap<>();
    result.forEach((tp, error) -> error.filter(e -> !(e instanceof ElectionNotNeededException))
        .ifPresent(e -> errors.put(tp, e.toString())));
    if (!errors.isEmpty()) {
      throw new AssertionError("electLeaders(PREFERRED) on a healthy cluster failed: " + errors);
    }
  }

  /** Moves each partition's replicas one place round (a new preferred leader), then waits until it is done. */
  private void reassignRotated() throws Exception {
    Map<TopicPartition, List<Integer>> target = new HashMap<>();
    partitions().forEach((tp, replicas) -> {
      List<Integer> rotated = new ArrayList<>(replicas.subList(1, replicas.size()));
      rotated.add(replicas.get(0));
      target.put(tp, rotated);
    });
    retried("alterPartitionReassignments", () -> cluster.admin().alterPartitionReassignments(target.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> Optional.of(new NewPartitionReassignment(e.getValue())))))
        .all().get(60, TimeUnit.SECONDS));
    long deadline = System.nanoTime() + RECOVERY.toNanos();
    while (true) {
      boolean ongoing = !cluster.admin().listPartitionReassignments().reassignments().get(20, TimeUnit.SECONDS).isEmpty();
      if (!ongoing && partitions().equals(target)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("reassignment to " + target + " not done within " + RECOVERY + ": " + partitions());
      }
      Thread.sleep(500);
    }
  }

  /** An Admin call that can fail retriably. */
  private interface AdminCall<T> {
    T call() throws Exception;
  }

  /**
   * Calls again, as an operator would, while the answer is a retriable error: right after a controller change
   * the client may still send to the old controller (NOT_CONTROLLER), which Kafka's Admin does not retry itself.
   */
  private <T> T retried(String what, AdminCall<T> call) throws Exception {
    long deadline = System.nanoTime() + OPERATION_RETRIES.toNanos();
    int attempts = 0;
    while (true) {
      try {
        T result = call.call();
        if (attempts > 0) {
          RunLog.say("  " + what + " succeeded after " + attempts + " retriable errors");
        }
        return result;
      } catch (ExecutionException e) {
        attempts++;
        if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
          throw new AssertionError(what + " failed after " + attempts + " attempts (the cluster names broker "
              + cluster.controller() + " controller): " + e.getCause(), e);
        }
        // A fresh Admin: Kafka's Admin does not refresh its metadata (the controller's id) after NOT_CONTROLLER here.
        cluster.resetAdmin();
        Thread.sleep(OPERATION_RETRY_BACKOFF_MS);
      }
    }
  }

  private Map<TopicPartition, List<Integer>> partitions() throws Exception {
    TopicDescription d = cluster.admin().describeTopics(List.of(topic)).allTopicNames().get(20, TimeUnit.SECONDS).get(topic);
    Map<TopicPartition, List<Integer>> out = new HashMap<>();
    d.partitions().forEach(p -> out.put(new TopicPartition(topic, p.partition()), p.replicas().stream().map(Node::id).toList()));
    return out;
  }
}
