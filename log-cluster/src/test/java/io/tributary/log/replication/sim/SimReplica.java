package io.tributary.log.replication.sim;

import io.tributary.log.cluster.PartitionState;
import io.tributary.log.replication.FollowerFetchState;
import io.tributary.log.replication.LeaderReplicaState;
import io.tributary.log.replication.sim.SimMessage.EpochRequest;
import io.tributary.log.replication.sim.SimMessage.EpochResponse;
import io.tributary.log.replication.sim.SimMessage.FetchRequest;
import io.tributary.log.replication.sim.SimMessage.FetchResponse;
import io.tributary.log.replication.sim.SimMessage.IsrWrite;
import io.tributary.log.replication.sim.SimMessage.IsrWriteResult;
import io.tributary.log.replication.sim.SimMessage.LogStartRequest;
import io.tributary.log.replication.sim.SimMessage.LogStartResponse;
import io.tributary.log.replication.sim.SimMessage.ProduceRequest;
import io.tributary.log.replication.sim.SimMessage.ProduceResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.kafka.common.protocol.Errors;

/**
 * One simulated broker hosting the partition. The decisions are the broker's own classes
 * ({@link LeaderReplicaState}, {@link FollowerFetchState}, and through it {@code Truncation}); the glue
 * around them follows {@code Partition}, {@code ReplicaManager} (ISR writes, acks=all completion),
 * {@code FetchHandler} (the order in which a follower's fetch is applied) and {@code ReplicaFetcherManager}
 * (one request in flight, back-off), with messages instead of sockets and the simulated clock instead of
 * threads.
 */
final class SimReplica {
  /** Fetcher back-off after an error, in simulated milliseconds. */
  static final long BACKOFF_MS = 10;
  /** How long a leader holds a follower's fetch that found nothing (replica.fetch.wait.max.ms), simulated. */
  static final long FETCH_WAIT_MS = 15;
  /** A request with no answer after this long is given up (socket timeout), simulated milliseconds. */
  static final long REQUEST_TIMEOUT_MS = 60;
  /** An acks=all produce not replicated after this long is answered REQUEST_TIMED_OUT, simulated milliseconds. */
  static final long PRODUCE_TIMEOUT_MS = 300;
  /** Records per fetch response at most. */
  static final int FETCH_MAX_RECORDS = 6;

  private record PendingAck(long value, long offset, long deadlineMs) {}

  final int id;
  private final ReplicationSimulation world;
  final SimLog log = new SimLog();
  boolean alive = true;
  /** Bumped by each crash and restart: timers and messages of an older incarnation are ignored. */
  long incarnation;

  long highWatermark;
  int leaderId = -1;
  int leaderEpoch = -1;
  List<Integer> isr = List.of();
  private PartitionState zkState;
  LeaderReplicaState leaderState;
  FollowerFetchState fetchState;
  private int fetchLeader = -1;
  private long inflightToken;
  private long nextToken = 1;
  private final List<PendingAck> pendingAcks = new ArrayList<>();

  SimReplica(int id, ReplicationSimulation world) {
    this.id = id;
    this.world = world;
  }

  boolean isLeader() {
    return leaderId == id;
  }

  // ---- crash and restart ---------------------------------------------------------------------

  void crash() {
    alive = false;
    incarnation++;
    highWatermark = log.crash();
    leaderId = -1;
    leaderEpoch = -1;
    isr = List.of();
    zkState = null;
    leaderState = null;
    fetchState = null;
    fetchLeader = -1;
    inflightToken = 0;
    pendingAcks.clear(); // the producers get no answer (their connection broke)
  }

  /** A new process, a new session: nothing addressed to the crashed one reaches it. */
  void restart() {
    alive = true;
    incarnation++;
  }

  void flush() {
    log.flush(highWatermark);
  }

  // ---- metadata (Partition.applyState and ReplicaManager's reaction) ---------------------------

