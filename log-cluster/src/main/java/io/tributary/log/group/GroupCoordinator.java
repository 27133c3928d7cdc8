package io.tributary.log.group;

import io.tributary.log.broker.BrokerConfig;
import io.tributary.log.broker.GroupApis;
import io.tributary.log.broker.Partition;
import io.tributary.log.broker.ReplicaManager;
import io.tributary.log.broker.TopicAdmin;
import io.tributary.log.cluster.BrokerInfo;
import io.tributary.log.cluster.ClusterImage;
import io.tributary.log.cluster.PartitionState;
import io.tributary.log.cluster.TopicInfo;
import io.tributary.log.group.ClassicGroup.JoinRequest;
import io.tributary.log.group.GroupEffect.JoinReply;
import io.tributary.log.group.GroupEffect.JoinResult;
import io.tributary.log.group.GroupEffect.JoinedMember;
import io.tributary.log.group.GroupEffect.PersistGroup;
import io.tributary.log.group.GroupEffect.SyncReply;
import io.tributary.log.group.GroupEffect.SyncResult;
import io.tributary.log.group.OffsetsTopicFormat.CommittedOffset;
import io.tributary.log.protocol.KafkaRequest;
import io.tributary.log.storage.LogReadResult;
import io.tributary.log.storage.PartitionLog;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
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
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group coordinator of one broker: the I/O around the pure {@link ClassicGroup} state machines.
 *
 * <ul>
 *   <li>Every group hashes onto a partition of {@code __consumer_offsets} (created on first need); the
 *       broker leading that partition coordinates the group. Leadership is observed both from the
 *       replica manager's listener and by a reconciliation every {@link #TICK_MS} ms (and inline before a
 *       request), so a missed callback only delays a load.</li>
 *   <li>Becoming leader of an offsets partition loads it (replays it from the log start to the log
 *       end); resigning drops its groups. Commits and group metadata are appended with acks=all semantics
 *       ({@code appendAndWait}) before they are acknowledged or applied.</li>
 *   <li>All group state is touched by one thread ({@code group-coordinator-N}); requests are handed to
 *       it and their futures completed from it. A timer on the same thread drives session, join and
 *       sync timeouts ({@link ClassicGroup#tick}) and offset retention.</li>
 * </ul>
 */
public final class GroupCoordinator implements GroupApis, ReplicaManager.LeadershipListener {
  private static final Logger log = LoggerFactory.getLogger(GroupCoordinator.class);
  static final long TICK_MS = 100;
  static final int OFFSET_METADATA_MAX_BYTES = 4096;
  static final int LOAD_READ_MAX_BYTES = 1 << 20;

  private static final Set<ApiKeys> APIS = EnumSet.of(ApiKeys.FIND_COORDINATOR, ApiKeys.JOIN_GROUP, ApiKeys.SYNC_GROUP,
      ApiKeys.HEARTBEAT, ApiKeys.LEAVE_GROUP, ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_FETCH, ApiKeys.DESCRIBE_GROUPS,
      ApiKeys.LIST_GROUPS, ApiKeys.DELETE_GROUPS, ApiKeys.OFFSET_DELETE);

  private final BrokerConfig config;
  private final ReplicaManager replicas;
  private final TopicAdmin topics;
  private final Time time;
  private final GroupConfig groupConfig;
  private final long retentionMs;
  private final long retentionCheckIntervalMs;
  private final long commitTimeoutMs;
  private final ScheduledExecutorService thread;
  private final AtomicBoolean creatingTopic = new AtomicBoolean();
  private volatile boolean closed;

  // ---- state below: only on the coordinator thread ----
  /** Offsets partitions loaded here, with the leader epoch they were loaded at. */
  private final Map<Integer, Integer> owned = new HashMap<>();
  private final Map<String, GroupHolder> groups = new HashMap<>();
  private final Map<Long, Parked> parked = new HashMap<>();
  private long nextToken;
  private long lastRetentionCheckMs;

  /** A group with its committed offsets and the partition it lives on. */
  static final class GroupHolder {
    final int partition;
    ClassicGroup group;
    final Map<TopicPartition, CommittedOffset> offsets = new HashMap<>();
    /** Commits appended but not yet acknowledged, per partition (OffsetFetch requireStable). */
    final Map<TopicPartition, Integer> inFlight = new HashMap<>();

    GroupHolder(int partition, ClassicGroup group) {
      this.partition = partition;
      this.group = group;
    }
  }

  /** A JoinGroup or SyncGroup waiting for the group. */
  private record Parked(CompletableFuture<ApiMessage> future, short version, ApiKeys api) {}

  public GroupCoordinator(BrokerConfig config, ReplicaManager replicas, TopicAdmin topics, Time time) {
    this.config = config;
    this.replicas = replicas;
    this.topics = topics;
    this.time = time;
    this.groupConfig = new GroupConfig(config.groupMinSessionTimeoutMs(), config.groupMaxSessionTimeoutMs(),
        config.groupInitialRebalanceDelayMs(), 1_000);
    this.retentionMs = config.offsetsRetentionMinutes() * 60_000L;
    this.retentionCheckIntervalMs = config.offsetsRetentionCheckIntervalMs();
    this.commitTimeoutMs = config.offsetsCommitTimeoutMs();
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "group-coordinator-" + config.brokerId());
      t.setDaemon(true);
      return t;
    });
  }

  /** Registers for leadership changes and starts the timer. */
  public GroupCoordinator start() {
    replicas.addLeadershipListener(this);
    lastRetentionCheckMs = time.milliseconds();
    thread.scheduleWithFixedDelay(this::safeTick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    return this;
  }

  @Override
  public Set<ApiKeys> apis() {
    return APIS;
  }

  @Override
  public void close() {
    closed = true;
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      thread.execute(() -> {
        for (int p : new ArrayList<>(owned.keySet())) {
          unload(p);
        }
        done.complete(null);
      });
      done.get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("group coordinator of broker {} did not unload cleanly", config.brokerId(), e);
    }
    thread.shutdownNow();
  }

  // ------------------------------------------------------------------ leadership

  @Override
  public void onBecomeLeader(TopicPartition tp, int leaderEpoch) {
    if (tp.topic().equals(OffsetsTopicFormat.TOPIC) && !closed) {
      thread.execute(this::reconcile);
    }
  }

  @Override
  public void onResign(TopicPartition tp) {
    if (tp.topic().equals(OffsetsTopicFormat.TOPIC) && !closed) {
      thread.execute(this::reconcile);
    }
  }

  private int offsetsPartitions() {
    return replicas.image().topic(OffsetsTopicFormat.TOPIC).map(TopicInfo::partitionCount)
        .orElse(config.offsetsTopicPartitions());
  }

  /** The leader epoch if this broker leads offsets partition {@code p} now, else -1. */
  private int leaderEpochHere(int p) {
    Optional<Partition> part = replicas.partition(new TopicPartition(OffsetsTopicFormat.TOPIC, p));
    return part.isPresent() && part.get().isLeader() ? Math.max(part.get().leaderEpoch(), 0) : -1;
  }

  /** Brings the loaded partitions in line with this broker's leadership. */
  private void reconcile() {
    Optional<TopicInfo> topic = replicas.image().topic(OffsetsTopicFormat.TOPIC);
    int n = topic.map(TopicInfo::partitionCount).orElse(0);
    for (int p : new ArrayList<>(owned.keySet())) {
      if (p >= n || leaderEpochHere(p) != owned.get(p)) {
        unload(p);
      }
    }
    for (int p = 0; p < n; p++) {
      ensureLoaded(p);
    }
  }

  /** Loads partition {@code p} if this broker leads it and has not loaded it at the current epoch. */
  private boolean ensureLoaded(int p) {
    int epoch = leaderEpochHere(p);
    Integer loaded = owned.get(p);
    if (epoch < 0) {
      if (loaded != null) {
        unload(p);
      }
      return false;
    }
    if (loaded != null && loaded == epoch) {
      return true;
    }
    if (loaded != null) {
      unload(p);
    }
    try {
      load(p, epoch);
      return true;
    } catch (Exception e) {
      log.error("cannot load {}-{} (groups of that partition stay unavailable; retried on the next tick)",
          OffsetsTopicFormat.TOPIC, p, e);
      return false;
    }
  }

  /** Replays offsets partition {@code p} from its log start to its log end into groups and offsets. */
  private void load(int p, int epoch) throws Exception {
    TopicPartition tp = new TopicPartition(OffsetsTopicFormat.TOPIC, p);
    PartitionLog plog = replicas.partition(tp).orElseThrow().log();
    long start = time.milliseconds();
    long offset = plog.logStartOffset();
    long end = plog.logEndOffset();
    Map<String, ClassicGroup.Snapshot> snapshots = new LinkedHashMap<>();
    Set<String> deletedGroups = new HashSet<>();
    Map<String, Map<TopicPartition, CommittedOffset>> offsets = new LinkedHashMap<>();
    int records = 0;
    while (offset < end) {
      LogReadResult r = plog.read(offset, LOAD_READ_MAX_BYTES, end, true);
      long next = offset;
      for (RecordBatch batch : r.records().batches()) {
        for (Record rec : batch) {
          if (rec.offset() < offset || rec.offset() >= end) {
            continue;
          }
          records++;
          OffsetsTopicFormat.Entry e = OffsetsTopicFormat.decode(rec);
          if (e instanceof OffsetsTopicFormat.OffsetEntry oe) {
            Map<TopicPartition, CommittedOffset> m = offsets.computeIfAbsent(oe.group(), g -> new HashMap<>());
            if (oe.value() == null) {
              m.remove(oe.tp());
            } else {
              m.put(oe.tp(), oe.value());
            }
          } else if (e instanceof OffsetsTopicFormat.GroupEntry ge) {
            if (ge.value() == null) {
              snapshots.remove(ge.group());
              deletedGroups.add(ge.group());
            } else {
              snapshots.put(ge.group(), ge.value());
              deletedGroups.remove(ge.group());
            }
          } else {
            log.warn("{} offset {}: skipping record ({})", tp, rec.offset(), ((OffsetsTopicFormat.Unknown) e).reason());
          }
        }
        next = Math.max(next, batch.nextOffset());
      }
      if (next <= offset) {
        break; // nothing readable (should not happen below the log end)
      }
      offset = next;
    }
    long now = time.milliseconds();
    Set<String> names = new HashSet<>(snapshots.keySet());
    offsets.forEach((g, m) -> {
      if (!m.isEmpty()) {
        names.add(g);
      }
    });
    for (String g : names) {
      ClassicGroup.Snapshot s = snapshots.get(g);
      // A group known only by its offsets (simple commits) has been Empty since its last commit, not since
      // this load: retention keeps counting across coordinator moves.
      long emptySince = offsets.getOrDefault(g, Map.of()).values().stream()
          .mapToLong(CommittedOffset::commitTimestampMs).max().orElse(now);
      ClassicGroup group = s == null ? new ClassicGroup(g, groupConfig, GroupCoordinator::uuid, Math.min(emptySince, now))
          : ClassicGroup.restore(s, groupConfig, GroupCoordinator::uuid, now);
      GroupHolder h = new GroupHolder(p, group);
      h.offsets.putAll(offsets.getOrDefault(g, Map.of()));
      groups.put(g, h);
    }
    owned.put(p, epoch);
    log.info("broker {} loaded {} at leader epoch {}: {} records up to offset {}, {} groups, in {} ms",
        config.brokerId(), tp, epoch, records, end, names.size(), time.milliseconds() - start);
  }

  /** Drops the groups of partition {@code p}: parked requests are told NOT_COORDINATOR and find the new one. */
  private void unload(int p) {
    owned.remove(p);
    long now = time.milliseconds();
    int count = 0;
    for (var it = groups.entrySet().iterator(); it.hasNext(); ) {
      GroupHolder h = it.next().getValue();
      if (h.partition == p) {
        process(h, h.group.kill(Errors.NOT_COORDINATOR, now), false);
        it.remove();
        count++;
      }
    }
    log.info("broker {} unloaded {}-{} ({} groups)", config.brokerId(), OffsetsTopicFormat.TOPIC, p, count);
  }

  // ------------------------------------------------------------------ timer

  private void safeTick() {
    try {
      tick();
    } catch (Throwable t) {
      log.error("group coordinator tick failed", t);
    }
  }

  private void tick() {
    if (closed) {
      return;
    }
    reconcile();
    long now = time.milliseconds();
    for (GroupHolder h : new ArrayList<>(groups.values())) {
      if (h.group.nextDeadlineMs() <= now) {
        process(h, h.group.tick(now), true);
      }
    }
    if (now - lastRetentionCheckMs >= retentionCheckIntervalMs) {
      lastRetentionCheckMs = now;
      expireOffsets(now);
    }
  }

  /**
   * Offset retention (KIP-211): once a group has been Empty for {@code offsets.retention.minutes} (counted
   * from the later of becoming Empty and its last commit), its offsets and the group are deleted
   * (tombstones written, then dropped from memory).
   */
  void expireOffsets(long now) {
    for (GroupHolder h : new ArrayList<>(groups.values())) {
      if (h.group.state() != GroupState.EMPTY || !h.inFlight.isEmpty()) {
        continue;
      }
      long last = h.group.stateSinceMs();
      for (CommittedOffset o : h.offsets.values()) {
        last = Math.max(last, o.commitTimestampMs());
      }
      if (now - last < retentionMs) {
        continue;
      }
      String g = h.group.groupId();
      log.info("group {} has been empty since {} (offsets.retention.minutes={}): deleting its {} committed offsets",
          g, last, retentionMs / 60_000, h.offsets.size());
      deleteGroupDurably(h).whenComplete((ok, err) -> {
        if (err != null) {
          log.warn("could not write the expiry of group {}: {}", g, err.toString());
        }
      });
    }
  }

  /** Writes tombstones for all offsets and the group, then removes it. Runs on the coordinator thread. */
  private CompletableFuture<Void> deleteGroupDurably(GroupHolder h) {
    String g = h.group.groupId();
    List<byte[][]> kvs = new ArrayList<>();
    for (TopicPartition tp : h.offsets.keySet()) {
      kvs.add(new byte[][] {OffsetsTopicFormat.offsetKey(g, tp), null});
    }
    kvs.add(new byte[][] {OffsetsTopicFormat.groupKey(g), null});
    process(h, h.group.kill(Errors.COORDINATOR_NOT_AVAILABLE, time.milliseconds()), false);
    groups.remove(g);
    return append(h.partition, kvs).thenApply(x -> null);
  }

  // ------------------------------------------------------------------ effects

  /**
   * Carries out a state machine's effects: answers parked requests; with a PersistGroup in the batch the
   * group record is appended first and the answers wait for it (a failed write turns successful
   * SyncGroup answers into the append's error, so members rejoin).
   */
  private void process(GroupHolder h, List<GroupEffect> effects, boolean allowPersist) {
    boolean persist = allowPersist && effects.stream().anyMatch(e -> e instanceof PersistGroup);
    if (!persist) {
      effects.forEach(e -> answer(e, Errors.NONE));
      return;
    }
    ClassicGroup.Snapshot snap = h.group.snapshot();
    byte[][] kv = {OffsetsTopicFormat.groupKey(snap.groupId()), OffsetsTopicFormat.groupValue(snap)};
    append(h.partition, List.<byte[][]>of(kv)).whenComplete((r, err) -> {
      Errors error = err == null ? Errors.NONE : appendError(err);
      if (err != null) {
        log.warn("could not write the metadata of group {} (generation {}): {}", snap.groupId(), snap.generationId(),
            err.toString());
      }
      effects.forEach(e -> answer(e, error));
    });
  }

  private void answer(GroupEffect e, Errors persistError) {
    if (e instanceof JoinReply jr) {
      Parked p = parked.remove(jr.token());
      if (p != null) {
        p.future().complete(joinResponse(jr.result(), p.version()));
      }
    } else if (e instanceof SyncReply sr) {
      Parked p = parked.remove(sr.token());
      if (p != null) {
        SyncResult r = sr.result();
        if (persistError != Errors.NONE && r.error() == Errors.NONE) {
          r = SyncResult.error(persistError);
        }
        p.future().complete(new SyncGroupResponseData().setErrorCode(r.error().code())
            .setProtocolType(r.protocolType()).setProtocolName(r.protocolName()).setAssignment(r.assignment()));
      }
    }
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
      d.members().add(new JoinGroupResponseData.JoinGroupResponseMember().setMemberId(m.memberId())
          .setGroupInstanceId(m.groupInstanceId()).setMetadata(m.metadata()));
    }
    return d;
  }

  /** Appends records to offsets partition {@code p} with acks=all; completes on the coordinator thread. */
  private CompletableFuture<Void> append(int p, List<byte[][]> kvs) {
    TopicPartition tp = new TopicPartition(OffsetsTopicFormat.TOPIC, p);
    CompletableFuture<Void> done = new CompletableFuture<>();
    CompletableFuture<?> f;
    try {
      f = replicas.appendAndWait(tp, OffsetsTopicFormat.records(time.milliseconds(), kvs), commitTimeoutMs);
    } catch (Exception e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.whenComplete((r, err) -> {
      try {
        thread.execute(() -> {
          if (err != null) {
            done.completeExceptionally(err);
          } else {
            done.complete(null);
          }
        });
      } catch (Exception rejected) {
        done.completeExceptionally(err != null ? err : rejected);
      }
    });
    return done;
  }

  /** Kafka's mapping of a failed offsets-topic append to the error the client sees. */
  static Errors appendError(Throwable err) {
    Throwable t = err;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    Errors e = Errors.forException(t);
    switch (e) {
      case UNKNOWN_TOPIC_OR_PARTITION:
      case NOT_ENOUGH_REPLICAS:
      case NOT_ENOUGH_REPLICAS_AFTER_APPEND:
      case REQUEST_TIMED_OUT:
        return Errors.COORDINATOR_NOT_AVAILABLE;
      case NOT_LEADER_OR_FOLLOWER:
      case KAFKA_STORAGE_ERROR:
        return Errors.NOT_COORDINATOR;
      case MESSAGE_TOO_LARGE:
      case RECORD_LIST_TOO_LARGE:
      case INVALID_FETCH_SIZE:
        return Errors.INVALID_COMMIT_OFFSET_SIZE;
      default:
        return e == Errors.NONE ? Errors.UNKNOWN_SERVER_ERROR : e;
    }
  }

  // ------------------------------------------------------------------ requests

  @Override
  public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
    if (request.apiKey() == ApiKeys.FIND_COORDINATOR) {
      return CompletableFuture.completedFuture(findCoordinator(request));
    }
    CompletableFuture<ApiMessage> result = new CompletableFuture<>();
    if (closed) {
      result.complete(request.errorResponse(Errors.COORDINATOR_NOT_AVAILABLE.exception("broker is shutting down")));
      return result;
    }
    try {
      thread.execute(() -> {
        try {
          dispatch(request, result);
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

  private void dispatch(KafkaRequest request, CompletableFuture<ApiMessage> result) {
    switch (request.apiKey()) {
      case JOIN_GROUP -> joinGroup(request, result);
      case SYNC_GROUP -> syncGroup(request, result);
      case HEARTBEAT -> result.complete(heartbeat(request));
      case LEAVE_GROUP -> leaveGroup(request, result);
      case OFFSET_COMMIT -> offsetCommit(request, result);
      case OFFSET_FETCH -> result.complete(offsetFetch(request));
      case DESCRIBE_GROUPS -> result.complete(describeGroups(request));
      case LIST_GROUPS -> result.complete(listGroups(request));
      case DELETE_GROUPS -> deleteGroups(request, result);
      case OFFSET_DELETE -> offsetDelete(request, result);
      default -> result.complete(request.errorResponse(Errors.UNSUPPORTED_VERSION.exception()));
    }
  }

  /** NONE if this broker coordinates {@code groupId} (loading its partition if needed), else the error. */
  private Errors coordinatorError(String groupId) {
    if (groupId == null || groupId.isEmpty()) {
      return Errors.INVALID_GROUP_ID;
    }
    if (replicas.image().topic(OffsetsTopicFormat.TOPIC).isEmpty()) {
      return Errors.COORDINATOR_NOT_AVAILABLE;
    }
    int p = OffsetsTopicFormat.partitionFor(groupId, offsetsPartitions());
    if (leaderEpochHere(p) < 0) {
      return Errors.NOT_COORDINATOR;
    }
    return ensureLoaded(p) ? Errors.NONE : Errors.COORDINATOR_LOAD_IN_PROGRESS;
  }

  private GroupHolder holder(String groupId, boolean create) {
    GroupHolder h = groups.get(groupId);
    if (h == null && create) {
      int p = OffsetsTopicFormat.partitionFor(groupId, offsetsPartitions());
      h = new GroupHolder(p, new ClassicGroup(groupId, groupConfig, GroupCoordinator::uuid, time.milliseconds()));
      groups.put(groupId, h);
    }
    return h;
  }

  private static String uuid() {
    return UUID.randomUUID().toString();
  }

  private long park(CompletableFuture<ApiMessage> f, short version, ApiKeys api) {
    long token = nextToken++;
    parked.put(token, new Parked(f, version, api));
    return token;
  }

  private void joinGroup(KafkaRequest request, CompletableFuture<ApiMessage> result) {
    JoinGroupRequestData d = request.data();
    Errors error = coordinatorError(d.groupId());
    if (error != Errors.NONE) {
      result.complete(joinResponse(JoinResult.error(error, d.memberId()), request.version()));
      return;
    }
    GroupHolder h = holder(d.groupId(), true);
    LinkedHashMap<String, byte[]> protocols = new LinkedHashMap<>();
    d.protocols().forEach(p -> protocols.putIfAbsent(p.name(), p.metadata()));
    int rebalanceTimeoutMs = d.rebalanceTimeoutMs() > 0 ? d.rebalanceTimeoutMs() : d.sessionTimeoutMs();
    JoinRequest req = new JoinRequest(d.memberId(), d.groupInstanceId(), request.clientId(), "/127.0.0.1",
        d.sessionTimeoutMs(), rebalanceTimeoutMs, d.protocolType(), protocols, request.version() >= 4,
        request.version() >= 9);
    long token = park(result, request.version(), ApiKeys.JOIN_GROUP);
    process(h, h.group.join(req, token, time.milliseconds()), true);
    dropIfDeadAndEmpty(h);
  }

  private void syncGroup(KafkaRequest request, CompletableFuture<ApiMessage> result) {
    SyncGroupRequestData d = request.data();
    Errors error = coordinatorError(d.groupId());
    GroupHolder h = error == Errors.NONE ? groups.get(d.groupId()) : null;
    if (error == Errors.NONE && h == null) {
      error = Errors.UNKNOWN_MEMBER_ID;
    }
    if (error != Errors.NONE) {
      result.complete(new SyncGroupResponseData().setErrorCode(error.code()));
      return;
    }
    Map<String, byte[]> assignments = new HashMap<>();
    d.assignments().forEach(a -> assignments.put(a.memberId(), a.assignment()));
    long token = park(result, request.version(), ApiKeys.SYNC_GROUP);
    process(h, h.group.sync(d.memberId(), d.groupInstanceId(), d.generationId(), d.protocolType(), d.protocolName(),
        assignments, token, time.milliseconds()), true);
  }

  private ApiMessage heartbeat(KafkaRequest request) {
    HeartbeatRequestData d = request.data();
    Errors error = coordinatorError(d.groupId());
    if (error == Errors.NONE) {
      GroupHolder h = groups.get(d.groupId());
      error = h == null ? Errors.UNKNOWN_MEMBER_ID
          : h.group.heartbeat(d.memberId(), d.groupInstanceId(), d.generationId(), time.milliseconds());
    }
    return new HeartbeatResponseData().setErrorCode(error.code());
  }

  private void leaveGroup(KafkaRequest request, CompletableFuture<ApiMessage> result) {
    LeaveGroupRequestData d = request.data();
    LeaveGroupResponseData resp = new LeaveGroupResponseData();
    Errors error = coordinatorError(d.groupId());
    GroupHolder h = error == Errors.NONE ? groups.get(d.groupId()) : null;
    if (error == Errors.NONE && h == null) {
      error = Errors.UNKNOWN_MEMBER_ID;
    }
    if (request.version() < 3) {
      if (error == Errors.NONE) {
        ClassicGroup.LeaveResult r = h.group.leave(d.memberId(), null, time.milliseconds());
        process(h, r.effects(), true);
        error = r.error();
      }
      result.complete(resp.setErrorCode(error.code()));
      return;
    }
    if (error != Errors.NONE && error != Errors.UNKNOWN_MEMBER_ID) {
      result.complete(resp.setErrorCode(error.code()));
      return;
    }
    for (LeaveGroupRequestData.MemberIdentity m : d.members()) {
      Errors e = Errors.UNKNOWN_MEMBER_ID;
      if (h != null) {
        ClassicGroup.LeaveResult r = h.group.leave(m.memberId(), m.groupInstanceId(), time.milliseconds());
        process(h, r.effects(), true);
        e = r.error();
      }
      resp.members().add(new LeaveGroupResponseData.MemberResponse().setMemberId(m.memberId())
          .setGroupInstanceId(m.groupInstanceId()).setErrorCode(e.code()));
    }
    result.complete(resp);
  }

  private void offsetCommit(KafkaRequest request, CompletableFuture<ApiMessage> result) {
    OffsetCommitRequestData d = request.data();
    long now = time.milliseconds();
    Errors error = coordinatorError(d.groupId());
    GroupHolder h = null;
    if (error == Errors.NONE) {
      h = groups.get(d.groupId());
      if (h == null) {
        if (d.generationIdOrMemberEpoch() < 0) {
          h = holder(d.groupId(), true); // a simple (non-member) commit creates an Empty group
        } else {
          error = Errors.ILLEGAL_GENERATION;
        }
      }
      if (h != null) {
        error = h.group.validateOffsetCommit(d.memberId(), d.groupInstanceId(), d.generationIdOrMemberEpoch(), now);
      }
    }
    OffsetCommitResponseData resp = new OffsetCommitResponseData();
    Map<TopicPartition, OffsetCommitResponseData.OffsetCommitResponsePartition> pending = new LinkedHashMap<>();
    Map<TopicPartition, CommittedOffset> toWrite = new LinkedHashMap<>();
    ClusterImage image = replicas.image();
    for (OffsetCommitRequestData.OffsetCommitRequestTopic t : d.topics()) {
      OffsetCommitResponseData.OffsetCommitResponseTopic rt = new OffsetCommitResponseData.OffsetCommitResponseTopic()
          .setName(t.name());
      resp.topics().add(rt);
      for (OffsetCommitRequestData.OffsetCommitRequestPartition p : t.partitions()) {
        TopicPartition tp = new TopicPartition(t.name(), p.partitionIndex());
        OffsetCommitResponseData.OffsetCommitResponsePartition rp =
            new OffsetCommitResponseData.OffsetCommitResponsePartition().setPartitionIndex(p.partitionIndex());
        rt.partitions().add(rp);
        Errors pe = error;
        if (pe == Errors.NONE && image.partition(tp).isEmpty()) {
          pe = Errors.UNKNOWN_TOPIC_OR_PARTITION;
        } else if (pe == Errors.NONE && p.committedMetadata() != null
            && p.committedMetadata().length() > OFFSET_METADATA_MAX_BYTES) {
          pe = Errors.OFFSET_METADATA_TOO_LARGE;
        }
        rp.setErrorCode(pe.code());
        if (pe == Errors.NONE) {
          long ts = request.version() == 1 && p.commitTimestamp() >= 0 ? p.commitTimestamp() : now;
          toWrite.put(tp, new CommittedOffset(p.committedOffset(), p.committedLeaderEpoch(), p.committedMetadata() == null
              ? "" : p.committedMetadata(), ts));
          pending.put(tp, rp);
        }
      }
    }
    if (toWrite.isEmpty()) {
      result.complete(resp);
      return;
    }
    String g = d.groupId();
    List<byte[][]> kvs = new ArrayList<>();
    toWrite.forEach((tp, o) -> kvs.add(new byte[][] {OffsetsTopicFormat.offsetKey(g, tp), OffsetsTopicFormat.offsetValue(o)}));
    GroupHolder holder = h;
    int epoch = owned.getOrDefault(holder.partition, -1);
    toWrite.keySet().forEach(tp -> holder.inFlight.merge(tp, 1, Integer::sum));
    append(holder.partition, kvs).whenComplete((ok, err) -> {
      toWrite.keySet().forEach(tp -> holder.inFlight.computeIfPresent(tp, (k, v) -> v > 1 ? v - 1 : null));
      if (err == null) {
        // Durable (acks=all): apply to the cache if this broker still serves the group at the same epoch.
        if (owned.getOrDefault(holder.partition, -2) == epoch && groups.get(g) == holder) {
          holder.offsets.putAll(toWrite);
        }
      } else {
        Errors e = appendError(err);
        log.warn("offset commit of group {} ({} partitions) failed: {}", g, toWrite.size(), err.toString());
        pending.values().forEach(rp -> rp.setErrorCode(e.code()));
      }
      result.complete(resp);
    });
  }

  private ApiMessage offsetFetch(KafkaRequest request) {
    OffsetFetchRequestData d = request.data();
    short v = request.version();
    OffsetFetchResponseData resp = new OffsetFetchResponseData();
    if (v >= 8) {
      for (OffsetFetchRequestData.OffsetFetchRequestGroup rg : d.groups()) {
        OffsetFetchResponseData.OffsetFetchResponseGroup out =
            new OffsetFetchResponseData.OffsetFetchResponseGroup().setGroupId(rg.groupId());
        resp.groups().add(out);
        Errors error = coordinatorError(rg.groupId());
        if (error != Errors.NONE) {
          out.setErrorCode(error.code());
          continue;
        }
        Map<String, List<Integer>> wanted = null;
        if (rg.topics() != null) {
          wanted = new LinkedHashMap<>();
          for (OffsetFetchRequestData.OffsetFetchRequestTopics t : rg.topics()) {
            wanted.put(t.name(), t.partitionIndexes());
          }
        }
        fetchOffsets(rg.groupId(), wanted, d.requireStable(), (tp, o, e) -> {
          OffsetFetchResponseData.OffsetFetchResponseTopics t = out.topics().stream()
              .filter(x -> x.name().equals(tp.topic())).findFirst().orElseGet(() -> {
                OffsetFetchResponseData.OffsetFetchResponseTopics nt =
                    new OffsetFetchResponseData.OffsetFetchResponseTopics().setName(tp.topic());
                out.topics().add(nt);
                return nt;
              });
          t.partitions().add(new OffsetFetchResponseData.OffsetFetchResponsePartitions()
              .setPartitionIndex(tp.partition()).setCommittedOffset(o == null ? -1 : o.offset())
              .setCommittedLeaderEpoch(o == null ? -1 : o.leaderEpoch()).setMetadata(o == null ? "" : o.metadata())
              .setErrorCode(e.code()));
        });
      }
      return resp;
    }
    Errors error = coordinatorError(d.groupId());
    Map<String, List<Integer>> wanted = null;
    if (d.topics() != null) {
      wanted = new LinkedHashMap<>();
      for (OffsetFetchRequestData.OffsetFetchRequestTopic t : d.topics()) {
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
          OffsetFetchResponseData.OffsetFetchResponseTopic t = new OffsetFetchResponseData.OffsetFetchResponseTopic().setName(topic);
          resp.topics().add(t);
          parts.forEach(p -> t.partitions().add(new OffsetFetchResponseData.OffsetFetchResponsePartition()
              .setPartitionIndex(p).setCommittedOffset(-1).setMetadata("").setErrorCode(error.code())));
        });
      }
      return resp;
    }
    Map<String, OffsetFetchResponseData.OffsetFetchResponseTopic> byTopic = new LinkedHashMap<>();
    fetchOffsets(d.groupId(), wanted, v >= 7 && d.requireStable(), (tp, o, e) -> {
      OffsetFetchResponseData.OffsetFetchResponseTopic t = byTopic.computeIfAbsent(tp.topic(), name -> {
        OffsetFetchResponseData.OffsetFetchResponseTopic nt = new OffsetFetchResponseData.OffsetFetchResponseTopic().setName(name);
        resp.topics().add(nt);
        return nt;
      });
      OffsetFetchResponseData.OffsetFetchResponsePartition rp = new OffsetFetchResponseData.OffsetFetchResponsePartition()
          .setPartitionIndex(tp.partition()).setCommittedOffset(o == null ? -1 : o.offset())
          .setMetadata(o == null ? "" : o.metadata()).setErrorCode(e.code());
      if (v >= 5) {
        rp.setCommittedLeaderEpoch(o == null ? -1 : o.leaderEpoch());
      }
      t.partitions().add(rp);
    });
    return resp;
  }

  private interface OffsetSink {
    void accept(TopicPartition tp, CommittedOffset offset, Errors error);
  }

  /** The committed offsets of a group: those asked for ({@code wanted} null = all it has). */
  private void fetchOffsets(String groupId, Map<String, List<Integer>> wanted, boolean requireStable, OffsetSink sink) {
    GroupHolder h = groups.get(groupId);
    Map<TopicPartition, CommittedOffset> offsets = h == null ? Map.of() : h.offsets;
    if (wanted == null) {
      offsets.entrySet().stream()
          .sorted((a, b) -> a.getKey().toString().compareTo(b.getKey().toString()))
          .forEach(e -> sink.accept(e.getKey(), e.getValue(), Errors.NONE));
      return;
    }
    wanted.forEach((topic, parts) -> {
      for (int p : parts) {
        TopicPartition tp = new TopicPartition(topic, p);
        boolean unstable = requireStable && h != null && h.inFlight.containsKey(tp);
        sink.accept(tp, unstable ? null : offsets.get(tp), unstable ? Errors.UNSTABLE_OFFSET_COMMIT : Errors.NONE);
      }
    });
  }

  private ApiMessage describeGroups(KafkaRequest request) {
    DescribeGroupsRequestData d = request.data();
    DescribeGroupsResponseData resp = new DescribeGroupsResponseData();
    for (String g : d.groups()) {
      DescribeGroupsResponseData.DescribedGroup out = new DescribeGroupsResponseData.DescribedGroup().setGroupId(g);
      resp.groups().add(out);
      Errors error = coordinatorError(g);
      GroupHolder h = error == Errors.NONE ? groups.get(g) : null;
      if (error != Errors.NONE || h == null) {
        out.setErrorCode(error.code()).setGroupState(GroupState.DEAD.kafkaName()).setProtocolType("").setProtocolData("");
        continue;
      }
      ClassicGroup group = h.group;
      out.setGroupState(group.state().kafkaName())
          .setProtocolType(group.protocolType() == null ? "" : group.protocolType())
          .setProtocolData(group.state() == GroupState.STABLE && group.protocolName() != null ? group.protocolName() : "");
      for (ClassicGroup.MemberSummary m : group.describeMembers()) {
        out.members().add(new DescribeGroupsResponseData.DescribedGroupMember().setMemberId(m.memberId())
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
    reconcile();
    ListGroupsResponseData resp = new ListGroupsResponseData();
    groups.values().stream().sorted((a, b) -> a.group.groupId().compareTo(b.group.groupId())).forEach(h -> {
      ClassicGroup g = h.group;
      if (g.state() == GroupState.DEAD || (!states.isEmpty() && !states.contains(g.state()))) {
        return;
      }
      resp.groups().add(new ListGroupsResponseData.ListedGroup().setGroupId(g.groupId())
          .setProtocolType(g.protocolType() == null ? "" : g.protocolType())
          .setGroupState(g.state().kafkaName()).setGroupType("classic"));
    });
    return resp;
  }

  private void deleteGroups(KafkaRequest request, CompletableFuture<ApiMessage> result) {
    DeleteGroupsRequestData d = request.data();
    DeleteGroupsResponseData resp = new DeleteGroupsResponseData();
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    for (String g : d.groupsNames()) {
      DeleteGroupsResponseData.DeletableGroupResult r = new DeleteGroupsResponseData.DeletableGroupResult().setGroupId(g);
      resp.results().add(r);
      Errors error = coordinatorError(g);
      GroupHolder h = error == Errors.NONE ? groups.get(g) : null;
      if (error == Errors.NONE && (h == null || h.group.state() == GroupState.DEAD)) {
        error = Errors.GROUP_ID_NOT_FOUND;
      } else if (error == Errors.NONE && h.group.state() != GroupState.EMPTY) {
        error = Errors.NON_EMPTY_GROUP;
      }
      r.setErrorCode(error.code());
      if (error == Errors.NONE) {
        writes.add(deleteGroupDurably(h).whenComplete((ok, err) -> {
          if (err != null) {
            r.setErrorCode(appendError(err).code());
          }
        }));
      }
    }
    CompletableFuture.allOf(writes.toArray(new CompletableFuture[0])).whenComplete((x, err) -> result.complete(resp));
  }

  private void offsetDelete(KafkaRequest request, CompletableFuture<ApiMessage> result) {
    OffsetDeleteRequestData d = request.data();
    OffsetDeleteResponseData resp = new OffsetDeleteResponseData();
    Errors error = coordinatorError(d.groupId());
    GroupHolder h = error == Errors.NONE ? groups.get(d.groupId()) : null;
    if (error == Errors.NONE && (h == null || h.group.state() == GroupState.DEAD)) {
      error = Errors.GROUP_ID_NOT_FOUND;
    }
    if (error != Errors.NONE) {
      result.complete(resp.setErrorCode(error.code()));
      return;
    }
    Set<String> subscribed = subscribedTopics(h.group);
    if (subscribed == null) {
      result.complete(resp.setErrorCode(Errors.NON_EMPTY_GROUP.code()));
      return;
    }
    List<byte[][]> kvs = new ArrayList<>();
    List<TopicPartition> deleted = new ArrayList<>();
    for (OffsetDeleteRequestData.OffsetDeleteRequestTopic t : d.topics()) {
      OffsetDeleteResponseData.OffsetDeleteResponseTopic rt = new OffsetDeleteResponseData.OffsetDeleteResponseTopic().setName(t.name());
      resp.topics().add(rt);
      for (OffsetDeleteRequestData.OffsetDeleteRequestPartition p : t.partitions()) {
        Errors e = subscribed.contains(t.name()) ? Errors.GROUP_SUBSCRIBED_TO_TOPIC : Errors.NONE;
        rt.partitions().add(new OffsetDeleteResponseData.OffsetDeleteResponsePartition().setPartitionIndex(p.partitionIndex())
            .setErrorCode(e.code()));
        TopicPartition tp = new TopicPartition(t.name(), p.partitionIndex());
        if (e == Errors.NONE && h.offsets.containsKey(tp)) {
          kvs.add(new byte[][] {OffsetsTopicFormat.offsetKey(d.groupId(), tp), null});
          deleted.add(tp);
        }
      }
    }
    if (kvs.isEmpty()) {
      result.complete(resp);
      return;
    }
    GroupHolder holder = h;
    append(h.partition, kvs).whenComplete((ok, err) -> {
      if (err != null) {
        result.complete(new OffsetDeleteResponseData().setErrorCode(appendError(err).code()));
        return;
      }
      deleted.forEach(holder.offsets::remove);
      result.complete(resp);
    });
  }

  /** Topics the members of an active consumer group subscribe to (empty for Empty groups), null if unknown. */
  private static Set<String> subscribedTopics(ClassicGroup g) {
    if (g.state() == GroupState.EMPTY) {
      return Set.of();
    }
    if (!ConsumerProtocol.PROTOCOL_TYPE.equals(g.protocolType())) {
      return null;
    }
    Set<String> topics = new HashSet<>();
    try {
      for (byte[] md : g.memberMetadata()) {
        ConsumerPartitionAssignor.Subscription s = ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(md));
        topics.addAll(s.topics());
      }
    } catch (RuntimeException e) {
      return null;
    }
    return topics;
  }

  private void dropIfDeadAndEmpty(GroupHolder h) {
    // Groups that were created by a failed join (e.g. INVALID_SESSION_TIMEOUT) and hold nothing are forgotten.
    if (h.group.state() == GroupState.EMPTY && h.group.size() == 0 && h.offsets.isEmpty() && h.inFlight.isEmpty()
        && h.group.generationId() == 0 && !h.group.hasPendingMembers()) {
      groups.remove(h.group.groupId(), h);
    }
  }

  // ------------------------------------------------------------------ FindCoordinator

  /** Answers on the caller's (network) thread from the metadata image; creates the offsets topic on first need. */
  private ApiMessage findCoordinator(KafkaRequest request) {
    FindCoordinatorRequestData d = request.data();
    short v = request.version();
    FindCoordinatorResponseData resp = new FindCoordinatorResponseData();
    byte keyType = v >= 1 ? d.keyType() : 0;
    if (v >= 4) {
      for (String key : d.coordinatorKeys()) {
        FindCoordinatorResponseData.Coordinator c = new FindCoordinatorResponseData.Coordinator().setKey(key);
        locate(keyType, key, (error, msg, broker) -> c.setErrorCode(error.code()).setErrorMessage(msg)
            .setNodeId(broker == null ? -1 : broker.id()).setHost(broker == null ? "" : broker.host())
            .setPort(broker == null ? -1 : broker.port()));
        resp.coordinators().add(c);
      }
      return resp;
    }
    locate(keyType, d.key(), (error, msg, broker) -> {
      resp.setErrorCode(error.code()).setNodeId(broker == null ? -1 : broker.id())
          .setHost(broker == null ? "" : broker.host()).setPort(broker == null ? -1 : broker.port());
      if (v >= 1) {
        resp.setErrorMessage(msg);
      }
    });
    return resp;
  }

  private interface Located {
    void accept(Errors error, String message, BrokerInfo broker);
  }

  private void locate(byte keyType, String key, Located out) {
    if (keyType != FindCoordinatorRequest.CoordinatorType.GROUP.id()) {
      out.accept(Errors.COORDINATOR_NOT_AVAILABLE, "only group coordinators are served (no transactions, no share groups)", null);
      return;
    }
    if (key == null || key.isEmpty()) {
      out.accept(Errors.INVALID_REQUEST, "empty group id", null);
      return;
    }
    ClusterImage image = replicas.image();
    Optional<TopicInfo> topic = image.topic(OffsetsTopicFormat.TOPIC);
    if (topic.isEmpty()) {
      createOffsetsTopic();
      out.accept(Errors.COORDINATOR_NOT_AVAILABLE, OffsetsTopicFormat.TOPIC + " is being created", null);
      return;
    }
    int p = OffsetsTopicFormat.partitionFor(key, topic.get().partitionCount());
    PartitionState state = image.partition(new TopicPartition(OffsetsTopicFormat.TOPIC, p)).orElse(null);
    BrokerInfo leader = state == null ? null : image.brokers().get(state.leader());
    if (leader == null) {
      out.accept(Errors.COORDINATOR_NOT_AVAILABLE, OffsetsTopicFormat.TOPIC + "-" + p + " has no live leader", null);
      return;
    }
    out.accept(Errors.NONE, null, leader);
  }

  private void createOffsetsTopic() {
    if (!creatingTopic.compareAndSet(false, true)) {
      return;
    }
    Thread t = new Thread(() -> {
      try {
        int live = replicas.image().liveBrokers().size();
        int rf = Math.max(1, Math.min(config.offsetsTopicReplicationFactor(), live));
        topics.create(new TopicAdmin.NewTopic(OffsetsTopicFormat.TOPIC, config.offsetsTopicPartitions(), rf,
            new TreeMap<>(), Map.of("cleanup.policy", "compact")), false);
        log.info("created {} with {} partitions, replication factor {}", OffsetsTopicFormat.TOPIC,
            config.offsetsTopicPartitions(), rf);
      } catch (TopicExistsException e) {
        // another broker created it first
      } catch (Exception e) {
        log.warn("could not create {} (retried on the next FindCoordinator): {}", OffsetsTopicFormat.TOPIC, e.toString());
      } finally {
        creatingTopic.set(false);
      }
    }, "create-offsets-topic");
    t.setDaemon(true);
    t.start();
  }

  // ------------------------------------------------------------------ for tests

  /** Runs {@code f} on the coordinator thread (tests inspect state with it). */
  <T> T onCoordinatorThread(Function<GroupCoordinator, T> f) throws Exception {
    CompletableFuture<T> r = new CompletableFuture<>();
    thread.execute(() -> {
      try {
        r.complete(f.apply(this));
      } catch (Throwable t) {
        r.completeExceptionally(t);
      }
    });
    return r.get(10, TimeUnit.SECONDS);
  }

  Map<TopicPartition, CommittedOffset> committed(String groupId) {
    GroupHolder h = groups.get(groupId);
    return h == null ? Map.of() : Map.copyOf(h.offsets);
  }
}
