package io.tributary.log.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.protocol.Errors;

/**
 * The rules of an election asked for with ElectLeaders (KIP-460), as Kafka's controller applies them: pure
 * functions of one partition's state, its replicas and the live brokers.
 *
 * <ul>
 *   <li>PREFERRED: the first assigned replica leads, if it is live and in the ISR (ISR unchanged, epoch bumped);
 *       ELECTION_NOT_NEEDED when it leads already, else PREFERRED_LEADER_NOT_AVAILABLE.
 *   <li>UNCLEAN: only for a partition without a live leader (else ELECTION_NOT_NEEDED). A live in-sync replica
 *       is preferred (a clean election); only when none is live does a live out-of-sync replica lead, with an
 *       ISR of itself — records it never had are lost, which is what the caller asked for. No live replica:
 *       ELIGIBLE_LEADERS_NOT_AVAILABLE.
 * </ul>
 */
public final class RequestedElection {
  private RequestedElection() {}

  /** Either the state to write ({@code next}, error NONE) or why no election happens. */
  public record Outcome(PartitionState next, Errors error, String message) {
    static Outcome elected(PartitionState next) {
      return new Outcome(next, Errors.NONE, null);
    }

    static Outcome refused(Errors error, String message) {
      return new Outcome(null, error, message);
    }
  }

  /**
   * Decides one partition's election. {@code state} or {@code replicas} null: the partition does not exist
   * (UNKNOWN_TOPIC_OR_PARTITION).
   */
  public static Outcome decide(ElectionType type, String partition, PartitionState state, List<Integer> replicas,
      Set<Integer> live, int controllerEpoch) {
    if (state == null || replicas == null || replicas.isEmpty()) {
      return Outcome.refused(Errors.UNKNOWN_TOPIC_OR_PARTITION, "partition " + partition + " does not exist");
    }
    return switch (type) {
      case PREFERRED -> preferred(partition, state, replicas, live, controllerEpoch);
      case UNCLEAN -> unclean(partition, state, replicas, live, controllerEpoch);
    };
  }

  private static Outcome preferred(String partition, PartitionState s, List<Integer> replicas, Set<Integer> live,
      int controllerEpoch) {
    int preferred = replicas.get(0);
    if (s.leader() == preferred) {
      return Outcome.refused(Errors.ELECTION_NOT_NEEDED, "leader election not needed for " + partition
          + ": its preferred replica " + preferred + " leads");
    }
    if (!live.contains(preferred)) {
      return Outcome.refused(Errors.PREFERRED_LEADER_NOT_AVAILABLE, "preferred replica " + preferred + " of "
          + partition + " is not live");
    }
    if (!s.isr().contains(preferred)) {
      return Outcome.refused(Errors.PREFERRED_LEADER_NOT_AVAILABLE, "preferred replica " + preferred + " of "
          + partition + " is not in its ISR " + s.isr());
    }
    return Outcome.elected(new PartitionState(preferred, s.leaderEpoch() + 1, s.isr(), controllerEpoch, s.zkVersion()));
  }

  private static Outcome unclean(String partition, PartitionState s, List<Integer> replicas, Set<Integer> live,
      int controllerEpoch) {
    if (s.leader() >= 0 && live.contains(s.leader())) {
      return Outcome.refused(Errors.ELECTION_NOT_NEEDED, "leader election not needed for " + partition
          + ": broker " + s.leader() + " leads it and is live");
    }
    List<Integer> liveIsr = new ArrayList<>();
    for (int r : replicas) {
      if (s.isr().contains(r) && live.contains(r)) {
        liveIsr.add(r);
      }
    }
    if (!liveIsr.isEmpty()) {
      return Outcome.elected(new PartitionState(liveIsr.get(0), s.leaderEpoch() + 1, liveIsr, controllerEpoch, s.zkVersion()));
    }
    for (int r : replicas) {
      if (live.contains(r)) {
        return Outcome.elected(new PartitionState(r, s.leaderEpoch() + 1, List.of(r), controllerEpoch, s.zkVersion()));
      }
    }
    return Outcome.refused(Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE, "no replica of " + partition + " " + replicas
        + " is live");
  }
}
