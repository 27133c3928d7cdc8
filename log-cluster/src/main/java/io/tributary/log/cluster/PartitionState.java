package io.tributary.log.cluster;

import java.util.List;

/**
 * A partition's leadership, as stored in its state znode: the leader (-1 when none), its epoch, the
 * in-sync replicas, the epoch of the controller that wrote it, and the znode version (for
 * compare-and-set updates).
 */
public record PartitionState(int leader, int leaderEpoch, List<Integer> isr, int controllerEpoch, int zkVersion) {
  public static final int NO_LEADER = -1;

  public PartitionState {
    isr = List.copyOf(isr);
  }

  public PartitionState withZkVersion(int version) {
    return new PartitionState(leader, leaderEpoch, isr, controllerEpoch, version);
  }
}
