package io.tributary.log.group;

import io.tributary.log.cluster.ClusterImage;
import io.tributary.log.cluster.TopicInfo;
import io.tributary.log.group.ClassicGroup.JoinRequest;
import io.tributary.log.group.GroupEffect.JoinReply;
import io.tributary.log.group.GroupEffect.JoinResult;
import io.tributary.log.group.GroupEffect.PersistGroup;
import io.tributary.log.group.GroupEffect.SyncReply;
import io.tributary.log.group.GroupEffect.SyncResult;
import io.tributary.log.group.OffsetManager.CommitRequest;
import io.tributary.log.group.OffsetManager.Fetched;
import io.tributary.log.group.OffsetManager.LoadedGroup;
import io.tributary.log.group.OffsetsTopicFormat.CommittedOffset;
import io.tributary.log.storage.AppendResult;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group actor of one broker: one thread ({@code group-coordinator-N}) owns every group this broker
 * coordinates, their {@link ClassicGroup} state machines and their {@link OffsetManager}, and does their I/O.
 *
 * <ul>
 *   <li>Every group hashes onto a partition of {@code __consumer_offsets}; the broker leading that partition
 *       coordinates the group. Leadership is observed both from the host's listener and by a reconciliation
 *       every {@link #TICK_MS} ms (and inline before a request), so a missed callback only delays a load.</li>
 *   <li>Becoming leader of an offsets partition loads it (replays it from the log start to the log end);
 *       resigning drops its groups. Commits and group metadata are appended with acks=all semantics
 *       ({@code appendAndWait}) before they are acknowledged or applied.</li>
 *   <li>Requests are handed to the thread with {@link #execute}; every other method runs on it. Parked
 *       JoinGroup/SyncGroup answers complete from it. A timer on the same thread drives session, join and
 *       sync timeouts ({@link ClassicGroup#tick}) and offset retention.</li>
 * </ul>
 */
final class GroupActor {
  private static final Logger log = LoggerFactory.getLogger(GroupActor.class);
  static final long TICK_MS = 100;
  /** How long {@link #close} waits for the groups to be unloaded. */
  static final long CLOSE_TIMEOUT_MS = 5_000;

  private final GroupCoordinatorConfig config;
  private final CoordinatorHost host;
  private final Time time;
  private final ScheduledExecutorService thread;
  private volatile boolean closed;

  // ---- state below: only on the actor thread ----
  /** Offsets partitions loaded here, with the leader epoch they were loaded at. */
  private final Map<Integer, Integer> owned = new HashMap<>();
  private final Map<String, GroupHolder> groups = new HashMap<>();
  private final OffsetManager offsets;
  private final TxnOffsets txnOffsets = new TxnOffsets();
  private final Map<Long, CompletableFuture<JoinResult>> parkedJoins = new HashMap<>();
  private final Map<Long, CompletableFuture<SyncResult>> parkedSyncs = new HashMap<>();
  private long nextToken;
  private long lastRetentionCheckMs;

  /** A group and the offsets partition it lives on. */
  private static final class GroupHolder {
    final int partition;
    final ClassicGroup group;

    GroupHolder(int partition, ClassicGroup group) {
      this.partition = partition;
      this.group = group;
    }
  }

  /** The outcome of an OffsetDelete: a group-level error, or one error per partition asked for. */
  record OffsetDeleteResult(Errors error, Map<TopicPartition, Errors> partitions) {}

  GroupActor(GroupCoordinatorConfig config, CoordinatorHost host, Time time) {
    this.config = config;
    this.host = host;
    this.time = time;
    this.offsets = new OffsetManager(config.offsetsRetentionMs());
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "group-coordinator-" + config.brokerId());
      t.setDaemon(true);
      return t;
    });
  }

  /** Registers for leadership changes and starts the timer. */
  void start() {
    host.addLeadershipListener(tp -> {
      if (tp.topic().equals(OffsetsTopicFormat.TOPIC) && !closed) {
        thread.execute(this::reconcile);
      }
    });
    lastRetentionCheckMs = time.milliseconds();
    thread.scheduleWithFixedDelay(this::safeTick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
  }

  boolean isClosed() {
    return closed;
  }

  /** Runs {@code task} on the actor thread (throws RejectedExecutionException once closed). */
  void execute(Runnable task) {
    thread.execute(task);
  }

  /** The committed offsets of the groups coordinated here (call on the actor thread). */
  Map<String, Map<TopicPartition, Long>> committedOffsets() {
    return offsets.committedOffsets();
  }

  void close() {
    closed = true;
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      thread.execute(() -> {
        for (int p : new ArrayList<>(owned.keySet())) {
          unload(p);
        }
        done.complete(null);
      });
      done.get(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("group coordinator of broker {} did not unload cleanly", config.brokerId(), e);
    }
    thread.shutdownNow();
  }

  // ------------------------------------------------------------------ leadership and loading

  private int offsetsPartitions() {
    return host.image().topic(OffsetsTopicFormat.TOPIC).map(TopicInfo::partitionCount)
        .orElse(config.offsetsTopicPartitions());
  }

  private int leaderEpochHere(int p) {
    return host.leaderEpochHere(new TopicPartition(OffsetsTopicFormat.TOPIC, p));
  }

  /** Brings the loaded partitions in line with this broker's leadership. */
  private void reconcile() {
    Optional<TopicInfo> topic = host.image().topic(OffsetsTopicFormat.TOPIC);
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
    long start = time.milliseconds();
    OffsetsLoader.Loaded read = OffsetsLoader.read(tp, host.log(tp));
    long now = time.milliseconds();
    List<LoadedGroup> loaded = read.replay().groups(now);
    for (LoadedGroup g : loaded) {
      ClassicGroup group = g.snapshot() == null
          ? new ClassicGroup(g.groupId(), config.groups(), GroupActor::uuid, g.emptySinceMs())
          : ClassicGroup.restore(g.snapshot(), config.groups(), GroupActor::uuid, now);
      groups.put(g.groupId(), new GroupHolder(p, group));
      offsets.restore(g.groupId(), g.offsets(), read.replay().appendOffsets(g.groupId()));
    }
    read.replay().openTransactionsWithOffsets().forEach((producerId, entries) -> entries.forEach(e -> txnOffsets.add(p,
        producerId, e.entry().group(), Map.of(e.entry().tp(), e.entry().value()), e.logOffset())));
    read.transactionalWriters().forEach((producerId, w) -> txnOffsets.wrote(p, producerId, w.epoch(), w.lastSequence()));
    owned.put(p, epoch);
    log.info("broker {} loaded {} at leader epoch {}: {} records up to offset {} ({} undecodable, skipped), {} groups, in {} ms",
        config.brokerId(), tp, epoch, read.records(), read.endOffset(), read.undecodable(), loaded.size(),
        time.milliseconds() - start);
  }

  /** Drops the groups of partition {@code p}: parked requests are told NOT_COORDINATOR and find the new one. */
  private void unload(int p) {
    owned.remove(p);
    txnOffsets.unload(p);
    long now = time.milliseconds();
    int count = 0;
    for (var it = groups.entrySet().iterator(); it.hasNext(); ) {
      GroupHolder h = it.next().getValue();
      if (h.partition == p) {
        process(h, h.group.kill(Errors.NOT_COORDINATOR, now), false);
        it.remove();
        offsets.forget(h.group.groupId());
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
    if (now - lastRetentionCheckMs >= config.offsetsRetentionCheckIntervalMs()) {
      lastRetentionCheckMs = now;
      expireOffsets(now);
    }
  }

  /** Deletes (tombstones, then drops) the groups whose offsets expired ({@link OffsetManager#expired}). */
  private void expireOffsets(long now) {
    for (GroupHolder h : new ArrayList<>(groups.values())) {
      String g = h.group.groupId();
      if (!offsets.expired(g, h.group.state(), h.group.stateSinceMs(), now)) {
        continue;
      }
      log.info("group {} has been empty since {} (offsets.retention.minutes={}): deleting its {} committed offsets",
          g, offsets.lastActivityMs(g, h.group.stateSinceMs()), offsets.retentionMs() / 60_000, offsets.committed(g).size());
      deleteGroupDurably(h).whenComplete((ok, err) -> {
        if (err != null) {
          log.warn("could not write the expiry of group {}: {}", g, err.toString());
        }
      });
    }
  }

  /** Writes tombstones for all offsets and the group, then removes it. */
  private CompletableFuture<Void> deleteGroupDurably(GroupHolder h) {
    String g = h.group.groupId();
    List<byte[][]> kvs = new ArrayList<>();
    for (TopicPartition tp : offsets.committed(g).keySet()) {
      kvs.add(new byte[][] {OffsetsTopicFormat.offsetKey(g, tp), null});
    }
    kvs.add(new byte[][] {OffsetsTopicFormat.groupKey(g), null});
    process(h, h.group.kill(Errors.COORDINATOR_NOT_AVAILABLE, time.milliseconds()), false);
    groups.remove(g);
    offsets.forget(g);
    return append(h.partition, kvs);
  }

  // ------------------------------------------------------------------ effects and appends

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
      CompletableFuture<JoinResult> parked = parkedJoins.remove(jr.token());
      if (parked != null) {
        parked.complete(jr.result());
      }
    } else if (e instanceof SyncReply sr) {
      CompletableFuture<SyncResult> parked = parkedSyncs.remove(sr.token());
      if (parked != null) {
        SyncResult r = sr.result();
        parked.complete(persistError != Errors.NONE && r.error() == Errors.NONE ? SyncResult.error(persistError) : r);
      }
    }
  }

  /** Appends records to offsets partition {@code p} with acks=all; completes on the actor thread. */
  private CompletableFuture<Void> append(int p, List<byte[][]> kvs) {
    return append(p, OffsetsTopicFormat.records(time.milliseconds(), kvs));
  }

  private CompletableFuture<Void> append(int p, MemoryRecords records) {
    return appendAt(p, records).thenApply(at -> null);
  }

  /** As {@link #append(int, MemoryRecords)}; completes with the log offset of the batch's first record. */
  private CompletableFuture<Long> appendAt(int p, MemoryRecords records) {
    TopicPartition tp = new TopicPartition(OffsetsTopicFormat.TOPIC, p);
    CompletableFuture<Long> done = new CompletableFuture<>();
    CompletableFuture<AppendResult> f;
    try {
      f = host.appendAndWait(tp, records, config.offsetsCommitTimeoutMs());
    } catch (Exception e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.whenComplete((r, err) -> {
      try {
        thread.execute(() -> {
          if (err != null) {
            done.completeExceptionally(err);
          } else {
            done.complete(r.firstOffset());
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

  // ------------------------------------------------------------------ groups, on the actor thread

  /** NONE if this broker coordinates {@code groupId} (loading its partition if needed), else the error. */
  Errors coordinatorError(String groupId) {
    if (groupId == null || groupId.isEmpty()) {
      return Errors.INVALID_GROUP_ID;
    }
    if (host.image().topic(OffsetsTopicFormat.TOPIC).isEmpty()) {
      return Errors.COORDINATOR_NOT_AVAILABLE;
    }
    int p = OffsetsTopicFormat.partitionFor(groupId, offsetsPartitions());
    if (leaderEpochHere(p) < 0) {
      return Errors.NOT_COORDINATOR;
    }
    return ensureLoaded(p) ? Errors.NONE : Errors.COORDINATOR_LOAD_IN_PROGRESS;
  }

  /** The group, null if this broker holds none by that id (call {@link #coordinatorError} first). */
  ClassicGroup group(String groupId) {
    GroupHolder h = groups.get(groupId);
    return h == null ? null : h.group;
  }

  /** Every group loaded here (after bringing the loaded partitions in line with leadership), by id. */
  List<ClassicGroup> allGroups() {
    reconcile();
    return groups.values().stream().map(h -> h.group).sorted(Comparator.comparing(ClassicGroup::groupId)).toList();
  }

  private GroupHolder holder(String groupId, boolean create) {
    GroupHolder h = groups.get(groupId);
    if (h == null && create) {
      int p = OffsetsTopicFormat.partitionFor(groupId, offsetsPartitions());
      h = new GroupHolder(p, new ClassicGroup(groupId, config.groups(), GroupActor::uuid, time.milliseconds()));
      groups.put(groupId, h);
    }
    return h;
  }

  private static String uuid() {
    return UUID.randomUUID().toString();
  }

  private void dropIfDeadAndEmpty(GroupHolder h) {
    // Groups that were created by a failed join (e.g. INVALID_SESSION_TIMEOUT) and hold nothing are forgotten.
    String g = h.group.groupId();
    if (h.group.state() == GroupState.EMPTY && h.group.size() == 0 && offsets.holdsNothing(g)
        && h.group.generationId() == 0 && !h.group.hasPendingMembers()) {
      if (groups.remove(g, h)) {
        offsets.forget(g);
      }
    }
  }

  CompletableFuture<JoinResult> join(String groupId, JoinRequest request) {
    Errors error = coordinatorError(groupId);
    if (error != Errors.NONE) {
      return CompletableFuture.completedFuture(JoinResult.error(error, request.memberId()));
    }
    GroupHolder h = holder(groupId, true);
    CompletableFuture<JoinResult> answer = new CompletableFuture<>();
    long token = nextToken++;
    parkedJoins.put(token, answer);
    process(h, h.group.join(request, token, time.milliseconds()), true);
    dropIfDeadAndEmpty(h);
    return answer;
  }

  CompletableFuture<SyncResult> sync(String groupId, String memberId, String groupInstanceId, int generationId,
      String protocolType, String protocolName, Map<String, byte[]> assignments) {
    Errors error = coordinatorError(groupId);
    GroupHolder h = error == Errors.NONE ? groups.get(groupId) : null;
    if (error == Errors.NONE && h == null) {
      error = Errors.UNKNOWN_MEMBER_ID;
    }
    if (error != Errors.NONE) {
      return CompletableFuture.completedFuture(SyncResult.error(error));
    }
    CompletableFuture<SyncResult> answer = new CompletableFuture<>();
    long token = nextToken++;
    parkedSyncs.put(token, answer);
    process(h, h.group.sync(memberId, groupInstanceId, generationId, protocolType, protocolName, assignments, token,
        time.milliseconds()), true);
    return answer;
  }

  Errors heartbeat(String groupId, String memberId, String groupInstanceId, int generationId) {
    Errors error = coordinatorError(groupId);
    if (error != Errors.NONE) {
      return error;
    }
    GroupHolder h = groups.get(groupId);
    return h == null ? Errors.UNKNOWN_MEMBER_ID
        : h.group.heartbeat(memberId, groupInstanceId, generationId, time.milliseconds());
  }

  /** One member leaves a group this broker coordinates ({@link #coordinatorError} was NONE). */
  Errors leave(String groupId, String memberId, String groupInstanceId) {
    GroupHolder h = groups.get(groupId);
    if (h == null) {
      return Errors.UNKNOWN_MEMBER_ID;
    }
    ClassicGroup.LeaveResult r = h.group.leave(memberId, groupInstanceId, time.milliseconds());
    process(h, r.effects(), true);
    return r.error();
  }

  /**
   * An OffsetCommit: the error of every partition (in the order given), once the accepted ones are durable
   * (appended with acks=all) and applied.
   */
  CompletableFuture<Map<TopicPartition, Errors>> commit(String groupId, String memberId, String groupInstanceId,
      int generationId, Map<TopicPartition, CommitRequest> requested) {
    long now = time.milliseconds();
    Errors error = coordinatorError(groupId);
    GroupHolder h = null;
    if (error == Errors.NONE) {
      h = groups.get(groupId);
      if (h == null) {
        if (generationId < 0) {
          h = holder(groupId, true); // a simple (non-member) commit creates an Empty group
        } else {
          error = Errors.ILLEGAL_GENERATION;
        }
      }
      if (h != null) {
        error = h.group.validateOffsetCommit(memberId, groupInstanceId, generationId, now);
      }
    }
    Map<TopicPartition, Errors> result = new LinkedHashMap<>();
    Map<TopicPartition, CommittedOffset> toWrite = accepted(error, requested, now, result);
    if (toWrite.isEmpty()) {
      return CompletableFuture.completedFuture(result);
    }
    List<byte[][]> kvs = offsetRecords(groupId, toWrite);
    GroupHolder holder = h;
    int epoch = owned.getOrDefault(holder.partition, -1);
    offsets.beginCommit(groupId, toWrite.keySet());
    return appendAt(holder.partition, OffsetsTopicFormat.records(time.milliseconds(), kvs)).handle((at, err) -> {
      if (groups.get(groupId) == holder) {
        // Durable (acks=all): applied if this broker still serves the group at the same epoch.
        offsets.endCommit(groupId, toWrite, err == null && owned.getOrDefault(holder.partition, -2) == epoch,
            at == null ? Long.MAX_VALUE : at);
      }
      if (err != null) {
        Errors appendError = appendError(err);
        log.warn("offset commit of group {} ({} partitions) failed: {}", groupId, toWrite.size(), err.toString());
        toWrite.keySet().forEach(tp -> result.put(tp, appendError));
      }
      return result;
    });
  }

  /**
   * The partitions of a commit that are written: every one gets its error in {@code result} (the group's
   * {@code error} if not NONE, else its own); the accepted ones are returned as the offsets to store.
   */
  private Map<TopicPartition, CommittedOffset> accepted(Errors error, Map<TopicPartition, CommitRequest> requested,
      long now, Map<TopicPartition, Errors> result) {
    Map<TopicPartition, CommittedOffset> toWrite = new LinkedHashMap<>();
    ClusterImage image = host.image();
    for (Map.Entry<TopicPartition, CommitRequest> e : requested.entrySet()) {
      TopicPartition tp = e.getKey();
      Errors pe = error == Errors.NONE ? OffsetManager.validate(image.partition(tp).isPresent(), e.getValue().metadata())
          : error;
      result.put(tp, pe);
      if (pe == Errors.NONE) {
        toWrite.put(tp, OffsetManager.toCommitted(e.getValue(), now));
      }
    }
    return toWrite;
  }

  private static List<byte[][]> offsetRecords(String groupId, Map<TopicPartition, CommittedOffset> offsets) {
    List<byte[][]> kvs = new ArrayList<>();
    offsets.forEach((tp, o) -> kvs.add(new byte[][] {OffsetsTopicFormat.offsetKey(groupId, tp),
        OffsetsTopicFormat.offsetValue(o)}));
    return kvs;
  }

  /** The committed offsets of a group this broker coordinates ({@code wanted} null = all it has). */
  List<Fetched> fetch(String groupId, Map<String, List<Integer>> wanted, boolean requireStable) {
    List<Fetched> fetched = offsets.fetch(groupId, wanted, requireStable);
    if (!requireStable || !txnOffsets.hasPending(groupId)) {
      return fetched;
    }
    // An offset an open transaction may still commit is not stable: the client retries (KIP-447).
    return fetched.stream().map(f -> txnOffsets.isPending(groupId, f.tp())
        ? new Fetched(f.tp(), null, Errors.UNSTABLE_OFFSET_COMMIT) : f).toList();
  }

  /**
   * A TxnOffsetCommit: the offsets are appended as a transactional batch of the producer (acks=all) and
   * stay pending until the transaction's marker reaches the offsets partition ({@link #onTxnMarker}).
   * A member of a generation is checked as OffsetCommit checks it; a producer without group metadata
   * (generation -1, no member id) is not.
   */
  CompletableFuture<Map<TopicPartition, Errors>> txnCommit(String groupId, long producerId, short producerEpoch,
      String memberId, String groupInstanceId, int generationId, Map<TopicPartition, CommitRequest> requested) {
    long now = time.milliseconds();
    if (producerId < 0 || producerEpoch < 0) {
      // No transactional producer has these; a batch with them cannot even be built (found by the fuzzer).
      Errors refused = producerId < 0 ? Errors.INVALID_PRODUCER_ID_MAPPING : Errors.INVALID_PRODUCER_EPOCH;
      log.warn("TxnOffsetCommit of group {} with producer id {} and epoch {}: {}", groupId, producerId, producerEpoch, refused);
      Map<TopicPartition, Errors> result = new LinkedHashMap<>();
      requested.keySet().forEach(tp -> result.put(tp, refused));
      return CompletableFuture.completedFuture(result);
    }
    Errors error = coordinatorError(groupId);
    GroupHolder h = error == Errors.NONE ? holder(groupId, true) : null;
    boolean withoutGroupMetadata = generationId < 0 && (memberId == null || memberId.isEmpty()) && groupInstanceId == null;
    if (h != null && !withoutGroupMetadata) {
      error = h.group.validateOffsetCommit(memberId, groupInstanceId, generationId, now);
    }
    Map<TopicPartition, Errors> result = new LinkedHashMap<>();
    Map<TopicPartition, CommittedOffset> toWrite = accepted(error, requested, now, result);
    if (toWrite.isEmpty()) {
      return CompletableFuture.completedFuture(result);
    }
    List<byte[][]> kvs = offsetRecords(groupId, toWrite);
    GroupHolder holder = h;
    int p = holder.partition;
    int epoch = owned.getOrDefault(p, -1);
    int sequence = txnOffsets.nextSequence(p, producerId, producerEpoch);
    // Counted as written whatever the outcome: a batch that timed out waiting for replicas is in the log.
    txnOffsets.wrote(p, producerId, producerEpoch, sequence + kvs.size() - 1);
    MemoryRecords records = OffsetsTopicFormat.transactionalRecords(now, producerId, producerEpoch, sequence, kvs);
    return appendAt(p, records).handle((at, err) -> {
      if (err != null) {
        Errors appendError = appendError(err);
        log.warn("transactional offset commit of group {} by producer {} ({} partitions) failed: {}", groupId,
            producerId, toWrite.size(), err.toString());
        toWrite.keySet().forEach(tp -> result.put(tp, appendError));
      } else if (owned.getOrDefault(p, -2) == epoch) {
        txnOffsets.add(p, producerId, groupId, toWrite, at);
      }
      return result;
    });
  }

  /**
   * A transaction marker of {@code producerId} was written to offsets partition {@code offsetsPartition}
   * (and replicated): its pending offsets there become committed, or are dropped.
   */
  void onTxnMarker(int offsetsPartition, long producerId, boolean commit) {
    if (!owned.containsKey(offsetsPartition)) {
      return; // not loaded here: a later load replays the marker
    }
    // Each offset applies only over one written before it (a plain commit between its record and this
    // marker is newer and stays), as Kafka compares log offsets.
    txnOffsets.completeWithLogOffsets(offsetsPartition, producerId, commit).forEach((groupId, committed) -> {
      holder(groupId, true);
      committed.forEach((tp, c) -> offsets.applyCommitted(groupId, tp, c.offset(), c.logOffset()));
    });
  }

  /** DeleteGroups of one group: NONE once its tombstones are written, else why not. */
  CompletableFuture<Errors> delete(String groupId) {
    Errors error = coordinatorError(groupId);
    GroupHolder h = error == Errors.NONE ? groups.get(groupId) : null;
    if (error == Errors.NONE && (h == null || h.group.state() == GroupState.DEAD)) {
      error = Errors.GROUP_ID_NOT_FOUND;
    } else if (error == Errors.NONE && h.group.state() != GroupState.EMPTY) {
      error = Errors.NON_EMPTY_GROUP;
    }
    if (error != Errors.NONE) {
      return CompletableFuture.completedFuture(error);
    }
    return deleteGroupDurably(h).handle((ok, err) -> err == null ? Errors.NONE : appendError(err));
  }

  /** OffsetDelete: offsets of topics the group does not subscribe to are deleted (tombstones, then memory). */
  CompletableFuture<OffsetDeleteResult> deleteOffsets(String groupId, Collection<TopicPartition> requested) {
    Errors error = coordinatorError(groupId);
    GroupHolder h = error == Errors.NONE ? groups.get(groupId) : null;
    if (error == Errors.NONE && (h == null || h.group.state() == GroupState.DEAD)) {
      error = Errors.GROUP_ID_NOT_FOUND;
    }
    if (error != Errors.NONE) {
      return CompletableFuture.completedFuture(new OffsetDeleteResult(error, Map.of()));
    }
    Set<String> subscribed = OffsetManager.subscribedTopics(h.group);
    if (subscribed == null) {
      return CompletableFuture.completedFuture(new OffsetDeleteResult(Errors.NON_EMPTY_GROUP, Map.of()));
    }
    Map<TopicPartition, Errors> partitions = new LinkedHashMap<>();
    List<byte[][]> kvs = new ArrayList<>();
    List<TopicPartition> deleted = new ArrayList<>();
    Map<TopicPartition, CommittedOffset> committed = offsets.committed(groupId);
    for (TopicPartition tp : requested) {
      Errors e = subscribed.contains(tp.topic()) ? Errors.GROUP_SUBSCRIBED_TO_TOPIC : Errors.NONE;
      partitions.put(tp, e);
      if (e == Errors.NONE && committed.containsKey(tp)) {
        kvs.add(new byte[][] {OffsetsTopicFormat.offsetKey(groupId, tp), null});
        deleted.add(tp);
      }
    }
    OffsetDeleteResult result = new OffsetDeleteResult(Errors.NONE, partitions);
    if (kvs.isEmpty()) {
      return CompletableFuture.completedFuture(result);
    }
    return append(h.partition, kvs).handle((ok, err) -> {
      if (err != null) {
        return new OffsetDeleteResult(appendError(err), Map.of());
      }
      if (groups.get(groupId) == h) {
        offsets.delete(groupId, deleted);
      }
      return result;
    });
  }
}
