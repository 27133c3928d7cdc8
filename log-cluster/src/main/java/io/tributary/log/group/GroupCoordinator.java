package io.tributary.log.group;

import io.tributary.log.group.ClassicGroup.JoinRequest;
import io.tributary.log.group.GroupActor.OffsetDeleteResult;
import io.tributary.log.group.GroupEffect.JoinResult;
import io.tributary.log.group.GroupEffect.JoinedMember;
import io.tributary.log.group.GroupEffect.SyncResult;
import io.tributary.log.group.OffsetManager.CommitRequest;
import io.tributary.log.group.OffsetManager.Fetched;
import io.tributary.log.protocol.KafkaRequest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartition;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopic;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopic;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartition;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopic;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group coordinator of one broker as the request path sees it: the protocol glue that turns
 * kafka-clients' request data into calls on the {@link GroupActor} (on its thread) and their outcomes into
 * response data, setting only the fields the negotiated version has. FindCoordinator is answered on the
 * caller's thread ({@link CoordinatorLocator}). The broker wires it to its {@code GroupApis}.
 */
public final class GroupCoordinator {
  private static final Logger log = LoggerFactory.getLogger(GroupCoordinator.class);

  private static final Set<ApiKeys> APIS = EnumSet.of(ApiKeys.FIND_COORDINATOR, ApiKeys.JOIN_GROUP, ApiKeys.SYNC_GROUP,
      ApiKeys.HEARTBEAT, ApiKeys.LEAVE_GROUP, ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_FETCH, ApiKeys.DESCRIBE_GROUPS,
      ApiKeys.LIST_GROUPS, ApiKeys.DELETE_GROUPS, ApiKeys.OFFSET_DELETE, ApiKeys.TXN_OFFSET_COMMIT);

  private final GroupActor actor;
  private final CoordinatorLocator locator;

  public GroupCoordinator(GroupCoordinatorConfig config, CoordinatorHost host, Time time) {
    this.actor = new GroupActor(config, host, time);
    this.locator = new CoordinatorLocator(CoordinatorLocator.offsetsTopic(config), host);
  }

  /** Registers for leadership changes and starts the timer. */
  public GroupCoordinator start() {
    actor.start();
    return this;
  }

  /** The API keys served (advertised in ApiVersions). */
  public Set<ApiKeys> apis() {
    return APIS;
  }

  public void close() {
    actor.close();
  }

  /** The committed offsets of the groups coordinated here (group → partition → offset), read on the actor thread. */
  public CompletableFuture<Map<String, Map<TopicPartition, Long>>> committedOffsets() {
    CompletableFuture<Map<String, Map<TopicPartition, Long>>> result = new CompletableFuture<>();
    try {
      actor.execute(() -> result.complete(actor.committedOffsets()));
    } catch (RejectedExecutionException closing) {
      result.complete(Map.of());
    }
    return result;
  }

