package io.tributary.log.group;

import io.tributary.log.group.GroupEffect.JoinReply;
import io.tributary.log.group.GroupEffect.JoinResult;
import io.tributary.log.group.GroupEffect.JoinedMember;
import io.tributary.log.group.GroupEffect.PersistGroup;
import io.tributary.log.group.GroupEffect.SyncReply;
import io.tributary.log.group.GroupEffect.SyncResult;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.common.protocol.Errors;

/**
 * One classic consumer group as a pure state machine (Kafka's classic protocol): no threads, clocks or
 * sockets. Inputs are requests and the current time ({@code nowMs}); outputs are {@link GroupEffect}s
 * (answers to parked JoinGroup/SyncGroup requests, identified by the tokens the caller passed in, and
 * "write the group metadata"). Immediate answers are return values. The caller serializes all calls.
 *
 * <p>States: Empty → PreparingRebalance (a member joins, leaves, changes its protocols or times out) →
 * CompletingRebalance (every member rejoined, or the rebalance timeout passed and the missing ones were
 * removed; the generation is bumped and the leader gets the member list) → Stable (the leader's
 * SyncGroup brought the assignments). Removing the last member makes it Empty; delete/expiry makes it Dead.
 *
 * <p>Why one file of ~800 lines: every transition reads and writes the same member table, the parked
 * request tokens and the phase deadlines together (a join can fence a static member, void a generation's
 * assignments and complete the join in one step), so a split would pass all of that state between classes
 * without making either half testable on its own. The member record ({@link GroupMember}), the effects
 * ({@link GroupEffect}), the protocol vote ({@link ProtocolVote}) and the durable form's encoding
 * ({@link OffsetsTopicFormat}) live apart.
 */
public final class ClassicGroup {

  /** A JoinGroup as the state machine needs it. {@code memberId} "" = unknown member. */
  public record JoinRequest(String memberId, String groupInstanceId, String clientId, String clientHost,
                            int sessionTimeoutMs, int rebalanceTimeoutMs, String protocolType,
                            LinkedHashMap<String, byte[]> protocols, boolean requireKnownMemberId,
                            boolean supportsSkipAssignment) {}

  /** A member's view for DescribeGroups. */
  public record MemberSummary(String memberId, String groupInstanceId, String clientId, String clientHost,
                              byte[] metadata, byte[] assignment) {}

  private final String groupId;
  private final GroupConfig config;
  private final Supplier<String> memberIdSuffix;

  private GroupState state = GroupState.EMPTY;
  private long stateSinceMs;
  private int generationId;
  private String protocolType;
  private String protocolName;
  private String leaderId;
  private final LinkedHashMap<String, GroupMember> members = new LinkedHashMap<>();
  private final Map<String, String> staticMembers = new HashMap<>();
  /** Member ids handed out with MEMBER_ID_REQUIRED, not yet joined: id → deadline. */
  private final LinkedHashMap<String, Long> pendingMembers = new LinkedHashMap<>();
  /** PreparingRebalance: the join completes no earlier than this (initial delay) ... */
  private long joinNotBeforeMs = -1;
  /** ... and no later than this (rebalance timeout). */
  private long joinDeadlineMs = -1;
  /** CompletingRebalance: members that have not sent SyncGroup by then are removed. */
  private long syncDeadlineMs = -1;
  /** The generation whose PreparingRebalance started from Empty (initial delay applies). */
  private boolean initialJoin;

  private List<GroupEffect> out = new ArrayList<>();

  /**
   * @param memberIdSuffix gives the unique part of new member ids (a UUID in production, a counter in tests)
   */
  public ClassicGroup(String groupId, GroupConfig config, Supplier<String> memberIdSuffix, long nowMs) {
    this.groupId = Objects.requireNonNull(groupId);
    this.config = config;
    this.memberIdSuffix = memberIdSuffix;
    this.stateSinceMs = nowMs;
  }

  // ---------------------------------------------------------------- queries

  public String groupId() {
    return groupId;
  }

  public GroupState state() {
    return state;
  }

  public long stateSinceMs() {
    return stateSinceMs;
  }