  void applyState(PartitionState state) {
    if (zkState != null && state.zkVersion() <= zkState.zkVersion() && leaderId == zkState.leader()) {
      return; // not newer than what this broker already applied (or wrote itself)
    }
    zkState = state;
    boolean wasLeader = isLeader();
    int previousEpoch = leaderEpoch;
    int previousLeader = leaderId;
    leaderId = state.leader();
    leaderEpoch = state.leaderEpoch();
    isr = state.isr();
    if (state.leader() == id) {
      if (!wasLeader || previousEpoch != state.leaderEpoch() || leaderState == null) {
        log.assignEpochStartOffset(state.leaderEpoch());
        long leo = log.logEndOffset();
        leaderState = new LeaderReplicaState(id, state.leaderEpoch(), world.replicaIds(), state.isr(), leo,
            Math.min(highWatermark, leo), world.now(), ReplicationSimulation.LAG_TIME_MAX_MS);
        world.trace(() -> "r" + id + " leads at epoch " + state.leaderEpoch() + " (ISR " + state.isr() + ", log end " + leo + ", HW " + highWatermark + ")");
        stopFetching();
        handleOutcome(apply(leaderState.onLeaderAppend(leo)));
      } else {
        handleOutcome(apply(leaderState.onIsrCommitted(state.isr())));
        isr = leaderState.isr();
      }
      completeAcks();
      return;
    }
    leaderState = null;
    completeAcks(); // not leader any more: waiting produces fail
    if (wasLeader || previousLeader != state.leader() || previousEpoch != state.leaderEpoch()) {
      if (state.leader() < 0 || !world.isLive(state.leader())) {
        stopFetching();
      } else {
        startFetching(state.leader(), state.leaderEpoch());
      }
    } else if (state.leader() >= 0 && fetchState == null && world.isLive(state.leader())) {
      startFetching(state.leader(), state.leaderEpoch());
    }
  }

  private LeaderReplicaState.Outcome apply(LeaderReplicaState.Outcome outcome) {
    highWatermark = outcome.highWatermark();
    world.invariants().onLeaderHighWatermark(this);
    return outcome;
  }

  private void handleOutcome(LeaderReplicaState.Outcome outcome) {
    if (outcome.highWatermarkAdvanced()) {
      completeAcks();
    }
    outcome.proposedIsr().ifPresent(this::writeIsr);
  }

  /** ReplicaManager.writeIsr: compare-and-set against the znode version this broker last saw. */
  private void writeIsr(List<Integer> proposed) {
    if (zkState == null || !isLeader()) {
      leaderState.onIsrUpdateFailed();
      return;
    }
    world.send(new IsrWrite(id, ReplicationSimulation.ZK, incarnation, zkState, proposed));
  }

  void onIsrWriteResult(IsrWriteResult result) {
    if (leaderState == null) {
      return;
    }
    PartitionState written = result.written();
    if (written == null) {
      // Partition.isrWriteFailed: a newer applied state already settled this proposal.
      if (zkState == null || zkState.zkVersion() <= result.expected().zkVersion()) {
        leaderState.onIsrUpdateFailed();
      }
      return;
    }
    if (written.leaderEpoch() != leaderEpoch || (zkState != null && written.zkVersion() <= zkState.zkVersion())) {
      return; // Partition.isrWritten: not newer than what the watch already applied
    }
    zkState = written;
    isr = written.isr();
    handleOutcome(apply(leaderState.onIsrCommitted(written.isr())));
    completeAcks();
  }

  void tick() {
    if (leaderState != null) {
      handleOutcome(apply(leaderState.onTick(world.now())));
    }
    completeAcks();
  }

  // ---- produce, acks=all (Partition.appendAsLeader, ReplicaManager.replicationCheck) -----------

  void onProduce(ProduceRequest request) {
    if (!isLeader() || leaderState == null) {
      world.send(new ProduceResponse(id, request.from(), request.value(), Errors.NOT_LEADER_OR_FOLLOWER, -1));
      return;
    }
    if (isr.size() < world.minInsyncReplicas()) {
      world.send(new ProduceResponse(id, request.from(), request.value(), Errors.NOT_ENOUGH_REPLICAS, -1));
      return;
    }
    long offset = log.appendAsLeader(request.value(), leaderEpoch);
    world.trace(() -> "r" + id + " appends v" + request.value() + " at " + offset + " (epoch " + leaderEpoch + ")");
    pendingAcks.add(new PendingAck(request.value(), offset, world.now() + PRODUCE_TIMEOUT_MS));
    handleOutcome(apply(leaderState.onLeaderAppend(log.logEndOffset())));
    completeAcks();
  }