  public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
    if (request.apiKey() == ApiKeys.FIND_COORDINATOR) {
      return CompletableFuture.completedFuture(locator.findCoordinator(request));
    }
    CompletableFuture<ApiMessage> result = new CompletableFuture<>();
    if (actor.isClosed()) {
      result.complete(request.errorResponse(Errors.COORDINATOR_NOT_AVAILABLE.exception("broker is shutting down")));
      return result;
    }
    try {
      actor.execute(() -> {
        try {
          dispatch(request).whenComplete((response, err) -> {
            if (err != null) {
              log.error("{} v{} failed", request.apiKey(), request.version(), err);
              result.complete(request.errorResponse(err));
            } else {
              result.complete(response);
            }
          });
        } catch (Throwable t) {
          log.error("{} v{} failed", request.apiKey(), request.version(), t);
          result.complete(request.errorResponse(t));
        }
      });
    } catch (Exception rejected) {
      result.complete(request.errorResponse(Errors.COORDINATOR_NOT_AVAILABLE.exception("broker is shutting down")));
    }
    return result;
  }

  /** Runs on the actor thread. */
  private CompletableFuture<ApiMessage> dispatch(KafkaRequest request) {
    return switch (request.apiKey()) {
      case JOIN_GROUP -> joinGroup(request);
      case SYNC_GROUP -> syncGroup(request);
      case HEARTBEAT -> CompletableFuture.completedFuture(heartbeat(request));
      case LEAVE_GROUP -> CompletableFuture.completedFuture(leaveGroup(request));
      case OFFSET_COMMIT -> offsetCommit(request);
      case TXN_OFFSET_COMMIT -> txnOffsetCommit(request);
      case OFFSET_FETCH -> CompletableFuture.completedFuture(offsetFetch(request));
      case DESCRIBE_GROUPS -> CompletableFuture.completedFuture(describeGroups(request));
      case LIST_GROUPS -> CompletableFuture.completedFuture(listGroups(request));
      case DELETE_GROUPS -> deleteGroups(request);
      case OFFSET_DELETE -> offsetDelete(request);
      default -> CompletableFuture.completedFuture(request.errorResponse(Errors.UNSUPPORTED_VERSION.exception()));
    };
  }

  // ------------------------------------------------------------------ membership

  private CompletableFuture<ApiMessage> joinGroup(KafkaRequest request) {
    JoinGroupRequestData d = request.data();
    short version = request.version();
    LinkedHashMap<String, byte[]> protocols = new LinkedHashMap<>();
    d.protocols().forEach(p -> protocols.putIfAbsent(p.name(), p.metadata()));
    int rebalanceTimeoutMs = d.rebalanceTimeoutMs() > 0 ? d.rebalanceTimeoutMs() : d.sessionTimeoutMs();
    JoinRequest req = new JoinRequest(d.memberId(), d.groupInstanceId(), request.clientId(), "/127.0.0.1",
        d.sessionTimeoutMs(), rebalanceTimeoutMs, d.protocolType(), protocols, version >= 4, version >= 9);
    return actor.join(d.groupId(), req).thenApply(r -> joinResponse(r, version));
  }

  private static JoinGroupResponseData joinResponse(JoinResult r, short version) {
    JoinGroupResponseData d = new JoinGroupResponseData()
        .setErrorCode(r.error().code())
        .setGenerationId(r.generationId())
        .setProtocolType(r.protocolType())
        .setProtocolName(r.protocolName() == null && version < 7 ? "" : r.protocolName())
        .setLeader(r.leaderId() == null ? "" : r.leaderId())
        .setMemberId(r.memberId() == null ? "" : r.memberId());
    if (version >= 9) {
      d.setSkipAssignment(r.skipAssignment());
    }
    for (JoinedMember m : r.members()) {
      d.members().add(new JoinGroupResponseMember().setMemberId(m.memberId())
          .setGroupInstanceId(m.groupInstanceId()).setMetadata(m.metadata()));
    }
    return d;
  }

  private CompletableFuture<ApiMessage> syncGroup(KafkaRequest request) {
    SyncGroupRequestData d = request.data();
    Map<String, byte[]> assignments = new HashMap<>();
    d.assignments().forEach(a -> assignments.put(a.memberId(), a.assignment()));
    return actor.sync(d.groupId(), d.memberId(), d.groupInstanceId(), d.generationId(), d.protocolType(),
        d.protocolName(), assignments).thenApply(GroupCoordinator::syncResponse);
  }

  private static SyncGroupResponseData syncResponse(SyncResult r) {
    return new SyncGroupResponseData().setErrorCode(r.error().code())
        .setProtocolType(r.protocolType()).setProtocolName(r.protocolName()).setAssignment(r.assignment());
  }

  private ApiMessage heartbeat(KafkaRequest request) {
    HeartbeatRequestData d = request.data();
    Errors error = actor.heartbeat(d.groupId(), d.memberId(), d.groupInstanceId(), d.generationId());
    return new HeartbeatResponseData().setErrorCode(error.code());
  }

  private ApiMessage leaveGroup(KafkaRequest request) {
    LeaveGroupRequestData d = request.data();
    LeaveGroupResponseData resp = new LeaveGroupResponseData();
    Errors error = actor.coordinatorError(d.groupId());
    if (request.version() < 3) {
      // v0-2: one member, by id.
      if (error == Errors.NONE) {
        error = actor.leave(d.groupId(), d.memberId(), null);
      }
      return resp.setErrorCode(error.code());
    }
    if (error != Errors.NONE) {
      return resp.setErrorCode(error.code());
    }
    for (MemberIdentity m : d.members()) {
      Errors e = actor.leave(d.groupId(), m.memberId(), m.groupInstanceId());
      resp.members().add(new MemberResponse().setMemberId(m.memberId())
          .setGroupInstanceId(m.groupInstanceId()).setErrorCode(e.code()));
    }
    return resp;
  }

  // ------------------------------------------------------------------ offsets

  private CompletableFuture<ApiMessage> offsetCommit(KafkaRequest request) {
    OffsetCommitRequestData d = request.data();
    Map<TopicPartition, CommitRequest> requested = new LinkedHashMap<>();
    for (OffsetCommitRequestTopic t : d.topics()) {
      for (OffsetCommitRequestPartition p : t.partitions()) {
        // Only v1 carries a client commit timestamp; -1 = the broker's clock.
        long timestampMs = request.version() == 1 ? p.commitTimestamp() : -1;
        requested.put(new TopicPartition(t.name(), p.partitionIndex()), new CommitRequest(p.committedOffset(),
            p.committedLeaderEpoch(), p.committedMetadata(), timestampMs));
      }
    }
    return actor.commit(d.groupId(), d.memberId(), d.groupInstanceId(), d.generationIdOrMemberEpoch(), requested)
        .thenApply(errors -> {
          OffsetCommitResponseData resp = new OffsetCommitResponseData();
          for (OffsetCommitRequestTopic t : d.topics()) {
            OffsetCommitResponseTopic rt = new OffsetCommitResponseTopic().setName(t.name());
            resp.topics().add(rt);
            for (OffsetCommitRequestPartition p : t.partitions()) {
              Errors e = errors.get(new TopicPartition(t.name(), p.partitionIndex()));
              rt.partitions().add(new OffsetCommitResponsePartition().setPartitionIndex(p.partitionIndex())
                  .setErrorCode(e.code()));
            }
          }
          return resp;
        });
  }

  /** TxnOffsetCommit: offsets pending in the producer's transaction until its marker (see {@link TxnOffsets}). */
  private CompletableFuture<ApiMessage> txnOffsetCommit(KafkaRequest request) {
    TxnOffsetCommitRequestData d = request.data();
    short v = request.version();
    Map<TopicPartition, CommitRequest> requested = new LinkedHashMap<>();
    for (TxnOffsetCommitRequestTopic t : d.topics()) {
      for (TxnOffsetCommitRequestPartition p : t.partitions()) {
        requested.put(new TopicPartition(t.name(), p.partitionIndex()), new CommitRequest(p.committedOffset(),
            v >= 2 ? p.committedLeaderEpoch() : -1, p.committedMetadata(), -1));
      }
    }
    // Group metadata (KIP-447) from v3 on; older producers commit as a non-member.
    String memberId = v >= 3 ? d.memberId() : "";
    String instanceId = v >= 3 ? d.groupInstanceId() : null;
    int generation = v >= 3 ? d.generationId() : -1;
    return actor.txnCommit(d.groupId(), d.producerId(), d.producerEpoch(), memberId, instanceId, generation, requested)
        .thenApply(errors -> {
          TxnOffsetCommitResponseData resp = new TxnOffsetCommitResponseData();
          for (TxnOffsetCommitRequestTopic t : d.topics()) {
            TxnOffsetCommitResponseTopic rt = new TxnOffsetCommitResponseTopic().setName(t.name());
            resp.topics().add(rt);
            for (TxnOffsetCommitRequestPartition p : t.partitions()) {
              rt.partitions().add(new TxnOffsetCommitResponsePartition().setPartitionIndex(p.partitionIndex())
                  .setErrorCode(errors.get(new TopicPartition(t.name(), p.partitionIndex())).code()));
            }
          }
          return resp;
        });
  }

  /**
   * A transaction marker was written to {@code offsetsPartition} (a partition of {@code __consumer_offsets})
   * and replicated: the producer's pending transactional offsets there become committed or are dropped.
   * Any thread; does not block.
   */
  public void onTxnMarker(TopicPartition offsetsPartition, long producerId, boolean committed) {
    if (!offsetsPartition.topic().equals(OffsetsTopicFormat.TOPIC) || actor.isClosed()) {
      return;
    }
    try {
      actor.execute(() -> actor.onTxnMarker(offsetsPartition.partition(), producerId, committed));
    } catch (Exception rejected) {
      // closing: the next coordinator replays the marker from the log
    }
  }

  private ApiMessage offsetFetch(KafkaRequest request) {
    OffsetFetchRequestData d = request.data();
    short v = request.version();
    OffsetFetchResponseData resp = new OffsetFetchResponseData();
    if (v >= 8) {
      for (OffsetFetchRequestGroup rg : d.groups()) {
        OffsetFetchResponseGroup out = new OffsetFetchResponseGroup().setGroupId(rg.groupId());
        resp.groups().add(out);
        Errors error = actor.coordinatorError(rg.groupId());
        if (error != Errors.NONE) {
          out.setErrorCode(error.code());
          continue;
        }
        Map<String, List<Integer>> wanted = null;
        if (rg.topics() != null) {
          wanted = new LinkedHashMap<>();
          for (OffsetFetchRequestTopics t : rg.topics()) {
            wanted.put(t.name(), t.partitionIndexes());
          }
        }
        Map<String, OffsetFetchResponseTopics> byTopic = new LinkedHashMap<>();
        for (Fetched f : actor.fetch(rg.groupId(), wanted, d.requireStable())) {
          OffsetFetchResponseTopics t = byTopic.computeIfAbsent(f.tp().topic(), name -> {
            OffsetFetchResponseTopics nt = new OffsetFetchResponseTopics().setName(name);
            out.topics().add(nt);
            return nt;
          });
          t.partitions().add(new OffsetFetchResponsePartitions().setPartitionIndex(f.tp().partition())
              .setCommittedOffset(f.offset() == null ? -1 : f.offset().offset())
              .setCommittedLeaderEpoch(f.offset() == null ? -1 : f.offset().leaderEpoch())
              .setMetadata(f.offset() == null ? "" : f.offset().metadata()).setErrorCode(f.error().code()));
        }
      }
      return resp;
    }
    Errors error = actor.coordinatorError(d.groupId());
    Map<String, List<Integer>> wanted = null;
    if (d.topics() != null) {
      wanted = new LinkedHashMap<>();
      for (OffsetFetchRequestTopic t : d.topics()) {
        wanted.put(t.name(), t.partitionIndexes());
      }
    }
    if (error != Errors.NONE) {
      if (v >= 2) {
        return resp.setErrorCode(error.code());
      }
      // v0-1 have no top-level error: every requested partition carries it.
      if (wanted != null) {
        wanted.forEach((topic, parts) -> {
          OffsetFetchResponseTopic t = new OffsetFetchResponseTopic().setName(topic);
          resp.topics().add(t);
          parts.forEach(p -> t.partitions().add(new OffsetFetchResponsePartition()
              .setPartitionIndex(p).setCommittedOffset(-1).setMetadata("").setErrorCode(error.code())));
        });
      }
      return resp;
    }
    Map<String, OffsetFetchResponseTopic> byTopic = new LinkedHashMap<>();
    for (Fetched f : actor.fetch(d.groupId(), wanted, v >= 7 && d.requireStable())) {
      OffsetFetchResponseTopic t = byTopic.computeIfAbsent(f.tp().topic(), name -> {
        OffsetFetchResponseTopic nt = new OffsetFetchResponseTopic().setName(name);
        resp.topics().add(nt);
        return nt;
      });
      OffsetFetchResponsePartition rp = new OffsetFetchResponsePartition().setPartitionIndex(f.tp().partition())
          .setCommittedOffset(f.offset() == null ? -1 : f.offset().offset())
          .setMetadata(f.offset() == null ? "" : f.offset().metadata()).setErrorCode(f.error().code());
      if (v >= 5) {
        rp.setCommittedLeaderEpoch(f.offset() == null ? -1 : f.offset().leaderEpoch());
      }
      t.partitions().add(rp);
    }
    return resp;
  }

  private CompletableFuture<ApiMessage> offsetDelete(KafkaRequest request) {
    OffsetDeleteRequestData d = request.data();
    List<TopicPartition> requested = new ArrayList<>();
    for (OffsetDeleteRequestTopic t : d.topics()) {
      for (OffsetDeleteRequestPartition p : t.partitions()) {
        requested.add(new TopicPartition(t.name(), p.partitionIndex()));
      }
    }
    return actor.deleteOffsets(d.groupId(), requested).thenApply((OffsetDeleteResult r) -> {
      OffsetDeleteResponseData resp = new OffsetDeleteResponseData();
      if (r.error() != Errors.NONE) {
        return resp.setErrorCode(r.error().code());
      }
      for (OffsetDeleteRequestTopic t : d.topics()) {
        OffsetDeleteResponseTopic rt = new OffsetDeleteResponseTopic().setName(t.name());
        resp.topics().add(rt);
        for (OffsetDeleteRequestPartition p : t.partitions()) {
          Errors e = r.partitions().get(new TopicPartition(t.name(), p.partitionIndex()));
          rt.partitions().add(new OffsetDeleteResponsePartition().setPartitionIndex(p.partitionIndex())
              .setErrorCode(e.code()));
        }
      }
      return resp;
    });
  }

  // ------------------------------------------------------------------ admin

  private ApiMessage describeGroups(KafkaRequest request) {
    DescribeGroupsRequestData d = request.data();
    DescribeGroupsResponseData resp = new DescribeGroupsResponseData();
    for (String g : d.groups()) {
      DescribedGroup out = new DescribedGroup().setGroupId(g);
      resp.groups().add(out);
      Errors error = actor.coordinatorError(g);
      ClassicGroup group = error == Errors.NONE ? actor.group(g) : null;
      if (error != Errors.NONE || group == null) {
        out.setErrorCode(error.code()).setGroupState(GroupState.DEAD.kafkaName()).setProtocolType("").setProtocolData("");
        continue;
      }
      out.setGroupState(group.state().kafkaName())
          .setProtocolType(group.protocolType() == null ? "" : group.protocolType())
          .setProtocolData(group.state() == GroupState.STABLE && group.protocolName() != null ? group.protocolName() : "");
      for (ClassicGroup.MemberSummary m : group.describeMembers()) {
        out.members().add(new DescribedGroupMember().setMemberId(m.memberId())
            .setGroupInstanceId(m.groupInstanceId()).setClientId(m.clientId() == null ? "" : m.clientId())
            .setClientHost(m.clientHost() == null ? "" : m.clientHost()).setMemberMetadata(m.metadata())
            .setMemberAssignment(m.assignment()));
      }
    }
    return resp;
  }

  private ApiMessage listGroups(KafkaRequest request) {
    ListGroupsRequestData d = request.data();
    Set<GroupState> states = EnumSet.noneOf(GroupState.class);
    if (request.version() >= 4) {
      for (String s : d.statesFilter()) {
        try {
          states.add(GroupState.parse(s));
        } catch (IllegalArgumentException e) {
          // Kafka ignores states it does not know (e.g. new-protocol "Assigning"): nothing matches them.
        }
      }
      if (!d.statesFilter().isEmpty() && states.isEmpty()) {
        return new ListGroupsResponseData();
      }
    }
    if (request.version() >= 5 && !d.typesFilter().isEmpty()
        && d.typesFilter().stream().noneMatch(t -> t.equalsIgnoreCase("classic"))) {
      return new ListGroupsResponseData();
    }
    ListGroupsResponseData resp = new ListGroupsResponseData();
    for (ClassicGroup g : actor.allGroups()) {
      if (g.state() == GroupState.DEAD || (!states.isEmpty() && !states.contains(g.state()))) {
        continue;
      }
      resp.groups().add(new ListedGroup().setGroupId(g.groupId())
          .setProtocolType(g.protocolType() == null ? "" : g.protocolType())
          .setGroupState(g.state().kafkaName()).setGroupType("classic"));
    }
    return resp;
  }

  private CompletableFuture<ApiMessage> deleteGroups(KafkaRequest request) {
    DeleteGroupsRequestData d = request.data();
    DeleteGroupsResponseData resp = new DeleteGroupsResponseData();
    List<CompletableFuture<Void>> deletions = new ArrayList<>();
    for (String g : d.groupsNames()) {
      DeletableGroupResult r = new DeletableGroupResult().setGroupId(g);
      resp.results().add(r);
      deletions.add(actor.delete(g).thenAccept(error -> r.setErrorCode(error.code())));
    }
    return CompletableFuture.allOf(deletions.toArray(new CompletableFuture[0])).thenApply(x -> resp);
  }
}
