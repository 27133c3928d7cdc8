package io.tributary.log.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.embedded.EmbeddedCluster;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every version of every group API on the wire (raw socket, kafka-clients' generated messages): a whole
 * group life per JoinGroup version (MEMBER_ID_REQUIRED from v4, join, sync, heartbeat, commit, fetch,
 * describe, list, leave, offset delete, group delete). A field set outside its version would make the
 * broker fail to serialize and drop the connection; every response here must parse, with its
 * correlation id, and carry the expected error.
 */
class GroupApiVersionsTest {
  static final String TOPIC = "sweep";

  private Socket socket;
  private int correlation;

  @SuppressWarnings("unchecked")
  <T extends ApiMessage> T send(ApiKeys api, short version, ApiMessage data) throws Exception {
    RequestHeader header = new RequestHeader(api, version, "sweep-client", ++correlation);
    ByteBuffer frame = RequestUtils.serialize(header.data(), header.headerVersion(), data, version);
    DataOutputStream out = new DataOutputStream(socket.getOutputStream());
    out.writeInt(frame.remaining());
    byte[] b = new byte[frame.remaining()];
    frame.get(b);
    out.write(b);
    out.flush();
    DataInputStream in = new DataInputStream(socket.getInputStream());
    int size = in.readInt();
    byte[] body = new byte[size];
    in.readFully(body);
    AbstractResponse r = AbstractResponse.parseResponse(ByteBuffer.wrap(body), header);
    assertTrue(!r.errorCounts().containsKey(Errors.UNKNOWN_SERVER_ERROR), api + " v" + version + ": " + r.data());
    return (T) r.data();
  }

  static short latest(ApiKeys api) {
    return api.latestVersion(false);
  }

  @Test
  void everyVersionOfEveryGroupApi(@TempDir Path dir) throws Exception {
    try (EmbeddedCluster cluster = EmbeddedCluster.start(1, dir, CommitResumeTest.groupOverrides())) {
      cluster.createTopic(TOPIC, 1, 1, Map.of());
      String[] hp = cluster.bootstrapServers().split(",")[0].split(":");
      int calls = 0;
      try (Socket s = new Socket(hp[0], Integer.parseInt(hp[1]))) {
        s.setSoTimeout(20_000);
        socket = s;
        // FindCoordinator: the first call creates __consumer_offsets.
        for (short v = 0; v <= latest(ApiKeys.FIND_COORDINATOR); v++) {
          for (int attempt = 0; ; attempt++) {
            FindCoordinatorRequestData req = new FindCoordinatorRequestData();
            if (v >= 4) {
              req.setCoordinatorKeys(List.of("group-a", "group-b"));
            } else {
              req.setKey("group-a");
            }
            FindCoordinatorResponseData r = send(ApiKeys.FIND_COORDINATOR, v, req);
            calls++;
            short code = v >= 4 ? r.coordinators().get(0).errorCode() : r.errorCode();
            if (code == Errors.NONE.code()) {
              assertEquals(0, v >= 4 ? r.coordinators().get(1).nodeId() : r.nodeId());
              break;
            }
            assertEquals(Errors.COORDINATOR_NOT_AVAILABLE.code(), code);
            assertTrue(attempt < 100, "no coordinator after 100 tries");
            Thread.sleep(100);
          }
        }
        if (latest(ApiKeys.FIND_COORDINATOR) >= 1) {
          FindCoordinatorResponseData txn = send(ApiKeys.FIND_COORDINATOR, (short) 1,
              new FindCoordinatorRequestData().setKey("txn").setKeyType((byte) 1));
          assertEquals(Errors.COORDINATOR_NOT_AVAILABLE.code(), txn.errorCode(), "no transaction coordinator");
        }

        for (short v = 0; v <= latest(ApiKeys.JOIN_GROUP); v++) {
          String group = "sweep-v" + v;
          calls += groupLife(group, v);
        }

        // ListGroups at every version (states filter from v4).
        for (short v = 0; v <= latest(ApiKeys.LIST_GROUPS); v++) {
          ListGroupsRequestData req = new ListGroupsRequestData();
          if (v >= 4) {
            req.setStatesFilter(List.of("Empty"));
          }
          ListGroupsResponseData r = send(ApiKeys.LIST_GROUPS, v, req);
          calls++;
          assertEquals(0, r.errorCode());
          for (ListGroupsResponseData.ListedGroup g : r.groups()) {
            assertTrue(g.groupId().startsWith("sweep-v"), g.groupId());
            if (v >= 4) {
              assertEquals("Empty", g.groupState());
            }
          }
        }
        // DeleteGroups at every version: every group of the sweep is Empty now.
        for (short v = 0; v <= latest(ApiKeys.DELETE_GROUPS); v++) {
          DeleteGroupsResponseData r = send(ApiKeys.DELETE_GROUPS, v,
              new DeleteGroupsRequestData().setGroupsNames(List.of("sweep-v" + v, "never-existed")));
          calls++;
          assertEquals(Errors.NONE.code(), r.results().find("sweep-v" + v).errorCode());
          assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), r.results().find("never-existed").errorCode());
        }
      }
      System.out.println("GroupApiVersionsTest: " + calls + " requests over every version of 11 group APIs answered");
    }
  }

  /** join (+ MEMBER_ID_REQUIRED), sync, heartbeat, commit, fetch, describe, leave, offset delete; returns calls. */
  private int groupLife(String group, short joinVersion) throws Exception {
    int calls = 0;
    byte[] metadata = "subscription".getBytes(StandardCharsets.UTF_8);
    JoinGroupRequestData join = new JoinGroupRequestData().setGroupId(group).setSessionTimeoutMs(10_000)
        .setMemberId("").setProtocolType("consumer");
    if (joinVersion >= 1) {
      join.setRebalanceTimeoutMs(10_000);
    }
    join.protocols().add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(metadata));
    JoinGroupResponseData jr = send(ApiKeys.JOIN_GROUP, joinVersion, join);
    calls++;
    if (joinVersion >= 4) {
      assertEquals(Errors.MEMBER_ID_REQUIRED.code(), jr.errorCode(), "v" + joinVersion);
      join.setMemberId(jr.memberId());
      jr = send(ApiKeys.JOIN_GROUP, joinVersion, join);
      calls++;
    }
    assertEquals(Errors.NONE.code(), jr.errorCode(), "join v" + joinVersion);
    String member = jr.memberId();
    int generation = jr.generationId();
    assertEquals(member, jr.leader());
    assertEquals("range", jr.protocolName());
    assertEquals(1, jr.members().size());
    assertArrayEquals(metadata, jr.members().get(0).metadata());

    short sv = (short) Math.min(joinVersion, latest(ApiKeys.SYNC_GROUP));
    byte[] assignment = ("assignment-" + group).getBytes(StandardCharsets.UTF_8);
    SyncGroupRequestData sync = new SyncGroupRequestData().setGroupId(group).setGenerationId(generation).setMemberId(member);
    if (sv >= 5) {
      sync.setProtocolType("consumer").setProtocolName("range");
    }
    sync.assignments().add(new SyncGroupRequestData.SyncGroupRequestAssignment().setMemberId(member).setAssignment(assignment));
    SyncGroupResponseData sr = send(ApiKeys.SYNC_GROUP, sv, sync);
    calls++;
    assertEquals(Errors.NONE.code(), sr.errorCode());
    assertArrayEquals(assignment, sr.assignment());

    short hv = (short) Math.min(joinVersion, latest(ApiKeys.HEARTBEAT));
    HeartbeatResponseData hr = send(ApiKeys.HEARTBEAT, hv,
        new HeartbeatRequestData().setGroupId(group).setGenerationId(generation).setMemberId(member));
    calls++;
    assertEquals(Errors.NONE.code(), hr.errorCode());
    HeartbeatResponseData stale = send(ApiKeys.HEARTBEAT, hv,
        new HeartbeatRequestData().setGroupId(group).setGenerationId(generation + 5).setMemberId(member));
    calls++;
    assertEquals(Errors.ILLEGAL_GENERATION.code(), stale.errorCode());

    // OffsetCommit: every version against this group (v0 has no generation: refused for an active group).
    long committed = -1;
    for (short v = 0; v <= latest(ApiKeys.OFFSET_COMMIT); v++) {
      long offset = 100 + v;
      OffsetCommitRequestData oc = new OffsetCommitRequestData().setGroupId(group);
      if (v >= 1) {
        oc.setGenerationIdOrMemberEpoch(generation).setMemberId(member);
      }
      OffsetCommitRequestData.OffsetCommitRequestPartition p = new OffsetCommitRequestData.OffsetCommitRequestPartition()
          .setPartitionIndex(0).setCommittedOffset(offset).setCommittedMetadata("m" + v);
      if (v >= 6) {
        p.setCommittedLeaderEpoch(0);
      }
      oc.topics().add(new OffsetCommitRequestData.OffsetCommitRequestTopic().setName(TOPIC).setPartitions(List.of(p)));
      OffsetCommitResponseData ocr = send(ApiKeys.OFFSET_COMMIT, v, oc);
      calls++;
      short code = ocr.topics().get(0).partitions().get(0).errorCode();
      if (v == 0) {
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), code, "a v0 commit is a non-member commit");
      } else {
        assertEquals(Errors.NONE.code(), code, "commit v" + v);
        committed = offset;
      }
    }
    // OffsetFetch: every version reads the last commit back.
    for (short v = 0; v <= latest(ApiKeys.OFFSET_FETCH); v++) {
      OffsetFetchRequestData of = new OffsetFetchRequestData();
      long got;
      if (v >= 8) {
        of.setGroups(List.of(new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId(group)
            .setTopics(List.of(new OffsetFetchRequestData.OffsetFetchRequestTopics().setName(TOPIC)
                .setPartitionIndexes(List.of(0))))));
        OffsetFetchResponseData r = send(ApiKeys.OFFSET_FETCH, v, of);
        got = r.groups().get(0).topics().get(0).partitions().get(0).committedOffset();
      } else {
        of.setGroupId(group).setTopics(List.of(new OffsetFetchRequestData.OffsetFetchRequestTopic().setName(TOPIC)
            .setPartitionIndexes(List.of(0))));
        if (v >= 7) {
          of.setRequireStable(true);
        }
        OffsetFetchResponseData r = send(ApiKeys.OFFSET_FETCH, v, of);
        got = r.topics().get(0).partitions().get(0).committedOffset();
      }
      calls++;
      assertEquals(committed, got, "fetch v" + v);
    }
    // All offsets (topics null, v2+).
    OffsetFetchResponseData all = send(ApiKeys.OFFSET_FETCH, (short) 2,
        new OffsetFetchRequestData().setGroupId(group).setTopics(null));
    calls++;
    assertEquals(1, all.topics().size());

    for (short v = 0; v <= latest(ApiKeys.DESCRIBE_GROUPS); v++) {
      DescribeGroupsResponseData dr = send(ApiKeys.DESCRIBE_GROUPS, v, new DescribeGroupsRequestData().setGroups(List.of(group)));
      calls++;
      DescribeGroupsResponseData.DescribedGroup g = dr.groups().get(0);
      assertEquals("Stable", g.groupState());
      assertEquals("range", g.protocolData());
      assertEquals(1, g.members().size());
      assertArrayEquals(assignment, g.members().get(0).memberAssignment());
    }

    // OffsetDelete while the (opaque-metadata) member is active: the broker cannot read its subscription.
    OffsetDeleteRequestData od = new OffsetDeleteRequestData().setGroupId(group);
    od.topics().add(new OffsetDeleteRequestData.OffsetDeleteRequestTopic().setName(TOPIC)
        .setPartitions(List.of(new OffsetDeleteRequestData.OffsetDeleteRequestPartition().setPartitionIndex(0))));
    OffsetDeleteResponseData odr = send(ApiKeys.OFFSET_DELETE, (short) 0, od);
    calls++;
    assertTrue(Set.of(Errors.NON_EMPTY_GROUP.code(), Errors.GROUP_SUBSCRIBED_TO_TOPIC.code()).contains(
        odr.errorCode() != 0 ? odr.errorCode() : odr.topics().iterator().next().partitions().iterator().next().errorCode()));

    short lv = (short) Math.min(joinVersion, latest(ApiKeys.LEAVE_GROUP));
    LeaveGroupRequestData leave = new LeaveGroupRequestData().setGroupId(group);
    if (lv >= 3) {
      leave.setMembers(List.of(new LeaveGroupRequestData.MemberIdentity().setMemberId(member),
          new LeaveGroupRequestData.MemberIdentity().setMemberId("stranger")));
    } else {
      leave.setMemberId(member);
    }
    LeaveGroupResponseData lr = send(ApiKeys.LEAVE_GROUP, lv, leave);
    calls++;
    assertEquals(Errors.NONE.code(), lr.errorCode());
    if (lv >= 3) {
      assertEquals(Errors.NONE.code(), lr.members().get(0).errorCode());
      assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), lr.members().get(1).errorCode());
    }
    // Empty now: offsets can be deleted, and commit again (simple) for the later ListGroups/DeleteGroups.
    odr = send(ApiKeys.OFFSET_DELETE, (short) 0, od);
    calls++;
    assertEquals(Errors.NONE.code(), odr.errorCode());
    assertEquals(Errors.NONE.code(), odr.topics().iterator().next().partitions().iterator().next().errorCode());
    OffsetFetchResponseData gone = send(ApiKeys.OFFSET_FETCH, (short) 1, new OffsetFetchRequestData().setGroupId(group)
        .setTopics(List.of(new OffsetFetchRequestData.OffsetFetchRequestTopic().setName(TOPIC).setPartitionIndexes(List.of(0)))));
    calls++;
    assertEquals(-1, gone.topics().get(0).partitions().get(0).committedOffset());
    return calls;
  }
}