  private void completeAcks() {
    for (Iterator<PendingAck> it = pendingAcks.iterator(); it.hasNext();) {
      PendingAck p = it.next();
      Errors result;
      if (!isLeader()) {
        result = Errors.NOT_LEADER_OR_FOLLOWER;
      } else if (highWatermark >= p.offset() + 1) {
        result = isr.size() < world.minInsyncReplicas() ? Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND : Errors.NONE;
      } else if (world.now() >= p.deadlineMs()) {
        result = Errors.REQUEST_TIMED_OUT;
      } else {
        continue;
      }
      it.remove();
      if (result == Errors.NONE) {
        world.invariants().onAcknowledged(p.offset(), log.get(p.offset()), this);
      }
      world.send(new ProduceResponse(id, ReplicationSimulation.CLIENT, p.value(), result, p.offset()));
    }
  }

  // ---- leader side of replication (FetchHandler, ReplicaManager.read / endOffsetForEpoch) ----------

  private Errors leaderEpochError(int clientLeaderEpoch) {
    if (!isLeader()) {
      return Errors.NOT_LEADER_OR_FOLLOWER;
    }
    if (clientLeaderEpoch >= 0 && clientLeaderEpoch < leaderEpoch) {
      return Errors.FENCED_LEADER_EPOCH;
    }
    if (clientLeaderEpoch > leaderEpoch) {
      return Errors.UNKNOWN_LEADER_EPOCH;
    }
    return Errors.NONE;
  }

  void onFetch(FetchRequest request) {
    // FetchHandler's order: the leader's state machine learns the follower's position first, unless the fetch
    // names another leader epoch (Partition.onFollowerFetch).
    if (leaderState != null && (request.currentLeaderEpoch() < 0 || request.currentLeaderEpoch() == leaderEpoch)) {
      handleOutcome(apply(leaderState.onFollowerFetch(request.from(), request.fetchOffset(), world.now())));
    }
    Errors error = leaderEpochError(request.currentLeaderEpoch());
    if (error == Errors.NONE && (request.fetchOffset() > log.logEndOffset() || request.fetchOffset() < log.logStartOffset())) {
      error = Errors.OFFSET_OUT_OF_RANGE;
    }
    List<SimRecord> records = error == Errors.NONE ? log.read(request.fetchOffset(), FETCH_MAX_RECORDS) : List.of();
    world.send(new FetchResponse(id, request.from(), request.token(), error, request.fetchOffset(), records,
        highWatermark, log.logStartOffset()));
  }

  void onEpochRequest(EpochRequest request) {
    Errors error = leaderEpochError(request.currentLeaderEpoch());
    if (error != Errors.NONE) {
      world.send(new EpochResponse(id, request.from(), request.token(), error, -1, -1));
      return;
    }
    int found = log.epochForEndOffsetQuery(request.epoch());
    long end = log.endOffsetForEpoch(request.epoch());
    if (found < 0 || end < 0) {
      found = -1;
      end = -1;
    }
    world.send(new EpochResponse(id, request.from(), request.token(), Errors.NONE, found, end));
  }

  void onLogStartRequest(LogStartRequest request) {
    Errors error = leaderEpochError(request.currentLeaderEpoch());
    world.send(new LogStartResponse(id, request.from(), request.token(), error, error == Errors.NONE ? log.logStartOffset() : -1));
  }

  // ---- follower side: the fetcher's shell around FollowerFetchState ---------------------------------

  private void startFetching(int leader, int epoch) {
    fetchState = new FollowerFetchState(epoch);
    fetchLeader = leader;
    inflightToken = 0;
    world.trace(() -> "r" + id + " follows r" + leader + " at epoch " + epoch + " (log end " + log.logEndOffset() + ")");
    world.scheduleFetcherWake(this, 0);
  }

