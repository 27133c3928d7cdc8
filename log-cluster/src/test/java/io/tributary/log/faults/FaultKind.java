package io.tributary.log.faults;

/**
 * What the fault suite does to the cluster: faults (held for a while, then healed) and, between them, the
 * elasticity operations of issue 19 (done at once, no healing).
 */
enum FaultKind {
  KILL_BROKER(Needs.PROCESSES),
  KILL_CONTROLLER(Needs.PROCESSES),
  KILL_ZOOKEEPER(Needs.PROCESSES),
  PAUSE_BROKER(Needs.PROCESSES),
  PAUSE_CONTROLLER(Needs.PROCESSES),
  PAUSE_ZOOKEEPER(Needs.PROCESSES),
  PARTITION_BROKERS(Needs.NAMESPACES),
  PARTITION_BROKER_FROM_ZOOKEEPER(Needs.NAMESPACES),
  FULL_DISK(Needs.MOUNT),
  ELECT_PREFERRED_LEADERS(Needs.PROCESSES),
  REASSIGN_PARTITIONS(Needs.PROCESSES);

  /** What the machine must allow for this kind: processes only, network namespaces (root), a tmpfs mount (root). */
  enum Needs { PROCESSES, NAMESPACES, MOUNT }

  final Needs needs;

  FaultKind(Needs needs) {
    this.needs = needs;
  }

  /** An operation (Admin API call) rather than a fault: not counted in {@code faults=N}, nothing to heal. */
  boolean isOperation() {
    return this == ELECT_PREFERRED_LEADERS || this == REASSIGN_PARTITIONS;
  }

  /** Whether the target is a ZooKeeper member (index 0..n-1) rather than a broker id. */
  boolean targetsZooKeeper() {
    return this == KILL_ZOOKEEPER || this == PAUSE_ZOOKEEPER;
  }

  /** Whether the target is whichever broker is the controller when the fault starts (chosen then, not planned). */
  boolean targetsController() {
    return this == KILL_CONTROLLER || this == PAUSE_CONTROLLER;
  }
}
