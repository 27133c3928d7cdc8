package io.tributary.log.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.group.ClassicGroup.JoinRequest;
import io.tributary.log.group.GroupEffect.JoinReply;
import io.tributary.log.group.GroupEffect.JoinResult;
import io.tributary.log.group.GroupEffect.PersistGroup;
import io.tributary.log.group.GroupEffect.SyncReply;
import io.tributary.log.group.GroupEffect.SyncResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The pure classic-group state machine driven step by step: requests and time in, replies and
 * "persist" effects out. No threads, no clock, no sockets.
 */
class ClassicGroupTest {
  static final int SESSION_MS = 10_000;
  static final int REBALANCE_MS = 30_000;

  ClassicGroup g;
  long now;
  long nextToken;
  int nextId;
  /** Answers by token, as the I/O layer would send them. */
  final Map<Long, JoinResult> joins = new HashMap<>();
  final Map<Long, SyncResult> syncs = new HashMap<>();
  int persists;

  @BeforeEach
  void setUp() {
    newGroup(0);
  }

  void newGroup(int initialDelayMs) {
    now = 1_000_000;
    g = new ClassicGroup("g", new GroupConfig(1_000, 60_000, initialDelayMs, 5), () -> Integer.toString(++nextId), now);
  }

  // ---------------------------------------------------------------- drivers

  static LinkedHashMap<String, byte[]> protocols(String... names) {
    LinkedHashMap<String, byte[]> m = new LinkedHashMap<>();
    for (String n : names) {
      m.put(n, ("md-" + n).getBytes(StandardCharsets.UTF_8));
    }
    return m;
  }

  JoinRequest req(String memberId, String instanceId, String... protocolNames) {
    return new JoinRequest(memberId, instanceId, "client", "/127.0.0.1", SESSION_MS, REBALANCE_MS, "consumer",
        protocols(protocolNames.length == 0 ? new String[] {"range"} : protocolNames), true, true);
  }

  void collect(List<GroupEffect> effects) {
    for (GroupEffect e : effects) {
      if (e instanceof JoinReply r) {
        joins.put(r.token(), r.result());
      } else if (e instanceof SyncReply r) {
        syncs.put(r.token(), r.result());
      } else if (e instanceof PersistGroup) {
        persists++;
      }
    }
  }

  /** Sends a JoinGroup; returns its token (its answer, once there is one, is in {@link #joins}). */
  long join(JoinRequest r) {
    long t = nextToken++;
    collect(g.join(r, t, now));
    return t;
  }

  long sync(String memberId, int generation, Map<String, byte[]> assignments) {
    return syncAs(memberId, null, generation, assignments);
  }

  long syncAs(String memberId, String instanceId, int generation, Map<String, byte[]> assignments) {
    long t = nextToken++;
    collect(g.sync(memberId, instanceId, generation, "consumer", null, assignments, t, now));
    return t;
  }

  void advance(long ms) {
    now += ms;
    collect(g.tick(now));
  }

