package io.tributary.log.group;

/** The states of a classic group, named as Kafka names them in DescribeGroups and ListGroups. */
public enum GroupState {
  /** No members; the group may still hold committed offsets. */
  EMPTY("Empty"),
  /** A rebalance started: members must (re)join within the rebalance timeout. */
  PREPARING_REBALANCE("PreparingRebalance"),
  /** The join completed: waiting for the leader's assignment in SyncGroup. */
  COMPLETING_REBALANCE("CompletingRebalance"),
  /** Every member has its assignment; members heartbeat. */
  STABLE("Stable"),
  /** Removed (deleted, expired, or its coordinator moved away). */
  DEAD("Dead");

  private final String kafkaName;

  GroupState(String kafkaName) {
    this.kafkaName = kafkaName;
  }

  public String kafkaName() {
    return kafkaName;
  }

  public static GroupState parse(String name) {
    for (GroupState s : values()) {
      if (s.kafkaName.equalsIgnoreCase(name) || s.name().equalsIgnoreCase(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown group state '" + name + "'");
  }
}