  public int generationId() {
    return generationId;
  }

  public String protocolType() {
    return protocolType;
  }

  public String protocolName() {
    return protocolName;
  }

  public String leaderId() {
    return leaderId;
  }

  public int size() {
    return members.size();
  }

  public boolean hasMember(String memberId) {
    return members.containsKey(memberId);
  }

  public Set<String> memberIds() {
    return members.keySet();
  }

  public boolean hasPendingMembers() {
    return !pendingMembers.isEmpty();
  }

  public boolean isPending(String memberId) {
    return pendingMembers.containsKey(memberId);
  }

  public List<MemberSummary> describeMembers() {
    List<MemberSummary> list = new ArrayList<>();
    boolean stable = state == GroupState.STABLE;
    for (GroupMember m : members.values()) {
      byte[] md = stable && protocolName != null ? m.metadata(protocolName) : new byte[0];
      list.add(new MemberSummary(m.memberId, m.groupInstanceId, m.clientId, m.clientHost, md,
          stable ? m.assignment : new byte[0]));
    }
    return list;
  }

  /** Members' metadata in the selected protocol (for OffsetDelete's subscription check). */
  public Collection<byte[]> memberMetadata() {
    List<byte[]> list = new ArrayList<>();
    if (protocolName != null) {
      for (GroupMember m : members.values()) {
        list.add(m.metadata(protocolName));
      }
    }
    return list;
  }

  // ---------------------------------------------------------------- JoinGroup

  /**
   * A JoinGroup. Returns the effects; the answer to this request is a {@link JoinReply} with {@code token},
   * now or in the effects of a later call (when the rebalance completes).
   */
  public List<GroupEffect> join(JoinRequest req, long token, long nowMs) {
    begin();
    if (state == GroupState.DEAD) {
      // The group was deleted or moved while the request was queued: the client looks for the coordinator again.
      reply(token, JoinResult.error(Errors.COORDINATOR_NOT_AVAILABLE, req.memberId()));
      return end();
    }
    if (req.sessionTimeoutMs() < config.minSessionTimeoutMs() || req.sessionTimeoutMs() > config.maxSessionTimeoutMs()) {
      reply(token, JoinResult.error(Errors.INVALID_SESSION_TIMEOUT, req.memberId()));
      return end();
    }
    if (!supportsProtocols(req.protocolType(), req.protocols())) {
      reply(token, JoinResult.error(Errors.INCONSISTENT_GROUP_PROTOCOL, req.memberId()));
      return end();
    }
    if (req.memberId().isEmpty()) {
      joinUnknownMember(req, token, nowMs);
    } else {
      joinKnownMember(req, token, nowMs);
    }
    return end();
  }

  private void joinUnknownMember(JoinRequest req, long token, long nowMs) {
    String newId = (req.groupInstanceId() != null ? req.groupInstanceId() : req.clientId()) + "-" + memberIdSuffix.get();
    if (req.groupInstanceId() != null) {
      String oldId = staticMembers.get(req.groupInstanceId());
      if (oldId == null) {
        if (isFull()) {
          reply(token, JoinResult.error(Errors.GROUP_MAX_SIZE_REACHED, ""));
          return;
        }
        addMemberAndRebalance(req, newId, token, nowMs);
      } else {
        replaceStaticMember(req, oldId, newId, token, nowMs);
      }
      return;
    }
    if (isFull()) {
      reply(token, JoinResult.error(Errors.GROUP_MAX_SIZE_REACHED, ""));
      return;
    }
    if (req.requireKnownMemberId()) {
      // KIP-394: hand out the id first; the member must come back with it (and is counted as joining).
      pendingMembers.put(newId, nowMs + req.sessionTimeoutMs());
      reply(token, JoinResult.error(Errors.MEMBER_ID_REQUIRED, newId));
      return;
    }
    addMemberAndRebalance(req, newId, token, nowMs);
  }

