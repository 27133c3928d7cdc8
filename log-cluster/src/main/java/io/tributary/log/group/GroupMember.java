package io.tributary.log.group;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One member of a classic group, as the pure state machine sees it: its protocols (name to metadata,
 * in the member's order of preference), its assignment, its timeouts and the deadline by which it must
 * heartbeat. A pending JoinGroup or SyncGroup is held as an opaque token the I/O layer answers.
 */
final class GroupMember {
  String memberId;
  final String groupInstanceId;
  String clientId;
  String clientHost;
  int sessionTimeoutMs;
  int rebalanceTimeoutMs;
  String protocolType;
  LinkedHashMap<String, byte[]> protocols;
  byte[] assignment = new byte[0];
  long heartbeatDeadlineMs;
  /** Token of the JoinGroup waiting for the rebalance to complete; -1 = none. */
  long awaitingJoin = -1;
  /** Token of the SyncGroup waiting for the leader's assignment; -1 = none. */
  long awaitingSync = -1;
  /** Whether the member joined with a JoinGroup version that knows MEMBER_ID_REQUIRED etc (unused by logic). */
  boolean isNew;

  GroupMember(String memberId, String groupInstanceId, String clientId, String clientHost, int sessionTimeoutMs,
      int rebalanceTimeoutMs, String protocolType, LinkedHashMap<String, byte[]> protocols) {
    this.memberId = memberId;
    this.groupInstanceId = groupInstanceId;
    this.clientId = clientId;
    this.clientHost = clientHost;
    this.sessionTimeoutMs = sessionTimeoutMs;
    this.rebalanceTimeoutMs = rebalanceTimeoutMs;
    this.protocolType = protocolType;
    this.protocols = protocols;
  }

  boolean isStatic() {
    return groupInstanceId != null;
  }

  byte[] metadata(String protocol) {
    byte[] m = protocols.get(protocol);
    if (m == null) {
      throw new IllegalStateException("member " + memberId + " does not support protocol " + protocol);
    }
    return m;
  }

  /** Same protocol names in the same order with the same metadata bytes. */
  boolean sameProtocols(Map<String, byte[]> other) {
    if (other.size() != protocols.size()) {
      return false;
    }
    var a = protocols.entrySet().iterator();
    var b = other.entrySet().iterator();
    while (a.hasNext()) {
      var x = a.next();
      var y = b.next();
      if (!Objects.equals(x.getKey(), y.getKey()) || !Arrays.equals(x.getValue(), y.getValue())) {
        return false;
      }
    }
    return true;
  }
}
