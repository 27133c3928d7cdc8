package io.tributary.log.cluster;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.NoReassignmentInProgressException;

/**
 * A partition's reassignment in flight (KIP-455), stored in the topic znode as Kafka's ZooKeeper mode does
 * ({@code adding_replicas}/{@code removing_replicas}). While it runs, the partition's replicas are the target
 * followed by the replicas being removed: every one of them is a follower, so the adding ones catch up, and the
 * controller switches to the target once the whole target is in the ISR ({@link ReassignmentStep}).
 */
public record PartitionReassignment(List<Integer> adding, List<Integer> removing) {
  public PartitionReassignment {
    adding = List.copyOf(adding);
    removing = List.copyOf(removing);
  }

  /** The replicas the partition ends with: the full replica set without the ones being removed. */
  public List<Integer> target(List<Integer> replicas) {
    return minus(replicas, removing);
  }

  /** The replicas the partition had before: the full replica set without the ones being added. */
  public List<Integer> original(List<Integer> replicas) {
    return minus(replicas, adding);
  }

  /** A partition's replicas and its reassignment (null when none runs). */
  public record Assignment(List<Integer> replicas, PartitionReassignment reassignment) {
    public Assignment {
      replicas = List.copyOf(replicas);
    }
  }

  /**
   * Starts (or replaces) a reassignment to {@code target}, as Kafka's {@code ReplicaAssignment.reassignTo}: the
   * replicas become the target followed by every current replica not in it; replicas of the original assignment
   * missing from the target, and replicas still being added by an earlier reassignment but not in this target, are
   * removed once the target is in sync. A target equal to the current replicas (as a set) only reorders them.
   *
   * @throws InvalidReplicaAssignmentException for an empty target or one naming a broker twice
   */
  public static Assignment reassign(List<Integer> replicas, PartitionReassignment current, List<Integer> target) {
    if (target.isEmpty()) {
      throw new InvalidReplicaAssignmentException("The proposed replica list was empty.");
    }
    if (new LinkedHashSet<>(target).size() != target.size()) {
      throw new InvalidReplicaAssignmentException("The proposed replica list " + target + " contains duplicate replicas.");
    }
    for (int id : target) {
      if (id < 0) {
        throw new InvalidReplicaAssignmentException("The proposed replica list " + target + " contains a negative broker id.");
      }
    }
    List<Integer> original = current == null ? replicas : current.original(replicas);
    List<Integer> removing = minus(replicas, target);
    List<Integer> adding = minus(target, original);
    List<Integer> full = new ArrayList<>(target);
    full.addAll(removing);
    if (removing.isEmpty() && adding.isEmpty()) {
      return new Assignment(target, null);
    }
    return new Assignment(full, new PartitionReassignment(adding, removing));
  }

  /**
   * Cancels a reassignment (a null target in AlterPartitionReassignments): back to the original replicas, the
   * replicas being added become the ones removed, so the controller drops them (and their logs) from the ISR too.
   *
   * @throws NoReassignmentInProgressException when none runs
   */
  public static Assignment cancel(List<Integer> replicas, PartitionReassignment current) {
    if (current == null) {
      throw new NoReassignmentInProgressException("No reassignment is in progress for this partition.");
    }
    return reassign(replicas, current, current.original(replicas));
  }

  private static List<Integer> minus(List<Integer> from, List<Integer> remove) {
    List<Integer> out = new ArrayList<>(from);
    out.removeAll(remove);
    return out;
  }
}
