package io.tributary.log.group;

import java.util.List;
import org.apache.kafka.common.protocol.Errors;

/**
 * What the pure group state machine asks its I/O layer to do: answer a parked JoinGroup or SyncGroup
 * (identified by the token it was given), or write the group's metadata record before answering.
 */
public sealed interface GroupEffect {

  /** One member as the JoinGroup leader sees it. */
  record JoinedMember(String memberId, String groupInstanceId, byte[] metadata) {}

  /** The outcome of a JoinGroup; {@code members} is non-empty only for the leader. */
  record JoinResult(Errors error, int generationId, String protocolType, String protocolName, String leaderId,
                    String memberId, List<JoinedMember> members, boolean skipAssignment) {
    static JoinResult error(Errors error, String memberId) {
      return new JoinResult(error, -1, null, null, "", memberId, List.of(), false);
    }
  }

  /** The outcome of a SyncGroup. */
  record SyncResult(Errors error, String protocolType, String protocolName, byte[] assignment) {
    static SyncResult error(Errors error) {
      return new SyncResult(error, null, null, new byte[0]);
    }
  }

  record JoinReply(long token, JoinResult result) implements GroupEffect {}

  record SyncReply(long token, SyncResult result) implements GroupEffect {}

  /**
   * The group's durable metadata (generation, protocol, leader, members and assignments) changed: write
   * it. Replies emitted in the same batch after this effect are sent once the write is acknowledged.
   */
  record PersistGroup() implements GroupEffect {}
}