  private void joinKnownMember(JoinRequest req, long token, long nowMs) {
    String memberId = req.memberId();
    if (req.groupInstanceId() != null) {
      String owner = staticMembers.get(req.groupInstanceId());
      if (owner != null && !owner.equals(memberId)) {
        reply(token, JoinResult.error(Errors.FENCED_INSTANCE_ID, memberId));
        return;
      }
    }
    if (pendingMembers.remove(memberId) != null) {
      addMemberAndRebalance(req, memberId, token, nowMs);
      return;
    }
    GroupMember m = members.get(memberId);
    if (m == null || (m.isStatic() ? !m.groupInstanceId.equals(req.groupInstanceId()) : req.groupInstanceId() != null)) {
      reply(token, JoinResult.error(Errors.UNKNOWN_MEMBER_ID, memberId));
      return;
    }
    switch (state) {
      case PREPARING_REBALANCE:
        updateMemberAndRebalance(m, req, token, nowMs);
        break;
      case COMPLETING_REBALANCE:
        if (m.sameProtocols(req.protocols())) {
          // A retried JoinGroup (the member missed the answer): answer it as the join completed.
          m.heartbeatDeadlineMs = nowMs + m.sessionTimeoutMs;
          reply(token, joinResultFor(m));
        } else {
          updateMemberAndRebalance(m, req, token, nowMs);
        }
        break;
      case STABLE:
        if (memberId.equals(leaderId) || !m.sameProtocols(req.protocols())) {
          // The leader rejoins to force a rebalance (e.g. its subscription changed), or metadata changed.
          updateMemberAndRebalance(m, req, token, nowMs);
        } else {
          m.heartbeatDeadlineMs = nowMs + m.sessionTimeoutMs;
          reply(token, joinResultFor(m));
        }
        break;
      default:
        reply(token, JoinResult.error(Errors.UNKNOWN_MEMBER_ID, memberId));
    }
  }

  /** A static member rejoined without its member id (restart): it takes over its old entry under a new id. */
  private void replaceStaticMember(JoinRequest req, String oldId, String newId, long token, long nowMs) {
    GroupMember m = members.remove(oldId);
    if (m == null) {
      throw new IllegalStateException("group " + groupId + ": static member " + req.groupInstanceId()
          + " maps to unknown member " + oldId);
    }
    if (m.awaitingJoin >= 0) {
      reply(m.awaitingJoin, JoinResult.error(Errors.FENCED_INSTANCE_ID, oldId));
      m.awaitingJoin = -1;
    }
    if (m.awaitingSync >= 0) {
      replySync(m.awaitingSync, SyncResult.error(Errors.FENCED_INSTANCE_ID));
      m.awaitingSync = -1;
    }
    boolean wasLeader = oldId.equals(leaderId);
    boolean sameProtocols = m.sameProtocols(req.protocols());
    m.memberId = newId;
    members.put(newId, m);
    staticMembers.put(req.groupInstanceId(), newId);
    if (wasLeader) {
      leaderId = newId;
    }
    m.clientId = req.clientId();
    m.clientHost = req.clientHost();
    m.sessionTimeoutMs = req.sessionTimeoutMs();
    m.rebalanceTimeoutMs = req.rebalanceTimeoutMs();
    m.heartbeatDeadlineMs = nowMs + m.sessionTimeoutMs;
    if (state == GroupState.STABLE && sameProtocols && (!wasLeader || req.supportsSkipAssignment())) {
      // No rebalance: the member keeps its assignment (it gets it again in SyncGroup). Persist the new id.
      out.add(new PersistGroup());
      JoinResult r = joinResultFor(m);
      if (wasLeader) {
        r = new JoinResult(r.error(), r.generationId(), r.protocolType(), r.protocolName(), r.leaderId(), r.memberId(),
            r.members(), true);
      }
      reply(token, r);
      return;
    }
    updateMemberAndRebalance(m, req, token, nowMs);
  }

