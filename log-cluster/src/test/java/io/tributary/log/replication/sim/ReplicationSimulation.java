package io.tributary.log.replication.sim;

import io.tributary.log.cluster.Controller.PartitionElection;
import io.tributary.log.cluster.PartitionState;
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
import io.tributary.log.replication.sim.SimMessage.StateNotification;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * A deterministic simulation of one partition's replication: 3 to 5 replicas, a producer with acks=all and
 * min.insync.replicas, ZooKeeper with the controller's election rules, a simulated network (delay, loss,
 * reordering, cut links) and a simulated clock. Faults: crashes that lose unflushed data, restarts, cut and
 * healed links, message loss, preferred-leader elections. Everything follows from one seed: no sockets, no
 * threads, no wall clock. After every step {@link ReplicationInvariants} checks the safety rules.
 *
 * <p>Fault model: a crash loses the unflushed tail (a machine crash) only while another running replica is
 * in the ISR (Kafka's durability promise for acks=all without fsync: it survives losing the unflushed tail
 * of all but one in-sync copy); otherwise it is a process crash (kill -9), which loses nothing written.
 * The controller learns of a crash when the session expires, {@link #SESSION_TIMEOUT_MS} later; the
 * replica cannot restart before (a second registration under its id is refused). After the fault phase every link heals, every replica restarts, producing stops, and
 * the cluster must converge: all replicas equal to the leader below its high watermark, which covers every
 * acknowledged record.
 */
public final class ReplicationSimulation {
  static final int ZK = -1;
  static final int CLIENT = -2;
  /** replica.lag.time.max.ms, simulated. */
  static final long LAG_TIME_MAX_MS = 60;
  /** How often a leader checks its followers' lag, simulated milliseconds. */
  static final long TICK_MS = 10;
  /** Simulated time of the fault phase, then of the quiet phase in which the cluster must converge. */
  static final long FAULT_PHASE_MS = 600;
  static final long QUIET_PHASE_MS = 400;
  /**
   * How long after a crash ZooKeeper expires the replica's session (simulated ms): longer than any message
   * delay, so what the dead process had already sent is handled before the controller reacts, as in Kafka.
   */
  static final long SESSION_TIMEOUT_MS = 3L * SimNetwork.MAX_DELAY_MS;

  /** The result of one seed. */
  public record Result(long seed, int replicas, int minInsync, long steps, int acknowledged, long committed, int crashes) {}

  /** A failed seed: the rule that broke and the steps that led there. */
  public static final class Failure extends AssertionError {
    Failure(String message) {
      super(message);
    }
  }

  private record Event(long timeMs, long seq, Runnable action) implements Comparable<Event> {
    @Override
    public int compareTo(Event o) {
      return timeMs != o.timeMs ? Long.compare(timeMs, o.timeMs) : Long.compare(seq, o.seq);
    }
  }

  private final long seed;
  private final Random random;
  private final List<String> trace;
  private final PriorityQueue<Event> events = new PriorityQueue<>();
  private final SimNetwork network;
  private final SimReplica[] replicas;
  private final List<Integer> replicaIds = new ArrayList<>();
  private final TreeSet<Integer> live = new TreeSet<>();
  private final int minInsync;
  private final ReplicationInvariants invariants;
  private PartitionState zk;
  private long now;
  private long seq;
  private long steps;
  private int crashes;
  private long nextValue;
  private int clientLeaderGuess;
  private boolean faultsOn = true;

  private ReplicationSimulation(long seed, boolean tracing) {
    this.seed = seed;
    this.random = new Random(seed);
    this.trace = tracing ? new ArrayList<>() : null;
    this.network = new SimNetwork(random);
    int n = 3 + random.nextInt(3);
    this.minInsync = 2 + random.nextInt(n - 2);
    this.replicas = new SimReplica[n];
    for (int i = 0; i < n; i++) {
      replicas[i] = new SimReplica(i, this);
      replicaIds.add(i);
      live.add(i);
    }
    this.invariants = new ReplicationInvariants(n);
  }

  /** Runs one seed; throws {@link Failure} (with the seed and a step trace) when a rule breaks. */
  public static Result run(long seed) {
    try {
      return new ReplicationSimulation(seed, false).execute();
    } catch (RuntimeException | AssertionError first) {
      // Replay the same seed with the trace on: same seed, same steps.
      ReplicationSimulation traced = new ReplicationSimulation(seed, true);
      String failure;
      try {
        traced.execute();
        failure = "seed " + seed + " failed (" + first + ") but its traced replay passed: the simulation is not deterministic";
      } catch (RuntimeException | AssertionError again) {
        failure = "seed " + seed + " (replay with -Dsim.seed=" + seed + "): " + again.getMessage() + "\n"
            + traced.traceTail(400);
      }
      Failure f = new Failure(failure);
      f.initCause(first);
      throw f;
    }
  }

  private String traceTail(int lines) {
    int from = Math.max(0, trace.size() - lines);
    StringBuilder sb = new StringBuilder("last " + (trace.size() - from) + " of " + trace.size() + " steps:\n");
    for (String line : trace.subList(from, trace.size())) {
      sb.append("  ").append(line).append('\n');
    }
    return sb.toString();
  }

  private Result execute() {
    zk = new PartitionState(0, 0, replicaIds, 1, 0);
    invariants.onZkWrite(zk);
    trace(() -> "seed " + seed + ": " + replicas.length + " replicas, min.insync.replicas=" + minInsync);
    for (SimReplica r : replicas) {
      r.applyState(zk);
      scheduleTicks(r);
      scheduleFlushes(r);
    }
    schedule(1, this::produce);
    schedule(5, this::chaos);
    schedule(FAULT_PHASE_MS, this::quiet);
    long end = FAULT_PHASE_MS + QUIET_PHASE_MS;
    while (!events.isEmpty() && events.peek().timeMs() <= end) {
      Event e = events.poll();
      now = e.timeMs();
      e.action().run();
      steps++;
      invariants.check(zk, replicas);
    }
    checkConverged();
    return new Result(seed, replicas.length, minInsync, steps, invariants.acknowledgedCount(), invariants.committedLength(), crashes);
  }

  // ---- what SimReplica uses -----------------------------------------------------------------

  long now() {
    return now;
  }

  List<Integer> replicaIds() {
    return replicaIds;
  }

  int minInsyncReplicas() {
    return minInsync;
  }

  boolean isLive(int id) {
    return live.contains(id);
  }

  ReplicationInvariants invariants() {
    return invariants;
  }

  void trace(Supplier<String> line) {
    if (trace != null) {
      trace.add(String.format("%5d ", now) + line.get());
    }
  }

  private void schedule(long delayMs, Runnable action) {
    events.add(new Event(now + delayMs, seq++, action));
  }

  /** A timer of one replica's incarnation: dropped if the replica crashed meanwhile. */
  private void scheduleFor(SimReplica r, long delayMs, Runnable action) {
    long incarnation = r.incarnation;
    schedule(delayMs, () -> {
      if (r.alive && r.incarnation == incarnation) {
        action.run();
      }
    });
  }

  void scheduleFetcherWake(SimReplica r, long delayMs) {
    scheduleFor(r, delayMs, r::fetcherWake);
  }

  void scheduleRequestTimeout(SimReplica r, long token) {
    scheduleFor(r, SimReplica.REQUEST_TIMEOUT_MS, () -> r.onRequestTimeout(token));
  }

  private void scheduleTicks(SimReplica r) {
    scheduleFor(r, TICK_MS, () -> {
      r.tick();
      scheduleTicks(r);
    });
  }

  private void scheduleFlushes(SimReplica r) {
    scheduleFor(r, 5 + random.nextInt(60), () -> {
      r.flush();
      scheduleFlushes(r);
    });
  }

  /** Sends through the simulated network; a message to a replica is lost if that replica crashes before it arrives. */
  void send(SimMessage message) {
    OptionalLong at = network.deliveryTime(message.from(), message.to(), now);
    if (at.isEmpty()) {
      trace(() -> "lost " + message);
      return;
    }
    if (message.to() >= 0) {
      SimReplica target = replicas[message.to()];
      long incarnation = target.incarnation;
      events.add(new Event(at.getAsLong(), seq++, () -> {
        if (target.alive && target.incarnation == incarnation) {
          trace(() -> "deliver " + message);
          deliver(target, message);
        }
      }));
    } else {
      events.add(new Event(at.getAsLong(), seq++, () -> {
        trace(() -> "deliver " + message);
        if (message.to() == ZK) {
          onZk((IsrWrite) message);
        } else {
          onClient((ProduceResponse) message);
        }
      }));
    }
  }

  private static void deliver(SimReplica r, SimMessage m) {
    if (m instanceof FetchRequest x) {
      r.onFetch(x);
    } else if (m instanceof FetchResponse x) {
      r.onFetchResponse(x);
    } else if (m instanceof EpochRequest x) {
      r.onEpochRequest(x);
    } else if (m instanceof EpochResponse x) {
      r.onEpochResponse(x);
    } else if (m instanceof LogStartRequest x) {
      r.onLogStartRequest(x);
    } else if (m instanceof LogStartResponse x) {
      r.onLogStartResponse(x);
    } else if (m instanceof ProduceRequest x) {
      r.onProduce(x);
    } else if (m instanceof StateNotification x) {
      r.applyState(x.state());
    } else if (m instanceof IsrWriteResult x) {
      r.onIsrWriteResult(x);
    } else {
      throw new IllegalStateException("r" + r.id + " cannot handle " + m);
    }
  }

  // ---- ZooKeeper and the controller ------------------------------------------------------------

  /** A leader's ISR compare-and-set: refused if the znode changed or the writer's session is gone. */
  private void onZk(IsrWrite write) {
    SimReplica writer = replicas[write.from()];
    boolean sameSession = writer.alive ? writer.incarnation == write.incarnation()
        : writer.incarnation == write.incarnation() + 1 && live.contains(write.from()); // crashed, session not yet expired
    if (!sameSession) {
      return; // the writer's session expired: the write never happens
    }
    if (write.expected().zkVersion() != zk.zkVersion()) {
      send(new IsrWriteResult(ZK, write.from(), write.expected(), null));
      return;
    }
    PartitionState e = write.expected();
    zkWrite(new PartitionState(e.leader(), e.leaderEpoch(), write.proposed(), e.controllerEpoch(), zk.zkVersion() + 1),
        "ISR write by r" + write.from());
    send(new IsrWriteResult(ZK, write.from(), write.expected(), zk));
  }

  private void zkWrite(PartitionState next, String why) {
    PartitionState written = next.withZkVersion(zk.zkVersion() + 1);
    trace(() -> "zk: " + why + ": leader " + zk.leader() + " -> " + written.leader() + ", epoch " + zk.leaderEpoch() + " -> "
        + written.leaderEpoch() + ", ISR " + zk.isr() + " -> " + written.isr() + " (v" + written.zkVersion() + ")");
    zk = written;
    invariants.onZkWrite(zk);
    for (int id : live) {
      if (replicas[id].alive) { // a dead process's session gets no more watches
        send(new StateNotification(ZK, id, zk));
      }
    }
    clientLeaderGuess = zk.leader(); // the producer's metadata follows (delay is in its requests' routing)
  }

  private void reconcile(String why) {
    PartitionState next = PartitionElection.onMetadataChange(zk, replicaIds, live, zk.controllerEpoch());
    if (next != null) {
      zkWrite(next, why);
    }
  }

  // ---- the producer -------------------------------------------------------------------------------

  private void produce() {
    if (!faultsOn) {
      return; // the quiet phase writes nothing new
    }
    int target = clientLeaderGuess >= 0 && random.nextInt(10) > 0 ? clientLeaderGuess : random.nextInt(replicas.length);
    long value = nextValue++;
    send(new ProduceRequest(CLIENT, target, value));
    schedule(1 + random.nextInt(6), this::produce);
  }

  private void onClient(ProduceResponse response) {
    // acks=all outcomes are recorded where the leader decides them; a lost answer changes nothing.
  }

  // ---- faults ----------------------------------------------------------------------------------

  private void chaos() {
    if (!faultsOn) {
      return;
    }
    int roll = random.nextInt(100);
    int r = random.nextInt(replicas.length);
    if (roll < 14) {
      crash(r);
    } else if (roll < 30) {
      restart(r);
    } else if (roll < 42) {
      int other = random.nextInt(replicas.length);
      if (other != r) {
        trace(() -> "cut r" + r + " <-> r" + other);
        network.cut(r, other);
      }
    } else if (roll < 54) {
      trace(() -> "heal all links");
      network.healAll();
    } else if (roll < 60) {
      double rate = new double[] {0, 0.02, 0.1, 0.3}[random.nextInt(4)];
      trace(() -> "drop rate " + rate);
      network.dropRate(rate);
    } else if (roll < 66) {
      PartitionState next = PartitionElection.preferredLeader(zk, replicaIds, live, zk.controllerEpoch());
      if (next != null) {
        zkWrite(next, "preferred leader election");
      }
    } else if (roll < 70) {
      // Isolate one replica from all others.
      trace(() -> "isolate r" + r);
      for (int other = 0; other < replicas.length; other++) {
        if (other != r) {
          network.cut(r, other);
        }
      }
    }
    schedule(3 + random.nextInt(25), this::chaos);
  }

  /**
   * Kills replica {@code id}: a machine crash (the unflushed tail is lost) when another running replica stays in
   * the ISR, both as ZooKeeper holds it and as the leader's pending change would make it; otherwise a process
   * crash (kill -9: the page cache keeps everything written).
   */
  private void crash(int id) {
    SimReplica r = replicas[id];
    if (!r.alive) {
      return;
    }
    boolean loseUnflushed = anotherRunningMember(zk.isr(), id)
        && (r.leaderState == null || r.leaderState.pendingIsr().map(p -> anotherRunningMember(p, id)).orElse(true));
    long before = r.log.logEndOffset();
    if (!loseUnflushed) {
      r.flush();
    }
    r.crash();
    invariants.onCrash(r);
    crashes++;
    trace(() -> (loseUnflushed ? "machine crash r" : "process crash r") + id + ": log end " + before + " -> "
        + r.log.logEndOffset() + ", HW " + r.highWatermark);
    schedule(SESSION_TIMEOUT_MS, () -> {
      live.remove(id);
      reconcile("r" + id + "'s session expired");
    });
  }

  private boolean anotherRunningMember(List<Integer> isr, int id) {
    return isr.stream().anyMatch(i -> i != id && replicas[i].alive);
  }

  private void restart(int id) {
    SimReplica r = replicas[id];
    if (r.alive || live.contains(id)) {
      return; // running, or its old session has not expired yet (a second registration is refused)
    }
    r.restart();
    live.add(id);
    trace(() -> "restart r" + id + " (log end " + r.log.logEndOffset() + ", HW " + r.highWatermark + ")");
    scheduleTicks(r);
    scheduleFlushes(r);
    // At start a broker reads the partition state; the controller sees it registered.
    send(new StateNotification(ZK, id, zk));
    reconcile("r" + id + " restarted");
  }

  private void quiet() {
    faultsOn = false;
    trace(() -> "quiet phase: links healed, no loss, every replica restarted, no new records");
    network.healAll();
    network.dropRate(0);
    schedule(SESSION_TIMEOUT_MS + 1, () -> {
      for (int id = 0; id < replicas.length; id++) {
        restart(id);
      }
    });
  }

  /** After the quiet phase: one leader, and every replica equal to it below its high watermark, which covers all acks. */
  private void checkConverged() {
    if (zk.leader() < 0) {
      throw new ReplicationInvariants.Violation("no leader after the quiet phase (ISR " + zk.isr() + ")");
    }
    SimReplica leader = replicas[zk.leader()];
    if (leader.leaderState == null) {
      throw new ReplicationInvariants.Violation("r" + leader.id + " never took up leadership of epoch " + zk.leaderEpoch());
    }
    if (leader.highWatermark != leader.log.logEndOffset()) {
      throw new ReplicationInvariants.Violation("leader r" + leader.id + "'s high watermark " + leader.highWatermark
          + " did not reach its log end " + leader.log.logEndOffset() + " (ISR " + zk.isr() + ")");
    }
    for (SimReplica r : replicas) {
      if (!r.log.records().equals(leader.log.records())) {
        throw new ReplicationInvariants.Violation("r" + r.id + " (log end " + r.log.logEndOffset() + ") differs from leader r"
            + leader.id + " (log end " + leader.log.logEndOffset() + ") after the quiet phase");
      }
    }
    if (zk.isr().size() != replicas.length) {
      throw new ReplicationInvariants.Violation("ISR " + zk.isr() + " not complete after the quiet phase");
    }
  }
}
