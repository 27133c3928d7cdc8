package io.tributary.log.broker;

import io.tributary.log.cluster.BrokerInfo;
import io.tributary.log.cluster.ClusterImage;
import io.tributary.log.cluster.ClusterStore;
import io.tributary.log.cluster.PartitionState;
import io.tributary.log.cluster.TopicInfo;
import io.tributary.log.metrics.BrokerMetrics;
import io.tributary.log.replication.LeaderReplicaState;
import io.tributary.log.replication.ReplicaFetcherManager;
import io.tributary.log.storage.AbortedTxn;
import io.tributary.log.storage.AppendResult;
import io.tributary.log.storage.LogConfig;
import io.tributary.log.storage.LogManager;
import io.tributary.log.storage.LogReadResult;
import io.tributary.log.storage.PartitionLog;
import io.tributary.log.storage.VerificationGuard;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.Records;
import org.apache.kafka.common.requests.DeleteRecordsRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions this broker hosts, kept in line with the cluster metadata: creates local logs for
 * partitions assigned here, makes this broker leader or follower as ZooKeeper says (followers fetch
 * through the {@link ReplicaFetcherManager}), writes the leader's ISR changes back, and serves the read
 * and write paths, with purgatories for long-poll fetches, acks=all produces and DeleteRecords.
 *
 * <p>Why one file of ~650 lines: the three waits (acks=all, long-poll fetch, DeleteRecords' low watermark) are
 * completed by the same leadership and replication events this class applies, under its lock; the decisions
 * themselves live in pure classes ({@code LeaderReplicaState}, {@link Partition#lowWatermark},
 * {@link SuspendedSessionFence}). The next seam to cut is the offset lookups (ListOffsets, OffsetForLeaderEpoch),
 * which need only {@link #leaderPartition}.
 */
public final class ReplicaManager implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReplicaManager.class);
  /** How long a reconnected broker waits for ZooKeeper's sync before re-reading partition states. */
  private static final long SESSION_RESYNC_TIMEOUT_MS = 10_000;

  private final int brokerId;
  private final LogManager logs;
  private final Map<String, String> topicDefaults;
  private final BrokerConfig config;
  private final ClusterStore store;
  private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
  private final Purgatory fetchPurgatory = new Purgatory("fetch");
  private final Purgatory producePurgatory = new Purgatory("produce");
  private final Purgatory deleteRecordsPurgatory = new Purgatory("delete-records");
  private final ReplicaFetcherManager fetchers;
  private final ExecutorService isrWriter = Executors.newSingleThreadExecutor(daemon("isr-writer"));
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon("replica-ticker"));
  private final List<LeadershipListener> leadershipListeners = new CopyOnWriteArrayList<>();
  private final List<TxnMarkerListener> txnMarkerListeners = new CopyOnWriteArrayList<>();
  private final SuspendedSessionFence sessionFence;
  private final BrokerMetrics metrics;
  private volatile ClusterImage image = ClusterImage.EMPTY;
  private final ReplicationThrottles throttles;
  private final DynamicBrokerConfigs dynamicConfigs;

  /** Told when this broker starts or stops leading a partition (on the metadata thread). */
  public interface LeadershipListener {
    void onBecomeLeader(TopicPartition tp, int leaderEpoch);

    void onResign(TopicPartition tp);
  }

  public ReplicaManager(BrokerConfig config, LogManager logs, ClusterStore store, BrokerMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
    this.brokerId = config.brokerId();
    this.logs = logs;
    this.store = store;
    this.topicDefaults = config.topicDefaults();
    this.sessionFence = new SuspendedSessionFence(SuspendedSessionFence.boundMs(config.zookeeperSessionTimeoutMs()));
    this.fetchers = new ReplicaFetcherManager(brokerId, config.replicaFetchMaxBytes(), config.replicaFetchWaitMaxMs(),
        config.replicaSocketTimeoutMs(), InterBrokerSecurity.clientSecurity(config), new FollowerSink());
    this.throttles = new ReplicationThrottles(brokerId, () -> image);
    fetchers.setThrottle(throttles);
    this.dynamicConfigs = new DynamicBrokerConfigs(store, brokerId, throttles);
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  public void startup() {
    long tickMs = Math.max(100, Math.min(1000, config.replicaLagTimeMaxMs() / 4));
    ticker.scheduleWithFixedDelay(this::tickLeaders, tickMs, tickMs, TimeUnit.MILLISECONDS);
  }

  /** The ZooKeeper connection is suspended: leading stops if it stays so past {@link SuspendedSessionFence}'s bound. */
  public void sessionSuspended() {
    sessionFence.suspended(System.currentTimeMillis());
    try {
      ticker.schedule(this::fenceIfSuspendedTooLong, sessionFence.boundMs(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closing) {
      // the broker is stopping
    }
  }

  /** The ZooKeeper connection is back (the session may be new: the broker re-registers and calls {@link #reapplyImage}). */
  public void sessionConnected() {
    sessionFence.connected();
  }

  private void fenceIfSuspendedTooLong() {
    if (sessionFence.fenceDue(System.currentTimeMillis())) {
      log.warn("broker {}'s ZooKeeper session has been suspended for {} ms (a quarter of zookeeper.session.timeout.ms):"
          + " another broker may be elected leader soon", brokerId, sessionFence.boundMs());
      fenceAll();
    }
  }

  public int brokerId() {
    return brokerId;
  }

  Purgatory fetchPurgatory() {
    return fetchPurgatory;
  }

  public void addLeadershipListener(LeadershipListener listener) {
    leadershipListeners.add(listener);
  }

  /** Hooks the group coordinator into transaction markers written to {@code __consumer_offsets}. */
  public void addTxnMarkerListener(TxnMarkerListener listener) {
    txnMarkerListeners.add(listener);
  }

  List<TxnMarkerListener> txnMarkerListeners() {
    return txnMarkerListeners;
  }

  /** The partitions this broker hosts, as leader or follower. */
  public Collection<Partition> partitions() {
    return Collections.unmodifiableCollection(partitions.values());
  }

  /** This broker's dynamic configs (the replication throttle rates). */
  public DynamicBrokerConfigs dynamicConfigs() {
    return dynamicConfigs;
  }

  /** The replication throttles (dynamic broker configs and throttled-replica topic configs). */
  public ReplicationThrottles throttles() {
    return throttles;
  }

  public BrokerMetrics metrics() {
    return metrics;
  }

  public Optional<Partition> partition(TopicPartition tp) {
    return Optional.ofNullable(partitions.get(tp));
  }

  public ClusterImage image() {
    return image;
  }

  /** The leader's partition, or the Kafka error telling the client where to go. */
  public Partition leaderPartition(TopicPartition tp, int clientLeaderEpoch) {
    Partition p = partitions.get(tp);
    if (p == null) {
      if (image.partition(tp).isPresent()) {
        throw new NotLeaderOrFollowerException("broker " + brokerId + " does not host " + tp);
      }
      throw new UnknownTopicOrPartitionException("unknown topic-partition " + tp);
    }
    p.ensureLeader(clientLeaderEpoch);
    return p;
  }

  // ---- following the metadata ------------------------------------------------------------------

  /**
   * Brings local partitions in line with a new metadata image. Called on the metadata thread. The partitions that need
   * a new log are opened together first ({@link LogManager#getOrCreateAll}: in parallel, one log dir fsync per image),
   * so that a topic of many partitions (a fresh {@code __consumer_offsets}: 50) does not hold the metadata thread, and
   * with it the next image and the coordinator's answer, for one fsync-bound creation after another.
   */
  public synchronized void applyImage(ClusterImage next) {
    this.image = next;
    long now = System.currentTimeMillis();
    Map<TopicPartition, List<Integer>> assignedHere = new LinkedHashMap<>();
    Map<TopicPartition, TopicInfo> topicOf = new HashMap<>();
    List<LogManager.LogSpec> needLog = new ArrayList<>();
    for (TopicInfo topic : next.topics().values()) {
      for (Map.Entry<Integer, List<Integer>> e : topic.replicas().entrySet()) {
        if (!e.getValue().contains(brokerId)) {
          continue;
        }
        TopicPartition tp = new TopicPartition(topic.name(), e.getKey());
        assignedHere.put(tp, e.getValue());
        topicOf.put(tp, topic);
        Partition partition = partitions.get(tp);
        if (partition == null || !partition.log().topicId().equals(topic.id())) {
          if (partition != null) {
            partitions.remove(tp);
            resign(tp, partition);
          }
          needLog.add(new LogManager.LogSpec(tp, topic.id(), topic.configs()));
        }
      }
    }
    LogManager.Opened opened = needLog.isEmpty() ? null : logs.getOrCreateAll(needLog);
    for (Map.Entry<TopicPartition, List<Integer>> e : assignedHere.entrySet()) {
      TopicPartition tp = e.getKey();
      TopicInfo topic = topicOf.get(tp);
      try {
        Partition partition = partitions.get(tp);
        if (partition == null) {
          PartitionLog plog = opened == null ? null : opened.logs().get(tp);
          if (plog == null) {
            Exception why = opened == null ? null : opened.failures().get(tp);
            log.error("cannot open or update the log of {}", tp, why);
            continue;
          }
          partition = new Partition(tp, plog, brokerId, config.replicaLagTimeMaxMs());
          partitions.put(tp, partition);
        } else {
          partition.log().updateConfig(LogConfig.fromMap(topicDefaults, topic.configs()));
        }
        PartitionState state = next.partitions().get(tp);
        if (state != null) {
          applyState(partition, state, e.getValue(), next, now);
        }
      } catch (RuntimeException ex) {
        log.error("cannot open or update the log of {}", tp, ex);
      }
    }
    for (PartitionLog local : logs.all()) {
      TopicPartition tp = local.topicPartition();
      if (!assignedHere.containsKey(tp)) {
        unassigned(tp, local, next);
      }
    }
  }

  /**
   * A local log the metadata does not assign here: it stops being served, and is deleted only when the
   * controller marked its topic deleted or a completed reassignment moved the partition off this broker (same topic
   * id, replicas without it). Any other reason (a topic znode that reads as missing or damaged) keeps the data on disk.
   */
  private void unassigned(TopicPartition tp, PartitionLog local, ClusterImage next) {
    Partition served = partitions.remove(tp);
    if (served != null) {
      resign(tp, served);
    }
    if (next.isReassignedAway(tp, local.topicId(), brokerId)) {
      try {
        logs.delete(tp);
        log.info("deleted local log of {}: reassigned to brokers {}", tp, next.topics().get(tp.topic()).replicas().get(tp.partition()));
      } catch (IOException ex) {
        log.error("cannot delete the local log of {} at {}", tp, local.dir(), ex);
      }
    } else if (next.isDeleted(tp.topic(), local.topicId())) {
      try {
        logs.delete(tp);
        log.info("deleted local log of {} (topic {} deleted)", tp, local.topicId());
      } catch (IOException ex) {
        log.error("cannot delete the local log of {} at {}", tp, local.dir(), ex);
      }
    } else if (served != null) {
      log.warn("stopped serving {}: the metadata no longer assigns it to broker {}, but its topic is not marked deleted,"
          + " so its log stays at {}", tp, brokerId, local.dir());
    }
  }

  private void applyState(Partition partition, PartitionState state, List<Integer> replicas, ClusterImage next, long now) {
    TopicPartition tp = partition.topicPartition();
    boolean wasLeader = partition.isLeader();
    Partition.Transition t = partition.applyState(state, replicas, now);
    switch (t) {
      case BECAME_LEADER -> {
        fetchers.removePartition(tp);
        log.info("broker {} leads {} at epoch {} (ISR {}, log end {})", brokerId, tp, state.leaderEpoch(), state.isr(),
            partition.log().logEndOffset());
        leadershipListeners.forEach(l -> l.onBecomeLeader(tp, state.leaderEpoch()));
      }
      case BECAME_FOLLOWER -> {
        if (wasLeader) {
          leadershipListeners.forEach(l -> l.onResign(tp));
        }
        BrokerInfo leader = next.brokers().get(state.leader());
        if (leader == null) {
          fetchers.removePartition(tp);
          log.info("{} has no live leader (leader {}, epoch {}); not fetching", tp, state.leader(), state.leaderEpoch());
        } else {
          log.info("broker {} follows {} on broker {} at epoch {}", brokerId, tp, leader.id(), state.leaderEpoch());
          fetchers.addPartition(tp, leader, state.leaderEpoch());
        }
      }
      case NONE -> {
        // A follower whose leader was not live before may now find it registered.
        if (!partition.isLeader() && state.leader() >= 0 && !fetchers.isFetching(tp)) {
          BrokerInfo leader = next.brokers().get(state.leader());
          if (leader != null) {
            fetchers.addPartition(tp, leader, state.leaderEpoch());
          }
        }
      }
      default -> { }
    }
    wake(tp);
  }

  private void resign(TopicPartition tp, Partition p) {
    fetchers.removePartition(tp);
    if (p.isLeader()) {
      p.fence();
      leadershipListeners.forEach(l -> l.onResign(tp));
    }
    wake(tp);
  }

  /** The ZooKeeper session is gone: stop leading anything until ZooKeeper says otherwise. */
  public synchronized void fenceAll() {
    for (Map.Entry<TopicPartition, Partition> e : partitions.entrySet()) {
      if (e.getValue().isLeader()) {
        e.getValue().fence();
        leadershipListeners.forEach(l -> l.onResign(e.getKey()));
        wake(e.getKey());
      }
    }
    log.warn("broker {} stopped leading its partitions until its ZooKeeper session is back", brokerId);
  }

  /**
   * Re-applies the image after the ZooKeeper connection is back. The cached image may predate what happened
   * while this broker was away (another leader elected once its session expired), and a fenced leader
   * would take its old leadership back from it; so the state of every partition hosted here is read
   * afresh from ZooKeeper first. When that read fails nothing is applied: the partitions stay fenced until
   * the metadata cache publishes its next image.
   */
  public synchronized void reapplyImage(ClusterImage current) {
    Map<TopicPartition, PartitionState> fresh;
    try {
      fresh = store.readPartitionStatesAfterSync(partitions.keySet(), current.partitions(), SESSION_RESYNC_TIMEOUT_MS);
    } catch (Exception e) {
      log.warn("broker {} could not re-read partition states after reconnecting ({}); waiting for the next metadata",
          brokerId, e.toString());
      return;
    }
    applyImage(current.withPartitions(fresh));
  }

  private void wake(TopicPartition tp) {
    fetchPurgatory.notifyPartition(tp);
    producePurgatory.notifyPartition(tp);
    deleteRecordsPurgatory.notifyPartition(tp);
  }

  // ---- leader: ISR maintenance -----------------------------------------------------------------

  private void tickLeaders() {
    long now = System.currentTimeMillis();
    for (Partition p : partitions.values()) {
      try {
        handleOutcome(p, p.tick(now));
      } catch (RuntimeException e) {
        log.error("replication tick of {} failed", p.topicPartition(), e);
      }
    }
  }

  private void handleOutcome(Partition p, LeaderReplicaState.Outcome outcome) {
    if (outcome == null) {
      return;
    }
    if (outcome.highWatermarkAdvanced()) {
      wake(p.topicPartition());
    }
    outcome.proposedIsr().ifPresent(isr -> isrWriter.execute(() -> writeIsr(p, isr)));
  }

  /** Compare-and-set of the ISR in the partition-state znode; a refusal means someone else changed it. */
  private void writeIsr(Partition p, List<Integer> proposed) {
    TopicPartition tp = p.topicPartition();
    PartitionState current = p.zkState();
    if (current == null || !p.isLeader()) {
      p.isrWriteFailed(null);
      return;
    }
    PartitionState next = new PartitionState(current.leader(), current.leaderEpoch(), proposed, current.controllerEpoch(), current.zkVersion());
    try {
      PartitionState written = store.updatePartitionState(tp, current, next);
      if (written == null) {
        log.info("ISR change of {} to {} refused: the partition state changed meanwhile", tp, proposed);
        p.isrWriteFailed(current);
        return;
      }
      log.info("ISR of {} changed from {} to {}", tp, current.isr(), proposed);
      // One write may drop one replica and add another: that is a shrink and an expand.
      if (!proposed.containsAll(current.isr())) {
        metrics.isrShrunk();
      }
      if (!current.isr().containsAll(proposed)) {
        metrics.isrExpanded();
      }
      handleOutcome(p, p.isrWritten(written));
    } catch (Exception e) {
      log.warn("cannot write the ISR of {} to ZooKeeper: {}", tp, e.toString());
      p.isrWriteFailed(current);
    }
  }

  // ---- write path ------------------------------------------------------------------------------

  /** Appends to a partition this broker leads (acks=0/1 semantics); wakes the fetches waiting on it. */
  public AppendResult appendAsLeader(TopicPartition tp, MemoryRecords records, boolean acksAll) throws IOException {
    return appendAsLeader(tp, records, acksAll, null);
  }

  /**
   * A client's produce: as {@link #appendAsLeader(TopicPartition, MemoryRecords, boolean)}, under transaction
   * verification when {@code guard} is not null (see {@link PartitionLog#appendAsLeader(MemoryRecords, int, VerificationGuard)}).
   */
  public AppendResult appendAsLeader(TopicPartition tp, MemoryRecords records, boolean acksAll, VerificationGuard guard)
      throws IOException {
    Partition p = leaderPartition(tp, -1);
    AppendResult result = p.appendAsLeader(records, minInsync(p), acksAll, guard);
    if (!result.duplicate()) {
      metrics.appendedAsLeader(tp.topic(), result.recordCount(), records.sizeInBytes());
    }
    wake(tp);
    return result;
  }

  /**
   * Before asking the transaction coordinator whether {@code tp} is in the producer's transaction: the guard to
   * append with afterwards, or {@link VerificationGuard#SENTINEL} when the producer has a transaction open here
   * (nothing to ask). Throws NotLeaderOrFollowerException when this broker does not lead {@code tp}.
   */
  public VerificationGuard maybeStartTransactionVerification(TopicPartition tp, long producerId, short producerEpoch) {
    return leaderPartition(tp, -1).log().maybeStartTransactionVerification(producerId, producerEpoch);
  }

  /** Appends a transaction marker to a partition this broker leads (WriteTxnMarkers); wakes the fetches waiting on it. */
  public AppendResult appendTxnMarker(TopicPartition tp, MemoryRecords marker) throws IOException {
    Partition p = leaderPartition(tp, -1);
    AppendResult result = p.appendMarkerAsLeader(marker, minInsync(p));
    wake(tp);
    return result;
  }

  private int minInsync(Partition p) {
    return p.log().config().minInsyncReplicas();
  }

  /**
   * Appends with acks=all semantics: completes once every in-sync replica has the records (the high
   * watermark passed them), or fails with NOT_ENOUGH_REPLICAS, NOT_LEADER_OR_FOLLOWER or a timeout.
   */
  public CompletableFuture<AppendResult> appendAndWait(TopicPartition tp, MemoryRecords records, long timeoutMs) {
    AppendResult result;
    try {
      result = appendAsLeader(tp, records, true);
    } catch (Exception e) {
      return CompletableFuture.failedFuture(e);
    }
    return awaitReplication(tp, result.lastOffset() + 1, timeoutMs).thenApply(ignored -> result);
  }

  /**
   * Completes when the high watermark of {@code tp} reaches {@code requiredOffset} on this leader;
   * fails if leadership is lost, if the ISR fell below min.insync.replicas, or after {@code timeoutMs}.
   */
  public CompletableFuture<Void> awaitReplication(TopicPartition tp, long requiredOffset, long timeoutMs) {
    CompletableFuture<Void> future = new CompletableFuture<>();
    Purgatory.Waiter waiter = new Purgatory.Waiter(List.of(tp),
        () -> {
          Throwable error = replicationCheck(tp, requiredOffset);
          if (error == NOT_YET) {
            return false;
          }
          if (error == null) {
            future.complete(null);
          } else {
            future.completeExceptionally(error);
          }
          return true;
        },
        () -> future.completeExceptionally(new TimeoutException("records up to offset " + (requiredOffset - 1) + " of " + tp
            + " were not replicated to the ISR within " + timeoutMs + " ms")));
    if (!waiter.check() && !producePurgatory.park(waiter, timeoutMs)) {
      future.completeExceptionally(new TimeoutException("too many requests waiting for replication"));
    }
    return future;
  }

  private static final Throwable NOT_YET = new Throwable("not yet", null, false, false) {};

  /** null = replicated; NOT_YET = keep waiting; otherwise the error to answer with. */
  private Throwable replicationCheck(TopicPartition tp, long requiredOffset) {
    Partition p = partitions.get(tp);
    if (p == null || !p.isLeader()) {
      return new NotLeaderOrFollowerException("broker " + brokerId + " stopped leading " + tp + " before the records were replicated");
    }
    if (p.highWatermark() >= requiredOffset) {
      if (p.isr().size() < minInsync(p)) {
        return new NotEnoughReplicasAfterAppendException(tp + " was written but the ISR " + p.isr()
            + " shrank below min.insync.replicas=" + minInsync(p));
      }
      return null;
    }
    return NOT_YET;
  }

  // ---- DeleteRecords ---------------------------------------------------------------------------

  /** A follower's log start offset from its fetch: may complete a DeleteRecords waiting for the low watermark. */
  public void onFollowerLogStartOffset(TopicPartition tp, int replicaId, long logStartOffset) {
    Partition p = partitions.get(tp);
    if (p != null && logStartOffset >= 0) {
      p.onFollowerLogStartOffset(replicaId, logStartOffset);
      deleteRecordsPurgatory.notifyPartition(tp);
    }
  }

  /**
   * DeleteRecords on a partition this broker leads: moves its log start offset to {@code offset}
   * ({@link DeleteRecordsRequest#HIGH_WATERMARK}: to the high watermark), then completes with the low
   * watermark once every live replica has moved its own (they learn it from fetch responses). Fails with
   * OFFSET_OUT_OF_RANGE above the high watermark, NOT_LEADER_OR_FOLLOWER, or a timeout after {@code timeoutMs}.
   */
  public CompletableFuture<Long> deleteRecords(TopicPartition tp, long offset, long timeoutMs) {
    Partition leader;
    long target;
    try {
      leader = leaderPartition(tp, -1);
      long hw = leader.highWatermark();
      target = offset == DeleteRecordsRequest.HIGH_WATERMARK ? hw : offset;
      if (target < 0 || target > hw) {
        throw new OffsetOutOfRangeException("cannot delete the records of " + tp + " before offset " + offset
            + ": it is outside [0, " + hw + "], the high watermark");
      }
      leader.log().maybeIncrementLogStartOffset(target);
    } catch (Exception e) {
      return CompletableFuture.failedFuture(e);
    }
    wake(tp); // follower fetches parked on this partition answer with the new log start offset
    CompletableFuture<Long> future = new CompletableFuture<>();
    Purgatory.Waiter waiter = new Purgatory.Waiter(List.of(tp),
        () -> {
          if (partitions.get(tp) != leader || !leader.isLeader()) {
            future.completeExceptionally(new NotLeaderOrFollowerException("broker " + brokerId + " stopped leading " + tp
                + " before the followers deleted the records"));
            return true;
          }
          long low = leader.lowWatermark(liveReplicas(leader));
          if (low < target) {
            return false;
          }
          future.complete(low);
          return true;
        },
        () -> future.completeExceptionally(new TimeoutException("the followers of " + tp + " did not move their log start offset to "
            + target + " within " + timeoutMs + " ms")));
    if (!waiter.check() && !deleteRecordsPurgatory.park(waiter, timeoutMs)) {
      future.completeExceptionally(new TimeoutException("too many requests waiting for deleted records"));
    }
    return future;
  }

  private List<Integer> liveReplicas(Partition p) {
    ClusterImage current = image;
    return p.replicas().stream().filter(current::isLive).toList();
  }

  // ---- read path -------------------------------------------------------------------------------

  /**
   * The result of reading one partition for a fetch; {@code abortedTransactions} overlap what a read_committed
   * fetch read (empty for the other isolations).
   */
  public record ReadResult(Records records, long highWatermark, long lastStableOffset, long logStartOffset, long logEndOffset,
      List<AbortedTxn> abortedTransactions) {}

  /** A follower's fetch position, fed to the leader's replication state machine. */
  public void onFollowerFetch(TopicPartition tp, int replicaId, long fetchOffset, int clientLeaderEpoch) {
    Partition p = partitions.get(tp);
    if (p != null) {
      handleOutcome(p, p.onFollowerFetch(replicaId, fetchOffset, clientLeaderEpoch, System.currentTimeMillis()));
    }
  }

  /**
   * Reads for a consumer the replicated data (below the high watermark), or for read_committed the stable data
   * (below the last stable offset) with the aborted transactions in it; for a replica everything.
   */
  public ReadResult read(TopicPartition tp, int clientLeaderEpoch, long offset, int maxBytes, boolean minOneBatch,
      FetchIsolation isolation) throws IOException {
    Partition p = leaderPartition(tp, clientLeaderEpoch);
    long hw = p.highWatermark();
    // A follower has no use for the last stable offset (Kafka's followers ignore it too), and working it out takes the
    // producer-state lock that appends hold: -1, the field's "unknown", for replica reads.
    long lso = isolation == FetchIsolation.LOG_END ? -1 : p.lastStableOffset();
    long leo = p.log().logEndOffset();
    long limit = switch (isolation) {
      case LOG_END -> leo;
      case HIGH_WATERMARK -> hw;
      case TXN_COMMITTED -> lso;
    };
    if (isolation != FetchIsolation.LOG_END && offset >= limit && offset <= leo) {
      // At or past what this consumer may see but within the log: valid, nothing visible yet.
      return new ReadResult(MemoryRecords.EMPTY, hw, lso, p.log().logStartOffset(), leo, List.of());
    }
    LogReadResult r = p.log().read(offset, maxBytes, limit, minOneBatch);
    List<AbortedTxn> aborted = isolation == FetchIsolation.TXN_COMMITTED && r.records().sizeInBytes() > 0
        ? p.log().abortedTransactions(offset, limit) : List.of();
    return new ReadResult(r.records(), hw, lso, r.logStartOffset(), r.logEndOffset(), aborted);
  }

  /**
   * ListOffsets for one partition: earliest (-2), latest (-1), max timestamp (-3) or by timestamp; read_committed
   * sees the log up to the last stable offset, read_uncommitted up to the high watermark.
   */
  public long[] listOffset(TopicPartition tp, int clientLeaderEpoch, long timestamp, boolean readCommitted) throws IOException {
    Partition p = leaderPartition(tp, clientLeaderEpoch);
    PartitionLog plog = p.log();
    if (timestamp == -2L || timestamp == -4L) { // EARLIEST, EARLIEST_LOCAL
      return new long[] {RecordBatch.NO_TIMESTAMP, plog.logStartOffset(), p.leaderEpoch()};
    }
    if (timestamp == -1L) { // LATEST
      return new long[] {RecordBatch.NO_TIMESTAMP, readCommitted ? p.lastStableOffset() : p.highWatermark(), p.leaderEpoch()};
    }
    if (timestamp == -3L) { // MAX_TIMESTAMP
      return maxTimestamp(p);
    }
    var found = plog.offsetForTimestamp(timestamp);
    if (found.isEmpty() || found.get().offset >= (readCommitted ? p.lastStableOffset() : p.highWatermark())) {
      return new long[] {RecordBatch.NO_TIMESTAMP, -1L, -1};
    }
    int epoch = found.get().leaderEpoch.orElse(-1);
    return new long[] {found.get().timestamp, found.get().offset, epoch};
  }

  private long[] maxTimestamp(Partition p) throws IOException {
    long bestTs = RecordBatch.NO_TIMESTAMP;
    long bestOffset = -1;
    int bestEpoch = -1;
    long hw = p.highWatermark();
    long offset = p.log().logStartOffset();
    while (offset < hw) {
      LogReadResult r = p.log().read(offset, 1 << 20, hw, true);
      boolean any = false;
      for (RecordBatch batch : r.records().batches()) {
        any = true;
        if (batch.maxTimestamp() > bestTs) {
          bestTs = batch.maxTimestamp();
          for (var rec : batch) {
            if (rec.timestamp() == bestTs) {
              bestOffset = rec.offset();
              break;
            }
          }
          bestEpoch = batch.partitionLeaderEpoch();
        }
        offset = batch.nextOffset();
      }
      if (!any) {
        break;
      }
    }
    return new long[] {bestTs, bestOffset, bestEpoch};
  }

  /** OffsetForLeaderEpoch: the end offset of {@code epoch} on this leader, with the epoch it belongs to. */
  public long[] endOffsetForEpoch(TopicPartition tp, int clientLeaderEpoch, int epoch) {
    Partition p = leaderPartition(tp, clientLeaderEpoch);
    int found = p.log().epochForOffsetEndQuery(epoch);
    long end = p.log().endOffsetForEpoch(epoch);
    if (found < 0 || end < 0) {
      return new long[] {-1, -1};
    }
    return new long[] {found, end};
  }

  // ---- follower side: what the fetchers call ---------------------------------------------------

  /** Where replica fetchers put what they fetched. */
  private final class FollowerSink implements ReplicaFetcherManager.Sink {
    @Override
    public long logEndOffset(TopicPartition tp) {
      Partition p = partitions.get(tp);
      return p == null ? -1 : p.log().logEndOffset();
    }

    @Override
    public long logStartOffset(TopicPartition tp) {
      Partition p = partitions.get(tp);
      return p == null ? -1 : p.log().logStartOffset();
    }

    @Override
    public OptionalInt latestEpoch(TopicPartition tp) {
      Partition p = partitions.get(tp);
      return p == null ? OptionalInt.empty() : p.log().latestEpoch();
    }

    @Override
    public long endOffsetForEpoch(TopicPartition tp, int epoch) {
      Partition p = partitions.get(tp);
      return p == null ? -1 : p.log().endOffsetForEpoch(epoch);
    }

    @Override
    public void truncateTo(TopicPartition tp, long offset) throws IOException {
      Partition p = partitions.get(tp);
      if (p != null && offset < p.log().logEndOffset()) {
        log.info("{}: truncating from {} to {} (leader-epoch boundary)", tp, p.log().logEndOffset(), offset);
        p.truncateTo(offset);
      }
    }

    @Override
    public void truncateFullyAndStartAt(TopicPartition tp, long offset) throws IOException {
      Partition p = partitions.get(tp);
      if (p != null) {
        log.info("{}: local log [{}, {}) is outside the leader's; restarting at {}", tp, p.log().logStartOffset(),
            p.log().logEndOffset(), offset);
        p.log().truncateFullyAndStartAt(offset);
        p.truncateTo(offset);
      }
    }

    @Override
    public void append(TopicPartition tp, MemoryRecords records, long leaderHighWatermark, long leaderLogStartOffset) throws IOException {
      Partition p = partitions.get(tp);
      if (p == null) {
        return;
      }
      if (records.sizeInBytes() > 0) {
        p.appendAsFollower(records);
      }
      if (leaderLogStartOffset > p.log().logStartOffset() && leaderLogStartOffset <= p.log().logEndOffset()) {
        p.log().maybeIncrementLogStartOffset(leaderLogStartOffset);
      }
      p.updateFollowerHighWatermark(leaderHighWatermark);
    }
  }

  @Override
  public void close() {
    fetchers.close();
    ticker.shutdownNow();
    isrWriter.shutdownNow();
    fetchPurgatory.close();
    producePurgatory.close();
    deleteRecordsPurgatory.close();
  }
}