  private void addMemberAndRebalance(JoinRequest req, String memberId, long token, long nowMs) {
    GroupMember m = new GroupMember(memberId, req.groupInstanceId(), req.clientId(), req.clientHost(),
        req.sessionTimeoutMs(), req.rebalanceTimeoutMs(), req.protocolType(), req.protocols());
    m.isNew = true;
    m.awaitingJoin = token;
    m.heartbeatDeadlineMs = nowMs + m.sessionTimeoutMs;
    if (members.isEmpty()) {
      protocolType = req.protocolType();
    }
    members.put(memberId, m);
    if (m.isStatic()) {
      staticMembers.put(m.groupInstanceId, memberId);
    }
    if (leaderId == null) {
      leaderId = memberId;
    }
    maybePrepareRebalance(nowMs);
    if (state == GroupState.PREPARING_REBALANCE && initialJoin) {
      // New members during the initial delay push it back, within the rebalance timeout.
      joinNotBeforeMs = Math.min(Math.max(joinNotBeforeMs, nowMs + config.initialRebalanceDelayMs()), joinDeadlineMs);
    }
    tryCompleteJoin(nowMs);
  }

  private void updateMemberAndRebalance(GroupMember m, JoinRequest req, long token, long nowMs) {
    if (m.awaitingJoin >= 0 && m.awaitingJoin != token) {
      // Kafka answers the superseded JoinGroup of the same member with an error it retries on.
      reply(m.awaitingJoin, JoinResult.error(Errors.REBALANCE_IN_PROGRESS, m.memberId));
    }
    m.protocols = req.protocols();
    m.clientId = req.clientId();
    m.clientHost = req.clientHost();
    m.sessionTimeoutMs = req.sessionTimeoutMs();
    m.rebalanceTimeoutMs = req.rebalanceTimeoutMs();
    m.awaitingJoin = token;
    m.heartbeatDeadlineMs = nowMs + m.sessionTimeoutMs;
    maybePrepareRebalance(nowMs);
    tryCompleteJoin(nowMs);
  }

  private void maybePrepareRebalance(long nowMs) {
    if (state == GroupState.EMPTY || state == GroupState.STABLE || state == GroupState.COMPLETING_REBALANCE) {
      prepareRebalance(nowMs);
    }
  }

  private void prepareRebalance(long nowMs) {
    if (state == GroupState.COMPLETING_REBALANCE) {
      // Assignments of the generation that never became stable are void; parked syncs retry by rejoining.
      for (GroupMember m : members.values()) {
        m.assignment = new byte[0];
        if (m.awaitingSync >= 0) {
          replySync(m.awaitingSync, SyncResult.error(Errors.REBALANCE_IN_PROGRESS));
          m.awaitingSync = -1;
        }
      }
    }
    initialJoin = state == GroupState.EMPTY;
    int rebalanceTimeoutMs = members.values().stream().mapToInt(m -> m.rebalanceTimeoutMs).max().orElse(0);
    transition(GroupState.PREPARING_REBALANCE, nowMs);
    syncDeadlineMs = -1;
    joinDeadlineMs = nowMs + Math.max(rebalanceTimeoutMs, initialJoin ? config.initialRebalanceDelayMs() : 0);
    joinNotBeforeMs = initialJoin ? Math.min(nowMs + config.initialRebalanceDelayMs(), joinDeadlineMs) : nowMs;
  }

  private boolean allJoined() {
    if (!pendingMembers.isEmpty()) {
      return false;
    }
    for (GroupMember m : members.values()) {
      if (m.awaitingJoin < 0) {
        return false;
      }
    }
    return true;
  }

  private void tryCompleteJoin(long nowMs) {
    if (state == GroupState.PREPARING_REBALANCE && allJoined() && nowMs >= joinNotBeforeMs) {
      completeJoin(nowMs);
    }
  }