  /** A new dynamic member through the KIP-394 round trip; returns its id (join answered or parked). */
  String newMember(String... protocolNames) {
    long t = join(req("", null, protocolNames));
    JoinResult r = joins.get(t);
    assertEquals(Errors.MEMBER_ID_REQUIRED, r.error());
    assertTrue(g.isPending(r.memberId()));
    return r.memberId();
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** One member, joined and synced: Stable at generation 1. */
  String stableSingle() {
    String a = newMember();
    long t = join(req(a, null));
    assertEquals(Errors.NONE, joins.get(t).error());
    long s = sync(a, 1, Map.of(a, bytes("A")));
    assertEquals(Errors.NONE, syncs.get(s).error());
    assertEquals(GroupState.STABLE, g.state());
    return a;
  }

  // ---------------------------------------------------------------- scenarios

  @Test
  void memberIdRequiredThenJoinSyncStable() {
    long t0 = join(req("", null));
    JoinResult first = joins.get(t0);
    assertEquals(Errors.MEMBER_ID_REQUIRED, first.error());
    assertEquals("client-1", first.memberId());
    assertEquals(GroupState.EMPTY, g.state(), "a pending member does not start a rebalance");

    long t1 = join(req("client-1", null));
    JoinResult r = joins.get(t1);
    assertEquals(Errors.NONE, r.error());
    assertEquals(1, r.generationId());
    assertEquals("client-1", r.leaderId());
    assertEquals("range", r.protocolName());
    assertEquals(1, r.members().size(), "the leader gets the member list");
    assertEquals(GroupState.COMPLETING_REBALANCE, g.state());

    long s = sync("client-1", 1, Map.of("client-1", bytes("assignment-1")));
    assertEquals(Errors.NONE, syncs.get(s).error());
    assertArrayEquals(bytes("assignment-1"), syncs.get(s).assignment(), "assignment passed through untouched");
    assertEquals(GroupState.STABLE, g.state());
    assertEquals(1, persists, "the stable generation is written");
    assertEquals(Errors.NONE, g.heartbeat("client-1", null, 1, now));
  }

  @Test
  void secondMemberTriggersRebalanceAndBothGetAssignments() {
    String a = stableSingle();
    String b = newMember();
    long tb = join(req(b, null));
    assertNull(joins.get(tb), "b waits for a to rejoin");
    assertEquals(GroupState.PREPARING_REBALANCE, g.state());
    assertEquals(Errors.REBALANCE_IN_PROGRESS, g.heartbeat(a, null, 1, now), "a is told to rejoin");
    long ta = join(req(a, null));
    JoinResult ra = joins.get(ta);
    JoinResult rb = joins.get(tb);
    assertEquals(2, ra.generationId());
    assertEquals(2, rb.generationId());
    assertEquals(a, ra.leaderId(), "the old leader stays leader");
    assertEquals(2, ra.members().size());
    assertTrue(rb.members().isEmpty(), "followers do not get the member list");

    long sb = sync(b, 2, Map.of());
    assertNull(syncs.get(sb), "a follower's sync waits for the leader's");
    long sa = sync(a, 2, Map.of(a, bytes("A"), b, bytes("B")));
    assertArrayEquals(bytes("A"), syncs.get(sa).assignment());
    assertArrayEquals(bytes("B"), syncs.get(sb).assignment());
    assertEquals(GroupState.STABLE, g.state());
  }

  @Test
  void sessionTimeoutEvictsSilentMemberAndRebalances() {
    String a = stableSingle();
    String b = newMember();
    join(req(b, null));
    join(req(a, null));
    sync(b, 2, Map.of());
    sync(a, 2, Map.of(a, bytes("A"), b, bytes("B")));
    assertEquals(GroupState.STABLE, g.state());

    // a heartbeats, b is silent (kill -9).
    for (int i = 0; i < 3; i++) {
      advance(SESSION_MS / 3);
      assertEquals(Errors.NONE, g.heartbeat(a, null, 2, now));
    }
    advance(1);
    assertFalse(g.hasMember(b), "b's session expired");
    assertEquals(GroupState.PREPARING_REBALANCE, g.state());
    assertEquals(Errors.REBALANCE_IN_PROGRESS, g.heartbeat(a, null, 2, now));
    long ta = join(req(a, null));
    assertEquals(3, joins.get(ta).generationId());
    assertEquals(1, joins.get(ta).members().size());
    assertEquals(Errors.UNKNOWN_MEMBER_ID, g.heartbeat(b, null, 2, now), "the evicted member is fenced");
  }

  @Test
  void rebalanceTimeoutRemovesMembersThatDoNotRejoin() {
    String a = stableSingle();
    String b = newMember();
    long tb = join(req(b, null));
    // a keeps heartbeating (told REBALANCE_IN_PROGRESS) but never rejoins.
    for (int i = 0; i < 6; i++) {
      advance(REBALANCE_MS / 6 - (i == 5 ? 1 : 0));
      assertEquals(Errors.REBALANCE_IN_PROGRESS, g.heartbeat(a, null, 1, now));
    }
    assertNull(joins.get(tb));
    assertEquals(GroupState.PREPARING_REBALANCE, g.state());
    advance(1);
    assertEquals(Errors.NONE, joins.get(tb).error());
    assertEquals(2, joins.get(tb).generationId());
    assertEquals(b, joins.get(tb).leaderId(), "the leader left: b leads");
    assertFalse(g.hasMember(a));
  }

  @Test
  void leaderThatNeverSyncsIsRemovedAfterTheRebalanceTimeout() {
    String a = stableSingle();
    String b = newMember();
    long tb = join(req(b, null));
    join(req(a, null));
    long sb = sync(b, 2, Map.of());
    assertEquals(GroupState.COMPLETING_REBALANCE, g.state());
    for (int i = 0; i < 6; i++) {
      advance(REBALANCE_MS / 6);
      if (g.state() == GroupState.COMPLETING_REBALANCE) {
        assertEquals(Errors.NONE, g.heartbeat(a, null, 2, now), "heartbeats are fine while the assignment is awaited");
      }
    }
    assertFalse(g.hasMember(a), "the leader did not sync in time");
    assertTrue(g.hasMember(b));
    assertEquals(Errors.REBALANCE_IN_PROGRESS, syncs.get(sb).error(), "b's parked sync is told to rejoin");
    long tb2 = join(req(b, null));
    assertEquals(3, joins.get(tb2).generationId());
    assertNotNullJoin(tb);
  }

  void assertNotNullJoin(long token) {
    assertTrue(joins.containsKey(token));
  }

  @Test
  void leaveInStableRebalancesAndLastLeaveEmptiesTheGroup() {
    String a = stableSingle();
    String b = newMember();
    long tb = join(req(b, null));
    join(req(a, null));
    sync(b, 2, Map.of());
    sync(a, 2, Map.of(a, bytes("A"), b, bytes("B")));

    assertEquals(Errors.NONE, g.leave(a, null, now).error());
    assertEquals(GroupState.PREPARING_REBALANCE, g.state());
    long tb2 = join(req(b, null));
    assertEquals(3, joins.get(tb2).generationId(), "b alone completes the join at once");
    assertEquals(b, joins.get(tb2).leaderId());
    sync(b, 3, Map.of(b, bytes("AB")));
    assertEquals(Errors.NONE, g.leave(b, null, now).error());
    assertEquals(GroupState.EMPTY, g.state(), "last member gone: the (empty) join completes at once");
    assertEquals(4, g.generationId());
    assertEquals(Errors.UNKNOWN_MEMBER_ID, g.leave("nobody", null, now).error());
    assertTrue(tb >= 0);
  }

  @Test
  void initialRebalanceDelayWaitsForMoreMembers() {
    newGroup(3_000);
    String a = newMember();
    long ta = join(req(a, null));
    assertEquals(GroupState.PREPARING_REBALANCE, g.state());
    advance(1_000);
    String b = newMember();
    long tb = join(req(b, null));
    advance(2_999); // the delay restarted when b joined: 1000 + 3000
    assertNull(joins.get(ta));
    advance(1);
    assertEquals(1, joins.get(ta).generationId());
    assertEquals(1, joins.get(tb).generationId());
    assertEquals(2, joins.get(ta).members().size(), "both members in the first generation");
  }

  @Test
  void staticMemberRejoinKeepsAssignmentWithoutRebalance() {
    newGroup(1_000);
    long t0 = join(req("", "instance-a"));
    String b = newMember();
    join(req(b, null));
    advance(1_000);
    JoinResult r0 = joins.get(t0);
    assertEquals(Errors.NONE, r0.error(), "static members skip MEMBER_ID_REQUIRED");
    String a = r0.memberId();
    assertEquals(GroupState.COMPLETING_REBALANCE, g.state());
    sync(b, 1, Map.of());
    sync(a, 1, Map.of(a, bytes("A"), b, bytes("B")));
    assertEquals(GroupState.STABLE, g.state());

    // b restarts as a static member? No: a (static, a follower here if b leads) restarts.
    String leader = g.leaderId();
    String follower = leader.equals(a) ? b : a;
    assertEquals(a, leader, "the first member leads");
    // Restart the static leader with SkipAssignment support: no rebalance.
    long t1 = join(req("", "instance-a"));
    JoinResult r1 = joins.get(t1);
    assertEquals(Errors.NONE, r1.error());
    assertFalse(r1.memberId().equals(a), "a new member id replaces the old one");
    assertEquals(1, r1.generationId(), "same generation: no rebalance");
    assertTrue(r1.skipAssignment(), "the static leader is told not to reassign");
    assertEquals(GroupState.STABLE, g.state());
    long s1 = syncAs(r1.memberId(), "instance-a", 1, Map.of());
    assertArrayEquals(bytes("A"), syncs.get(s1).assignment(), "it gets its old assignment back");
    // The old incarnation is fenced.
    assertEquals(Errors.FENCED_INSTANCE_ID, g.heartbeat(a, "instance-a", 1, now));
    assertEquals(Errors.NONE, g.heartbeat(follower, null, 1, now));
  }

  @Test
  void staticFollowerRejoinWithChangedProtocolsRebalances() {
    String a = stableSingle();
    long t = join(req("", "instance-b"));
    String b = joins.containsKey(t) ? joins.get(t).memberId() : null;
    join(req(a, null));
    b = joins.get(t).memberId();
    sync(a, 2, Map.of());
    sync(b, 2, Map.of());
    assertEquals(GroupState.STABLE, g.state());
    long t2 = join(req("", "instance-b", "cooperative-sticky", "range"));
    assertNull(joins.get(t2), "changed protocols: a rebalance, the join waits");
    assertEquals(GroupState.PREPARING_REBALANCE, g.state());
  }

  @Test
  void protocolSelectionByVoteWithTheLeadersOrderOnTies() {
    newGroup(1_000);
    String a = newMember("range", "cooperative-sticky");
    long ta = join(req(a, null, "range", "cooperative-sticky"));
    String b = newMember("cooperative-sticky", "range");
    join(req(b, null, "cooperative-sticky", "range"));
    advance(1_000);
    assertEquals("range", joins.get(ta).protocolName(), "1-1 tie: the leader's first choice");

    newGroup(1_000);
    a = newMember("range", "cooperative-sticky");
    ta = join(req(a, null, "range", "cooperative-sticky"));
    b = newMember("cooperative-sticky", "range");
    join(req(b, null, "cooperative-sticky", "range"));
    String c = newMember("cooperative-sticky", "range");
    join(req(c, null, "cooperative-sticky", "range"));
    advance(1_000);
    assertEquals("cooperative-sticky", joins.get(ta).protocolName(), "2-1 vote");
  }

  @Test
  void inconsistentProtocolsAndBadSessionTimeoutsAreRefused() {
    String a = stableSingle();
    long t = join(new JoinRequest("", null, "c", "h", SESSION_MS, REBALANCE_MS, "connect", protocols("range"), true, true));
    assertEquals(Errors.INCONSISTENT_GROUP_PROTOCOL, joins.get(t).error(), "another protocol type");
    t = join(req("", null, "roundrobin"));
    assertEquals(Errors.INCONSISTENT_GROUP_PROTOCOL, joins.get(t).error(), "no protocol in common");
    t = join(new JoinRequest("", null, "c", "h", 500, REBALANCE_MS, "consumer", protocols("range"), true, true));
    assertEquals(Errors.INVALID_SESSION_TIMEOUT, joins.get(t).error());
    t = join(new JoinRequest("", null, "c", "h", 120_000, REBALANCE_MS, "consumer", protocols("range"), true, true));
    assertEquals(Errors.INVALID_SESSION_TIMEOUT, joins.get(t).error());
    assertEquals(GroupState.STABLE, g.state());
    assertTrue(g.hasMember(a));
  }

  @Test
  void oldJoinVersionsGetAMemberIdAtOnce() {
    long t = join(new JoinRequest("", null, "rdkafka", "h", SESSION_MS, REBALANCE_MS, "consumer", protocols("range"),
        false, false));
    JoinResult r = joins.get(t);
    assertEquals(Errors.NONE, r.error());
    assertEquals(1, r.generationId());
    assertTrue(r.memberId().startsWith("rdkafka-"));
  }

  @Test
  void pendingMemberIdExpiresAfterTheSessionTimeout() {
    String a = newMember();
    advance(SESSION_MS);
    assertFalse(g.isPending(a));
    long t = join(req(a, null));
    assertEquals(Errors.UNKNOWN_MEMBER_ID, joins.get(t).error());
  }

  @Test
  void groupSizeIsLimited() {
    for (int i = 0; i < 5; i++) {
      newMember();
    }
    long t = join(req("", null));
    assertEquals(Errors.GROUP_MAX_SIZE_REACHED, joins.get(t).error());
  }

  @Test
  void snapshotRestoresAStableGroupThatKeepsItsGeneration() {
    String a = stableSingle();
    ClassicGroup.Snapshot s = g.snapshot();
    ClassicGroup restored = ClassicGroup.restore(s, new GroupConfig(1_000, 60_000, 0, 5), () -> "x", now);
    assertEquals(GroupState.STABLE, restored.state());
    assertEquals(1, restored.generationId());
    assertEquals(Errors.NONE, restored.heartbeat(a, null, 1, now));
    assertEquals(Errors.NONE, restored.validateOffsetCommit(a, null, 1, now));
    // Its members get a fresh session: silent ones are evicted after it.
    restored.tick(now + SESSION_MS);
    assertFalse(restored.hasMember(a));
    assertEquals(GroupState.EMPTY, restored.state());
    assertEquals(2, restored.generationId());
  }

  @Test
  void killAnswersParkedRequests() {
    String a = stableSingle();
    String b = newMember();
    long tb = join(req(b, null));
    collect(g.kill(Errors.NOT_COORDINATOR, now));
    assertEquals(Errors.NOT_COORDINATOR, joins.get(tb).error());
    assertEquals(GroupState.DEAD, g.state());
    assertEquals(Errors.COORDINATOR_NOT_AVAILABLE, g.heartbeat(a, null, 1, now));
  }

  // ---------------------------------------------------------------- fencing table

  /** A Stable group at generation 2 with dynamic member "m" and static member "s" (instance "i"). */
  void stableTwo() {
    newGroup(1_000);
    long ts = join(req("", "i"));
    String m = newMember();
    join(req(m, null));
    advance(1_000);
    String sid = joins.get(ts) == null ? null : joins.get(ts).memberId();
    // m is client-1; s's id is "i-..." (static ids start with the instance id).
    assertEquals(GroupState.COMPLETING_REBALANCE, g.state());
    for (String id : g.memberIds()) {
      syncAs(id, id.startsWith("i-") ? "i" : null, 1, Map.of());
    }
    assertEquals(GroupState.STABLE, g.state());
    assertTrue(sid == null || sid.startsWith("i-"));
  }

  String staticId() {
    return g.memberIds().stream().filter(x -> x.startsWith("i-")).findFirst().orElseThrow();
  }

  String dynamicId() {
    return g.memberIds().stream().filter(x -> !x.startsWith("i-")).findFirst().orElseThrow();
  }

  record Case(String name, String member, String instance, int generation, Errors heartbeat, Errors commit) {}

  static Stream<Arguments> fencingCases() {
    return Stream.of(
        Arguments.of(new Case("current member, current generation", "DYN", null, 1, Errors.NONE, Errors.NONE)),
        Arguments.of(new Case("old generation", "DYN", null, 0, Errors.ILLEGAL_GENERATION, Errors.ILLEGAL_GENERATION)),
        Arguments.of(new Case("future generation", "DYN", null, 7, Errors.ILLEGAL_GENERATION, Errors.ILLEGAL_GENERATION)),
        Arguments.of(new Case("unknown member", "zombie", null, 1, Errors.UNKNOWN_MEMBER_ID, Errors.UNKNOWN_MEMBER_ID)),
        Arguments.of(new Case("static member", "STATIC", "i", 1, Errors.NONE, Errors.NONE)),
        Arguments.of(new Case("static id, wrong member id", "zombie", "i", 1, Errors.FENCED_INSTANCE_ID, Errors.FENCED_INSTANCE_ID)),
        Arguments.of(new Case("unknown instance", "STATIC", "j", 1, Errors.UNKNOWN_MEMBER_ID, Errors.UNKNOWN_MEMBER_ID)),
        Arguments.of(new Case("simple commit to an active group", "", null, -1, Errors.UNKNOWN_MEMBER_ID, Errors.UNKNOWN_MEMBER_ID)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fencingCases")
  void fencingInAStableGroup(Case c) {
    stableTwo();
    String member = c.member().equals("DYN") ? dynamicId() : c.member().equals("STATIC") ? staticId() : c.member();
    assertEquals(c.heartbeat(), g.heartbeat(member, c.instance(), c.generation(), now), "heartbeat: " + c.name());
    assertEquals(c.commit(), g.validateOffsetCommit(member, c.instance(), c.generation(), now), "commit: " + c.name());
    long t = syncAs(member, c.instance(), c.generation(), Map.of());
    Errors expectedSync = c.heartbeat();
    assertEquals(expectedSync, syncs.get(t).error(), "sync: " + c.name());
  }

  @Test
  void commitsDuringTheRebalance() {
    String a = stableSingle();
    assertEquals(Errors.NONE, g.validateOffsetCommit("", null, -1, now) == Errors.UNKNOWN_MEMBER_ID
        ? Errors.NONE : Errors.UNKNOWN_SERVER_ERROR, "simple commits are refused while the group has members");
    String b = newMember();
    join(req(b, null));
    assertEquals(Errors.NONE, g.validateOffsetCommit(a, null, 1, now), "commit while revoking (PreparingRebalance) is allowed");
    join(req(a, null));
    assertEquals(GroupState.COMPLETING_REBALANCE, g.state());
    assertEquals(Errors.REBALANCE_IN_PROGRESS, g.validateOffsetCommit(a, null, 2, now));
    assertEquals(Errors.ILLEGAL_GENERATION, g.validateOffsetCommit(a, null, 1, now));
    ClassicGroup empty = new ClassicGroup("e", GroupConfig.DEFAULT, () -> "1", now);
    assertEquals(Errors.NONE, empty.validateOffsetCommit("", null, -1, now), "simple commit to an Empty group");
    assertEquals(Errors.UNKNOWN_MEMBER_ID, empty.validateOffsetCommit("m", null, 3, now));
  }

  @Test
  void rejoinDuringCompletingRebalanceWithSameProtocolsIsAnsweredAtOnce() {
    String a = stableSingle();
    String b = newMember();
    long tb = join(req(b, null));
    join(req(a, null));
    assertEquals(GroupState.COMPLETING_REBALANCE, g.state());
    long tb2 = join(req(b, null));
    assertEquals(2, joins.get(tb2).generationId());
    assertEquals(GroupState.COMPLETING_REBALANCE, g.state(), "no new rebalance");
    long tb3 = join(req(b, null, "cooperative-sticky", "range"));
    assertNull(joins.get(tb3));
    assertEquals(GroupState.PREPARING_REBALANCE, g.state(), "changed metadata: rebalance");
    assertTrue(joins.containsKey(tb));
    List<String> ids = new ArrayList<>(g.memberIds());
    assertEquals(2, ids.size());
  }
}
