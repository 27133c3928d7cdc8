package io.tributary.log.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The controller's decision for a partition being reassigned: wait, or complete. It completes once every target
 * replica is in the ISR (the old leader's ISR includes the new replicas before any is removed, Kafka's two-phase
 * reassignment): the replicas become the target, the ISR keeps only target replicas, and the leader epoch is bumped
 * so the removed replicas are fenced; a leader being removed hands over to the first live in-sync target replica.
 */
public final class ReassignmentStep {
  private ReassignmentStep() {}

  /** The switch to the target: the new replicas and the new partition state. */
  public record Completion(List<Integer> replicas, PartitionState state) {}

  /** The completion of {@code reassignment}, or null while the target is not yet all in sync (or no leader can lead it). */
  public static Completion next(List<Integer> replicas, PartitionReassignment reassignment, PartitionState state,
      Set<Integer> live, int controllerEpoch) {
    List<Integer> target = reassignment.target(replicas);
    if (state.leader() < 0 || !state.isr().containsAll(target)) {
      return null;
    }
    List<Integer> isr = new ArrayList<>(state.isr());
    isr.retainAll(target);
    int leader = state.leader();
    if (!target.contains(leader) || !live.contains(leader)) {
      leader = target.stream().filter(r -> isr.contains(r) && live.contains(r)).findFirst().orElse(PartitionState.NO_LEADER);
      if (leader == PartitionState.NO_LEADER) {
        return null; // no live target replica to lead: wait for one to come back
      }
    }
    return new Completion(target, new PartitionState(leader, state.leaderEpoch() + 1, isr, controllerEpoch, state.zkVersion()));
  }
}