  /** The join phase ends: members that did not rejoin are removed, the generation is bumped. */
  private void completeJoin(long nowMs) {
    for (GroupMember m : new ArrayList<>(members.values())) {
      if (m.awaitingJoin < 0) {
        removeMember(m);
      }
    }
    pendingMembers.clear();
    joinDeadlineMs = -1;
    joinNotBeforeMs = -1;
    generationId++;
    if (members.isEmpty()) {
      protocolName = null;
      protocolType = null;
      leaderId = null;
      transition(GroupState.EMPTY, nowMs);
      out.add(new PersistGroup());
      return;
    }
    if (leaderId == null || !members.containsKey(leaderId)) {
      leaderId = members.keySet().iterator().next();
    }
    protocolName = selectProtocol();
    transition(GroupState.COMPLETING_REBALANCE, nowMs);
    int rebalanceTimeoutMs = members.values().stream().mapToInt(m -> m.rebalanceTimeoutMs).max().orElse(0);
    syncDeadlineMs = nowMs + rebalanceTimeoutMs;
    for (GroupMember m : members.values()) {
      long t = m.awaitingJoin;
      m.awaitingJoin = -1;
      m.isNew = false;
      m.heartbeatDeadlineMs = nowMs + m.sessionTimeoutMs;
      reply(t, joinResultFor(m));
    }
  }

  private JoinResult joinResultFor(GroupMember m) {
    List<JoinedMember> list = List.of();
    if (m.memberId.equals(leaderId)) {
      list = new ArrayList<>();
      for (GroupMember x : members.values()) {
        list.add(new JoinedMember(x.memberId, x.groupInstanceId, x.metadata(protocolName)));
      }
    }
    return new JoinResult(Errors.NONE, generationId, protocolType, protocolName, leaderId, m.memberId, list, false);
  }

  /** The group's protocol for the new generation ({@link ProtocolVote}); members were checked at join. */
  private String selectProtocol() {
    String selected = ProtocolVote.select(members.get(leaderId).protocols.keySet(), memberProtocolOrders());
    if (selected == null) {
      throw new IllegalStateException("group " + groupId + ": members share no protocol (checked at join)");
    }
    return selected;
  }

  private List<Collection<String>> memberProtocolOrders() {
    List<Collection<String>> orders = new ArrayList<>();
    for (GroupMember m : members.values()) {
      orders.add(m.protocols.keySet());
    }
    return orders;
  }

  private boolean supportsProtocols(String type, Map<String, byte[]> protocols) {
    if (type == null || type.isEmpty() || protocols.isEmpty()) {
      return false;
    }
    if (members.isEmpty()) {
      return true;
    }
    return type.equals(protocolType) && ProtocolVote.sharesOne(protocols.keySet(), memberProtocolOrders());
  }

  private boolean isFull() {
    return members.size() + pendingMembers.size() >= config.maxGroupSize();
  }

  // ---------------------------------------------------------------- SyncGroup

  /** A SyncGroup; the answer is a {@link SyncReply} with {@code token}, now or later. */
  public List<GroupEffect> sync(String memberId, String groupInstanceId, int generation, String reqProtocolType,
      String reqProtocolName, Map<String, byte[]> assignments, long token, long nowMs) {
    begin();
    Errors error = validateMember(memberId, groupInstanceId);
    if (error == Errors.NONE && generation != generationId) {
      error = Errors.ILLEGAL_GENERATION;
    }
    if (error == Errors.NONE && ((reqProtocolType != null && !reqProtocolType.equals(protocolType))
        || (reqProtocolName != null && !reqProtocolName.equals(protocolName)))) {
      error = Errors.INCONSISTENT_GROUP_PROTOCOL;
    }
    if (error != Errors.NONE) {
      replySync(token, SyncResult.error(error));
      return end();
    }
    GroupMember m = members.get(memberId);
    switch (state) {
      case PREPARING_REBALANCE:
        replySync(token, SyncResult.error(Errors.REBALANCE_IN_PROGRESS));
        break;
      case COMPLETING_REBALANCE:
        if (m.awaitingSync >= 0) {
          replySync(m.awaitingSync, SyncResult.error(Errors.REBALANCE_IN_PROGRESS));
        }
        m.awaitingSync = token;
        m.heartbeatDeadlineMs = nowMs + m.sessionTimeoutMs;
        if (memberId.equals(leaderId)) {
          // The leader's assignments, passed through untouched; members it left out get an empty one.
          for (GroupMember x : members.values()) {
            byte[] a = assignments.get(x.memberId);
            x.assignment = a == null ? new byte[0] : a;
          }
          transition(GroupState.STABLE, nowMs);
          syncDeadlineMs = -1;
          out.add(new PersistGroup());
          for (GroupMember x : members.values()) {
            if (x.awaitingSync >= 0) {
              replySync(x.awaitingSync, new SyncResult(Errors.NONE, protocolType, protocolName, x.assignment));
              x.awaitingSync = -1;
            }
          }
        }
        break;
      case STABLE:
        m.heartbeatDeadlineMs = nowMs + m.sessionTimeoutMs;
        replySync(token, new SyncResult(Errors.NONE, protocolType, protocolName, m.assignment));
        break;
      default:
        replySync(token, SyncResult.error(Errors.UNKNOWN_MEMBER_ID));
    }
    return end();
  }

