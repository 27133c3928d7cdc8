package io.tributary.log.txn;

import io.tributary.log.cluster.TopicInfo;
import io.tributary.log.txn.TxnStateMachine.Step;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction actor of one broker: one thread ({@code txn-coordinator-N}) owns the state of every
 * transactional id this broker coordinates and does its I/O, as the group actor does for groups.
 *
 * <ul>
 *   <li>A transactional id hashes onto a partition of {@code __transaction_state}; its leader coordinates
 *       it. Leadership is reconciled on the host's callback and every {@link #TICK_MS} ms.</li>
 *   <li>Becoming leader loads the partition (the latest state per id) and finishes every PrepareCommit and
 *       PrepareAbort it finds by sending their markers again; resigning drops the partition's ids.</li>
 *   <li>Every transition ({@link TxnStateMachine}) is appended with acks=all before it is applied and the
 *       client answered. While a write or a marker round of an id is in flight the id is busy: other requests
 *       for it wait (in arrival order) until it is not, for at most {@link #MAX_WAIT_WHILE_BUSY_MS} ms, and only
 *       then get CONCURRENT_TRANSACTIONS. Kafka answers CONCURRENT_TRANSACTIONS at once, and a producer that
 *       begins its next transaction while the markers of the last are being written backs off 20 ms and asks
 *       again (KAFKA-5482): a transaction per round trip loses up to that much each time.</li>
 *   <li>A timer aborts transactions open past their timeout and forgets ids idle past their expiration.</li>
 * </ul>
 */
final class TxnActor {
  private static final Logger log = LoggerFactory.getLogger(TxnActor.class);
  static final long TICK_MS = 100;
  /** How long a request for a busy id waits for it before it is answered CONCURRENT_TRANSACTIONS. */
  static final long MAX_WAIT_WHILE_BUSY_MS = 5_000;

  private final TxnCoordinatorConfig config;
  private final TxnHost host;
  private final Time time;
  private final ScheduledExecutorService thread;
  private final TxnMarkerSender markers;
  private volatile boolean closed;

  // ---- state below: only on the actor thread ----
  /** Partitions of __transaction_state loaded here, with the leader epoch they were loaded at. */
  private final Map<Integer, Integer> owned = new HashMap<>();
  private final Map<String, TxnMetadata> states = new HashMap<>();
  /** Ids with a write or a marker round in flight. */
  private final Set<String> busy = new HashSet<>();
  /** Requests waiting for their id to stop being busy, in arrival order: each re-runs itself. */
  private final Map<String, ArrayDeque<Runnable>> waiting = new HashMap<>();
  private long lastAbortCheckMs;
  private long lastExpiryCheckMs;

  /** The outcome of a request: the error, and whose producer id and epoch to answer with (or null). */
  record Outcome(Errors error, TxnMetadata state) {}

  TxnActor(TxnCoordinatorConfig config, TxnHost host, Time time) {
    this.config = config;
    this.host = host;
    this.time = time;
    this.markers = new TxnMarkerSender(host, config.brokerId(), host.interBrokerSecurity());
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "txn-coordinator-" + config.brokerId());
      t.setDaemon(true);
      return t;
    });
  }

  void start() {
    host.addLeadershipListener(tp -> {
      if (tp.topic().equals(TxnLogFormat.TOPIC) && !closed) {
        thread.execute(this::reconcile);
      }
    });
    lastAbortCheckMs = lastExpiryCheckMs = time.milliseconds();
    thread.scheduleWithFixedDelay(this::safeTick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
  }

  boolean isClosed() {
    return closed;
  }

  /** Runs {@code task} on the actor thread (throws RejectedExecutionException once closed). */
  void execute(Runnable task) {
    thread.execute(task);
  }

  void close() {
    closed = true;
    markers.close();
    thread.shutdownNow();
  }

  // ------------------------------------------------------------------ leadership and loading

  private int partitionOf(String transactionalId) {
    int n = host.image().topic(TxnLogFormat.TOPIC).map(TopicInfo::partitionCount).orElse(config.stateLogPartitions());
    return TxnLogFormat.partitionFor(transactionalId, n);
  }

  private int leaderEpochHere(int p) {
    return host.leaderEpochHere(new TopicPartition(TxnLogFormat.TOPIC, p));
  }

  private void reconcile() {
    int n = host.image().topic(TxnLogFormat.TOPIC).map(TopicInfo::partitionCount).orElse(0);
    for (int p : new ArrayList<>(owned.keySet())) {
      if (p >= n || leaderEpochHere(p) != owned.get(p)) {
        unload(p);
      }
    }
    for (int p = 0; p < n; p++) {
      ensureLoaded(p);
    }
  }

  private boolean ensureLoaded(int p) {
    int epoch = leaderEpochHere(p);
    Integer loaded = owned.get(p);
    if (loaded != null && loaded == epoch) {
      return true;
    }
    if (loaded != null) {
      unload(p);
    }
    if (epoch < 0) {
      return false;
    }
    try {
      load(p, epoch);
      return true;
    } catch (Exception e) {
      log.error("cannot load {}-{} (its transactional ids stay unavailable; retried on the next tick)",
          TxnLogFormat.TOPIC, p, e);
      return false;
    }
  }

  private void load(int p, int epoch) throws Exception {
    TopicPartition tp = new TopicPartition(TxnLogFormat.TOPIC, p);
    long start = time.milliseconds();
    TxnLoader.Loaded read = TxnLoader.read(tp, host.log(tp));
    owned.put(p, epoch);
    states.putAll(read.states());
    int resumed = 0;
    for (TxnMetadata m : read.states().values()) {
      if (m.state().isPreparing()) {
        // The previous coordinator wrote PrepareCommit/PrepareAbort and may have died before every marker
        // was written: the outcome is decided, so send them all again (markers are idempotent).
        sendMarkers(m);
        resumed++;
      }
    }
    log.info("broker {} loaded {} at leader epoch {}: {} records up to offset {}, {} transactional ids, {} finishing,"
        + " in {} ms", config.brokerId(), tp, epoch, read.records(), read.endOffset(), read.states().size(), resumed,
        time.milliseconds() - start);
  }

  private void unload(int p) {
    owned.remove(p);
    int count = 0;
    for (var it = states.keySet().iterator(); it.hasNext(); ) {
      String id = it.next();
      if (partitionOf(id) == p) {
        it.remove();
        notBusy(id); // its waiting requests run again and are told NOT_COORDINATOR
        count++;
      }
    }
    log.info("broker {} unloaded {}-{} ({} transactional ids)", config.brokerId(), TxnLogFormat.TOPIC, p, count);
  }

  /** NONE if this broker coordinates {@code transactionalId} now (loading its partition if needed). */
  Errors coordinatorError(String transactionalId) {
    if (transactionalId == null || transactionalId.isEmpty()) {
      return Errors.INVALID_REQUEST;
    }
    if (host.image().topic(TxnLogFormat.TOPIC).isEmpty()) {
      return Errors.COORDINATOR_NOT_AVAILABLE;
    }
    return ensureLoaded(partitionOf(transactionalId)) ? Errors.NONE : Errors.NOT_COORDINATOR;
  }

  // ------------------------------------------------------------------ requests

  /** The current state of an id this broker coordinates, or null. */
  TxnMetadata state(String transactionalId) {
    return states.get(transactionalId);
  }

  /** Every id this broker coordinates now. */
  List<TxnMetadata> states() {
    return new ArrayList<>(states.values());
  }

  /**
   * Decides a request for {@code transactionalId} with {@code decide} (given its current state, or null),
   * writes the step's value with acks=all, applies it, then answers; sends markers if the step says so.
   */
  CompletableFuture<Outcome> run(String transactionalId, Function<TxnMetadata, Step> decide) {
    Errors error = coordinatorError(transactionalId);
    if (error != Errors.NONE) {
      return CompletableFuture.completedFuture(new Outcome(error, null));
    }
    if (busy.contains(transactionalId)) {
      return waitWhileBusy(transactionalId, decide);
    }
    Step step = decide.apply(states.get(transactionalId));
    if (step.write() == null) {
      return CompletableFuture.completedFuture(new Outcome(step.error(), step.answer()));
    }
    return write(step.write()).thenApply(written -> {
      if (written != Errors.NONE) {
        return new Outcome(written, null);
      }
      if (step.sendMarkers()) {
        sendMarkers(step.write());
      }
      return new Outcome(step.error(), step.answer());
    });
  }

  /**
   * Runs the request again once {@code transactionalId} is not busy any more (after what made it busy has been
   * applied and answered), or answers CONCURRENT_TRANSACTIONS after {@link #MAX_WAIT_WHILE_BUSY_MS}.
   */
  private CompletableFuture<Outcome> waitWhileBusy(String transactionalId, Function<TxnMetadata, Step> decide) {
    CompletableFuture<Outcome> answer = new CompletableFuture<>();
    Runnable retry = () -> {
      if (!answer.isDone()) {
        run(transactionalId, decide).whenComplete((outcome, failure) -> {
          if (failure != null) {
            answer.completeExceptionally(failure);
          } else {
            answer.complete(outcome);
          }
        });
      }
    };
    waiting.computeIfAbsent(transactionalId, id -> new ArrayDeque<>()).add(retry);
    thread.schedule(() -> {
      ArrayDeque<Runnable> queue = waiting.get(transactionalId);
      if (queue != null && queue.remove(retry)) {
        if (queue.isEmpty()) {
          waiting.remove(transactionalId);
        }
        answer.complete(new Outcome(Errors.CONCURRENT_TRANSACTIONS, null));
      }
    }, MAX_WAIT_WHILE_BUSY_MS, TimeUnit.MILLISECONDS);
    return answer;
  }

  /**
   * Marks {@code id} not busy and lets the requests waiting for it run, in a later task of the actor: after the
   * current one has applied its state and run its continuations (which may make the id busy again: the waiting
   * requests then wait on).
   */
  private void notBusy(String id) {
    busy.remove(id);
    if (waiting.containsKey(id)) {
      execute(() -> {
        ArrayDeque<Runnable> queue = busy.contains(id) ? null : waiting.remove(id);
        if (queue != null) {
          queue.forEach(Runnable::run);
        }
      });
    }
  }

  /**
   * Appends {@code next} with acks=all and applies it; completes (on the actor thread) with NONE, or the
   * error to answer: NOT_COORDINATOR if the partition moved meanwhile, COORDINATOR_NOT_AVAILABLE if the
   * in-sync replicas did not take it (clients retry both).
   */
  private CompletableFuture<Errors> write(TxnMetadata next) {
    String id = next.transactionalId();
    int p = partitionOf(id);
    Integer epoch = owned.get(p);
    TxnMetadata previous = states.get(id);
    if (previous != null && !next.state().canFollow(previous.state())) {
      throw new IllegalStateException(id + ": " + previous.state().kafkaName() + " -> " + next.state().kafkaName());
    }
    busy.add(id);
    TopicPartition tp = new TopicPartition(TxnLogFormat.TOPIC, p);
    CompletableFuture<Errors> result = new CompletableFuture<>();
    host.appendAndWait(tp, TxnLogFormat.records(next, time.milliseconds()), config.writeTimeoutMs())
        .whenComplete((ok, failure) -> execute(() -> {
          notBusy(id);
          if (epoch == null || !epoch.equals(owned.get(p))) {
            result.complete(Errors.NOT_COORDINATOR);
          } else if (failure != null) {
            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
            Errors e = Errors.forException(cause);
            log.warn("{}: writing {} to {} failed: {}", id, next.state().kafkaName(), tp, cause.toString());
            result.complete(e == Errors.NOT_LEADER_OR_FOLLOWER ? Errors.NOT_COORDINATOR : Errors.COORDINATOR_NOT_AVAILABLE);
          } else {
            if (next.state() == TxnState.DEAD) {
              states.remove(id);
            } else {
              states.put(id, next);
            }
            result.complete(Errors.NONE);
          }
        }));
    return result;
  }

  /** Sends the markers of a Prepare state, then writes CompleteCommit/CompleteAbort. */
  private void sendMarkers(TxnMetadata prepared) {
    String id = prepared.transactionalId();
    int p = partitionOf(id);
    Integer epoch = owned.get(p);
    busy.add(id);
    // Checked from the sender's threads: the image and the leader epoch are safe to read there.
    markers.send(prepared, epoch, () -> !closed && leaderEpochHere(p) == epoch)
        .whenComplete((ok, failure) -> execute(() -> {
          notBusy(id);
          if (failure != null || !epoch.equals(owned.get(p)) || !prepared.equals(states.get(id))) {
            if (failure != null && !(failure instanceof CancellationException)) {
              log.warn("{}: markers not written: {}", id, failure.toString());
            }
            return; // the next coordinator of the partition finishes it
          }
          write(TxnStateMachine.markersWritten(prepared, time.milliseconds())).thenAccept(error -> {
            if (error != Errors.NONE) {
              log.warn("{}: {} was not written ({}); retried by the next load of {}-{}", id,
                  prepared.state() == TxnState.PREPARE_COMMIT ? "CompleteCommit" : "CompleteAbort", error,
                  TxnLogFormat.TOPIC, p);
              retryCompletion(prepared);
            }
          });
        }));
  }

  /** A Complete write failed but this broker still coordinates: send the markers again and retry it. */
  private void retryCompletion(TxnMetadata prepared) {
    String id = prepared.transactionalId();
    if (!closed && prepared.equals(states.get(id)) && owned.containsKey(partitionOf(id))) {
      thread.schedule(() -> {
        if (prepared.equals(states.get(id)) && !busy.contains(id)) {
          sendMarkers(prepared);
        }
      }, TxnMarkerSender.RETRY_BACKOFF_MS, TimeUnit.MILLISECONDS);
    }
  }

  // ------------------------------------------------------------------ timer

  private void safeTick() {
    try {
      tick();
    } catch (Throwable t) {
      log.error("transaction coordinator tick failed", t);
    }
  }

  private void tick() {
    if (closed) {
      return;
    }
    reconcile();
    long now = time.milliseconds();
    if (now - lastAbortCheckMs >= config.abortTimedOutIntervalMs()) {
      lastAbortCheckMs = now;
      for (TxnMetadata m : new ArrayList<>(states.values())) {
        TxnMetadata abort = busy.contains(m.transactionalId()) ? null : TxnStateMachine.abortIfTimedOut(m, now);
        if (abort != null) {
          log.info("{}: transaction of producer {} open for {} ms, past its timeout of {} ms: aborting it",
              m.transactionalId(), m.producerId(), now - m.txnStartMs(), m.timeoutMs());
          write(abort).thenAccept(error -> {
            if (error == Errors.NONE) {
              sendMarkers(abort);
            }
          });
        }
      }
    }
    if (now - lastExpiryCheckMs >= config.removeExpiredIntervalMs()) {
      lastExpiryCheckMs = now;
      for (TxnMetadata m : new ArrayList<>(states.values())) {
        TxnMetadata dead = busy.contains(m.transactionalId()) ? null
            : TxnStateMachine.expireIfIdle(m, now, config.idExpirationMs());
        if (dead != null) {
          log.info("{}: no transaction for {} ms: forgetting it", m.transactionalId(), now - m.lastUpdateMs());
          write(dead);
        }
      }
    }
  }
}
