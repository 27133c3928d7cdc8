package io.tributary.log.faults;

/**
 * One planned step of a fault run. {@code target} is a broker id, a ZooKeeper member index, or -1 when it is
 * chosen when the step starts (the controller) or there is none (an operation); {@code peer} is the other
 * broker of a broker-to-broker partition, else -1. The fault is held {@code holdMs} and then healed.
 */
record Fault(int step, FaultKind kind, int target, int peer, long holdMs) {
  @Override
  public String toString() {
    return "#" + step + " " + kind + (target >= 0 ? " target=" + target : "") + (peer >= 0 ? " peer=" + peer : "")
        + (holdMs > 0 ? " hold=" + holdMs + "ms" : "");
  }
}