  // ---------------------------------------------------------------- Heartbeat / LeaveGroup

  /** A heartbeat: NONE, or the error that tells the member to rejoin. */
  public Errors heartbeat(String memberId, String groupInstanceId, int generation, long nowMs) {
    if (state == GroupState.DEAD) {
      return Errors.COORDINATOR_NOT_AVAILABLE;
    }
    if (state == GroupState.EMPTY) {
      return Errors.UNKNOWN_MEMBER_ID;
    }
    Errors error = validateMember(memberId, groupInstanceId);
    if (error != Errors.NONE) {
      return error;
    }
    if (generation != generationId) {
      return Errors.ILLEGAL_GENERATION;
    }
    GroupMember m = members.get(memberId);
    m.heartbeatDeadlineMs = nowMs + m.sessionTimeoutMs;
    return state == GroupState.PREPARING_REBALANCE ? Errors.REBALANCE_IN_PROGRESS : Errors.NONE;
  }

  /** One member leaving (LeaveGroup v0-2 has one; v3+ a batch, each answered on its own). */
  public record LeaveResult(Errors error, List<GroupEffect> effects) {}

  public LeaveResult leave(String memberId, String groupInstanceId, long nowMs) {
    begin();
    if (state == GroupState.DEAD) {
      return new LeaveResult(Errors.COORDINATOR_NOT_AVAILABLE, end());
    }
    String id = memberId;
    if (groupInstanceId != null) {
      String owner = staticMembers.get(groupInstanceId);
      if (owner == null) {
        return new LeaveResult(Errors.UNKNOWN_MEMBER_ID, end());
      }
      if (memberId != null && !memberId.isEmpty() && !owner.equals(memberId)) {
        return new LeaveResult(Errors.FENCED_INSTANCE_ID, end());
      }
      id = owner;
    }
    if (pendingMembers.remove(id) != null) {
      tryCompleteJoin(nowMs);
      return new LeaveResult(Errors.NONE, end());
    }
    GroupMember m = members.get(id);
    if (m == null) {
      return new LeaveResult(Errors.UNKNOWN_MEMBER_ID, end());
    }
    removeMemberAndRebalance(m, nowMs);
    return new LeaveResult(Errors.NONE, end());
  }

  private void removeMemberAndRebalance(GroupMember m, long nowMs) {
    if (m.awaitingJoin >= 0) {
      reply(m.awaitingJoin, JoinResult.error(Errors.UNKNOWN_MEMBER_ID, m.memberId));
      m.awaitingJoin = -1;
    }
    if (m.awaitingSync >= 0) {
      replySync(m.awaitingSync, SyncResult.error(Errors.UNKNOWN_MEMBER_ID));
      m.awaitingSync = -1;
    }
    removeMember(m);
    switch (state) {
      case STABLE:
      case COMPLETING_REBALANCE:
        prepareRebalance(nowMs);
        tryCompleteJoin(nowMs);
        break;
      case PREPARING_REBALANCE:
        tryCompleteJoin(nowMs);
        break;
      default:
    }
  }

  private void removeMember(GroupMember m) {
    members.remove(m.memberId);
    if (m.isStatic()) {
      staticMembers.remove(m.groupInstanceId, m.memberId);
    }
    if (m.memberId.equals(leaderId)) {
      leaderId = members.isEmpty() ? null : members.keySet().iterator().next();
    }
  }

  // ---------------------------------------------------------------- time