  private void stopFetching() {
    fetchState = null;
    fetchLeader = -1;
    inflightToken = 0;
  }

  /** The fetcher thread's next round: one request in flight at a time. */
  void fetcherWake() {
    if (fetchState == null || inflightToken != 0) {
      return;
    }
    FollowerFetchState.Action action = fetchState.next(log);
    long token = nextToken++;
    if (action instanceof FollowerFetchState.AskEpochEnd ask) {
      world.send(new EpochRequest(id, fetchLeader, token, ask.currentLeaderEpoch(), ask.ourLatestEpoch()));
    } else if (action instanceof FollowerFetchState.Fetch f) {
      world.send(new FetchRequest(id, fetchLeader, token, f.fetchOffset(), f.currentLeaderEpoch()));
    } else {
      world.scheduleFetcherWake(this, BACKOFF_MS);
      return;
    }
    inflightToken = token;
    world.scheduleRequestTimeout(this, token);
  }

  void onRequestTimeout(long token) {
    if (inflightToken == token) {
      inflightToken = 0;
      world.scheduleFetcherWake(this, BACKOFF_MS);
    }
  }

  /** True when {@code token} answers the request in flight (the shell's identity check); clears it. */
  private boolean answers(long token, int from) {
    if (fetchState == null || token != inflightToken || from != fetchLeader) {
      return false;
    }
    inflightToken = 0;
    return true;
  }

  void onEpochResponse(EpochResponse response) {
    if (!answers(response.token(), response.from())) {
      return;
    }
    FollowerFetchState.Action action = fetchState.onEpochEndOffset(response.error(), response.leaderEpoch(),
        response.endOffset(), log);
    if (action instanceof FollowerFetchState.TruncateTo cut) {
      truncateTo(cut.offset());
      world.scheduleFetcherWake(this, 0);
    } else {
      world.scheduleFetcherWake(this, BACKOFF_MS);
    }
  }

  void onFetchResponse(FetchResponse response) {
    if (!answers(response.token(), response.from())) {
      return;
    }
    FollowerFetchState.Action action = fetchState.onFetchResponse(response.error());
    if (action instanceof FollowerFetchState.Append) {
      if (!response.records().isEmpty()) {
        if (response.baseOffset() != log.logEndOffset()) {
          // PartitionLog.appendAsFollower refuses an overlap; the fetcher backs off and asks again.
          world.scheduleFetcherWake(this, BACKOFF_MS);
          return;
        }
        log.appendAsFollower(response.records());
      }
      if (!isLeader()) {
        highWatermark = Math.max(log.logStartOffset(), Math.min(response.highWatermark(), log.logEndOffset()));
      }
      world.scheduleFetcherWake(this, response.records().isEmpty() ? FETCH_WAIT_MS : 0);
    } else if (action instanceof FollowerFetchState.AskLogStart ask) {
      long token = nextToken++;
      world.send(new LogStartRequest(id, fetchLeader, token, ask.currentLeaderEpoch()));
      inflightToken = token;
      world.scheduleRequestTimeout(this, token);
    } else {
      world.scheduleFetcherWake(this, BACKOFF_MS);
    }
  }

  void onLogStartResponse(LogStartResponse response) {
    if (!answers(response.token(), response.from())) {
      return;
    }
    if (fetchState.onLogStart(response.offset(), log) instanceof FollowerFetchState.TruncateFullyAndStartAt start) {
      throw new IllegalStateException("r" + id + ": leader log start " + start.offset() + " beyond ours; the simulation has no retention");
    }
    world.scheduleFetcherWake(this, 0);
  }

  /** ReplicaManager's FollowerSink.truncateTo and Partition.truncateTo. */
  private void truncateTo(long offset) {
    long end = log.logEndOffset();
    if (offset < end) {
      world.invariants().onTruncate(this, offset);
      world.trace(() -> "r" + id + " truncates " + end + " -> " + offset);
      log.truncateTo(offset);
    }
    highWatermark = Math.min(highWatermark, log.logEndOffset());
  }
}