  /** Advances time: expires sessions, pending member ids, the join phase and the sync phase. */
  public List<GroupEffect> tick(long nowMs) {
    begin();
    pendingMembers.entrySet().removeIf(e -> e.getValue() <= nowMs);
    for (GroupMember m : new ArrayList<>(members.values())) {
      // A member parked in JoinGroup is alive until the join phase ends.
      if (m.awaitingJoin < 0 && m.awaitingSync < 0 && m.heartbeatDeadlineMs <= nowMs && members.containsKey(m.memberId)) {
        removeMemberAndRebalance(m, nowMs);
      }
    }
    if (state == GroupState.PREPARING_REBALANCE) {
      if (nowMs >= joinDeadlineMs) {
        completeJoin(nowMs);
      } else {
        tryCompleteJoin(nowMs);
      }
    } else if (state == GroupState.COMPLETING_REBALANCE && syncDeadlineMs >= 0 && nowMs >= syncDeadlineMs) {
      // The leader never sent its assignment (or members never synced): drop the silent ones, rebalance.
      for (GroupMember m : new ArrayList<>(members.values())) {
        if (m.awaitingSync < 0) {
          removeMember(m);
        }
      }
      if (members.isEmpty()) {
        generationId++;
        protocolName = null;
        protocolType = null;
        leaderId = null;
        transition(GroupState.EMPTY, nowMs);
        out.add(new PersistGroup());
      } else {
        prepareRebalance(nowMs);
        tryCompleteJoin(nowMs);
      }
    }
    return end();
  }

  /** The earliest time at which {@link #tick} may change something (Long.MAX_VALUE = none). */
  public long nextDeadlineMs() {
    long next = Long.MAX_VALUE;
    for (long d : pendingMembers.values()) {
      next = Math.min(next, d);
    }
    for (GroupMember m : members.values()) {
      if (m.awaitingJoin < 0 && m.awaitingSync < 0) {
        next = Math.min(next, m.heartbeatDeadlineMs);
      }
    }
    if (state == GroupState.PREPARING_REBALANCE) {
      next = Math.min(next, allJoined() ? joinNotBeforeMs : joinDeadlineMs);
    }
    if (state == GroupState.COMPLETING_REBALANCE && syncDeadlineMs >= 0) {
      next = Math.min(next, syncDeadlineMs);
    }
    return next;
  }

  // ---------------------------------------------------------------- offsets

  /**
   * Whether an OffsetCommit may be applied (Kafka's classic rules): a "simple" commit (generation -1, no
   * member) only to an Empty group; otherwise the member must be known, in the current generation, and the
   * group not waiting for the leader's assignment. A valid commit counts as a heartbeat.
   */
  public Errors validateOffsetCommit(String memberId, String groupInstanceId, int generation, long nowMs) {
    if (state == GroupState.DEAD) {
      return Errors.COORDINATOR_NOT_AVAILABLE;
    }
    boolean simple = generation < 0 && (memberId == null || memberId.isEmpty()) && groupInstanceId == null;
    if (generation < 0 && state == GroupState.EMPTY) {
      return Errors.NONE;
    }
    if (simple) {
      return Errors.UNKNOWN_MEMBER_ID; // a non-member may not commit for an active group
    }
    Errors error = validateMember(memberId, groupInstanceId);
    if (error != Errors.NONE) {
      return error;
    }
    if (generation != generationId) {
      return Errors.ILLEGAL_GENERATION;
    }
    if (state == GroupState.COMPLETING_REBALANCE) {
      return Errors.REBALANCE_IN_PROGRESS;
    }
    GroupMember m = members.get(memberId);
    m.heartbeatDeadlineMs = Math.max(m.heartbeatDeadlineMs, nowMs + m.sessionTimeoutMs);
    return Errors.NONE;
  }

  private Errors validateMember(String memberId, String groupInstanceId) {
    if (groupInstanceId != null) {
      String owner = staticMembers.get(groupInstanceId);
      if (owner == null) {
        return Errors.UNKNOWN_MEMBER_ID;
      }
      if (!owner.equals(memberId)) {
        return Errors.FENCED_INSTANCE_ID;
      }
    }
    return members.containsKey(memberId) ? Errors.NONE : Errors.UNKNOWN_MEMBER_ID;
  }

  /** Marks the group deleted (DeleteGroups, offset expiry, coordinator moving away): parked requests get {@code error}. */
  public List<GroupEffect> kill(Errors error, long nowMs) {
    begin();
    for (GroupMember m : members.values()) {
      if (m.awaitingJoin >= 0) {
        reply(m.awaitingJoin, JoinResult.error(error, m.memberId));
        m.awaitingJoin = -1;
      }
      if (m.awaitingSync >= 0) {
        replySync(m.awaitingSync, SyncResult.error(error));
        m.awaitingSync = -1;
      }
    }
    members.clear();
    staticMembers.clear();
    pendingMembers.clear();
    transition(GroupState.DEAD, nowMs);
    return end();
  }

  // ---------------------------------------------------------------- durable form

  /** The durable part of the group, as written to the offsets topic. */
  public record Snapshot(String groupId, int generationId, String protocolType, String protocolName, String leaderId,
                         long stateSinceMs, List<MemberSnapshot> members) {}

  public record MemberSnapshot(String memberId, String groupInstanceId, String clientId, String clientHost,
                               int sessionTimeoutMs, int rebalanceTimeoutMs, LinkedHashMap<String, byte[]> protocols,
                               byte[] assignment) {}

  /** Only Empty and Stable groups are written; a group mid-rebalance is written as its members' last stable form. */
  public Snapshot snapshot() {
    List<MemberSnapshot> list = new ArrayList<>();
    if (state == GroupState.STABLE) {
      for (GroupMember m : members.values()) {
        list.add(new MemberSnapshot(m.memberId, m.groupInstanceId, m.clientId, m.clientHost, m.sessionTimeoutMs,
            m.rebalanceTimeoutMs, m.protocols, m.assignment));
      }
    }
    return new Snapshot(groupId, generationId, state == GroupState.STABLE ? protocolType : null,
        state == GroupState.STABLE ? protocolName : null, state == GroupState.STABLE ? leaderId : null, stateSinceMs, list);
  }

  /**
   * Rebuilds a group loaded from the offsets topic: Stable with its members (each gets a fresh session
   * deadline, so members of a failed-over coordinator keep their generation), or Empty.
   */
  public static ClassicGroup restore(Snapshot s, GroupConfig config, Supplier<String> memberIdSuffix, long nowMs) {
    ClassicGroup g = new ClassicGroup(s.groupId(), config, memberIdSuffix, nowMs);
    g.generationId = s.generationId();
    g.stateSinceMs = s.stateSinceMs();
    if (s.members().isEmpty()) {
      return g;
    }
    g.protocolType = s.protocolType();
    g.protocolName = s.protocolName();
    g.leaderId = s.leaderId();
    for (MemberSnapshot ms : s.members()) {
      GroupMember m = new GroupMember(ms.memberId(), ms.groupInstanceId(), ms.clientId(), ms.clientHost(),
          ms.sessionTimeoutMs(), ms.rebalanceTimeoutMs(), s.protocolType(), ms.protocols());
      m.assignment = ms.assignment();
      m.heartbeatDeadlineMs = nowMs + m.sessionTimeoutMs;
      g.members.put(m.memberId, m);
      if (m.isStatic()) {
        g.staticMembers.put(m.groupInstanceId, m.memberId);
      }
    }
    if (g.leaderId == null || !g.members.containsKey(g.leaderId)) {
      g.leaderId = g.members.keySet().iterator().next();
    }
    g.state = GroupState.STABLE;
    return g;
  }

  // ---------------------------------------------------------------- plumbing

  private void transition(GroupState next, long nowMs) {
    state = next;
    stateSinceMs = nowMs;
  }

  private void reply(long token, JoinResult result) {
    out.add(new JoinReply(token, result));
  }

  private void replySync(long token, SyncResult result) {
    out.add(new SyncReply(token, result));
  }

  private void begin() {
    out = new ArrayList<>();
  }

  private List<GroupEffect> end() {
    List<GroupEffect> r = out;
    out = new ArrayList<>();
    return r;
  }
}
