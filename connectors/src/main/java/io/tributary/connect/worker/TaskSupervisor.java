package io.tributary.connect.worker;

import io.tributary.connect.Pipeline;
import io.tributary.connect.PipelineLoader;
import io.tributary.connect.runtime.PipelineLogContext;
import io.tributary.connect.runtime.PipelineMetrics;
import io.tributary.connect.runtime.PipelineTask;
import io.tributary.connect.worker.ClusterLayout.StoredPipeline;
import io.tributary.connect.worker.ClusterLayout.TaskStatus;
import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs the pipelines assigned to this worker, one thread per task, and never one that another worker may be
 * running.
 *
 * <p><b>Ownership.</b> Before starting a pipeline the worker creates the ephemeral node
 * {@code /owners/<name>}; if it exists (the previous owner is still stopping, or its session has not expired
 * yet) the worker waits and tries again. A worker that gives a pipeline up stops the task, waits for
 * {@link PipelineTask#run()} to return (its final flush or commit included), and only then deletes the node.
 * A worker that dies loses the node when ZooKeeper expires its session.
 *
 * <p><b>Fencing.</b> A worker cut off from ZooKeeper cannot know whether its session, and so its owner nodes,
 * still exist. On {@code SUSPENDED} (no answer from ZooKeeper for 2/3 of the session timeout) it stops every
 * task at once; ZooKeeper expires the session, and lets another worker own the pipelines, only after the full
 * timeout. A task that has not returned {@code session timeout / 4} after the suspension gets the process
 * halted, so the old owner is gone before a new one can start. The argument assumes the process is not
 * frozen (SIGSTOP, a very long GC pause) for longer than the session timeout, as every lease does.
 *
 * <p>All decisions run on one thread ({@link #reconcile()}), woken by assignment and pipeline changes, task
 * exits, connection changes and a one-second tick; task threads only run tasks.
 */
final class TaskSupervisor implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(TaskSupervisor.class);
  static final long TICK_MS = 1000;
  static final long FIRST_RETRY_MS = 2000;
  static final long MAX_RETRY_MS = 60_000;

  /** Makes the task of a pipeline (throws when it cannot run: a message for the status). */
  interface TaskFactory {
    PipelineTask create(Pipeline pipeline) throws Exception;
  }

  /** One running task. */
  private static final class Running {
    final String name;
    final StoredPipeline config;
    final PipelineTask task;
    final long startedMillis;
    final Thread thread;
    volatile boolean stopRequested;
    volatile Throwable failure;
    volatile boolean done;

    Running(String name, StoredPipeline config, PipelineTask task, long startedMillis, Thread thread) {
      this.name = name;
      this.config = config;
      this.task = task;
      this.startedMillis = startedMillis;
      this.thread = thread;
    }
  }

  /** A pipeline whose task failed or could not be made; retried at {@code retryAtMillis}. */
  private record Failure(StoredPipeline config, String message, int attempts, long retryAtMillis,
      PipelineMetrics metrics, long startedMillis) {}

  /** A pipeline whose task returned by itself (its source ended); not started again unless resubmitted. */
  private record Finished(StoredPipeline config, PipelineMetrics metrics, long startedMillis) {}

  private final CuratorFramework zk;
  private final String workerId;
  private final TaskFactory factory;
  private final Path workDir;
  private final long statusIntervalMs;
  private final Runnable halt;
  private final ScheduledExecutorService loop;

  private final Map<String, Running> running = new ConcurrentHashMap<>();
  // loop thread only
  private final Map<String, Failure> failures = new HashMap<>();
  private final Map<String, Finished> finished = new HashMap<>();
  private final Set<String> owned = new HashSet<>();
  private final Set<String> waitingForOwner = new HashSet<>();
  private long nextStatusMillis;

  private volatile Map<String, String> assignment = Map.of();
  private volatile Map<String, StoredPipeline> pipelines = Map.of();
  private volatile boolean fenced;
  private volatile boolean closing;

  /**
   * @param halt what to do when a task outlives the fencing grace period (the process: halt the JVM)
   */
  TaskSupervisor(CuratorFramework zk, String workerId, TaskFactory factory, Path workDir, long statusIntervalMs,
      Runnable halt) {
    this.zk = zk;
    this.workerId = workerId;
    this.factory = factory;
    this.workDir = workDir;
    this.statusIntervalMs = statusIntervalMs;
    this.halt = halt;
    this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "connect-supervisor-" + workerId);
      t.setDaemon(true);
      return t;
    });
  }

  void start() {
    loop.scheduleWithFixedDelay(this::reconcileSafely, 0, TICK_MS, TimeUnit.MILLISECONDS);
  }

  /** The leader's latest assignment (pipeline to worker). */
  void assignmentChanged(Map<String, String> next) {
    assignment = Map.copyOf(next);
    wake();
  }

  /** The stored pipelines changed. */
  void pipelinesChanged(Map<String, StoredPipeline> next) {
    pipelines = Map.copyOf(next);
    wake();
  }

  /** The names of the pipelines running here now. */
  Set<String> runningPipelines() {
    return Set.copyOf(running.keySet());
  }

  private void wake() {
    try {
      loop.execute(this::reconcileSafely);
    } catch (RejectedExecutionException closed) {
      // the worker is closing
    }
  }

  /** Called on Curator's event thread: fence at once on SUSPENDED/LOST, resume on (RE)CONNECTED. */
  void connectionChanged(ConnectionState state) {
    if (state == ConnectionState.SUSPENDED || state == ConnectionState.LOST) {
      if (!fenced) {
        fenced = true;
        fence(state);
      }
    } else if (state.isConnected()) {
      if (fenced) {
        LOG.info("worker {}: ZooKeeper {} again; pipelines restart once this worker owns them again", workerId,
            state == ConnectionState.RECONNECTED ? "reachable" : "connected");
      }
      fenced = false;
      wake();
    }
  }

  private void fence(ConnectionState state) {
    List<Running> stopping = new ArrayList<>(running.values());
    long sessionTimeoutMs = negotiatedSessionTimeoutMs();
    long graceMs = Math.max(100, sessionTimeoutMs / 4);
    LOG.warn("worker {}: ZooKeeper connection {}: stopping all {} pipelines now (another worker may own them once "
        + "the session of {} ms expires); halting if they have not stopped within {} ms", workerId, state,
        stopping.size(), sessionTimeoutMs, graceMs);
    for (Running r : stopping) {
      r.stopRequested = true;
      r.task.stop();
    }
    if (stopping.isEmpty()) {
      return;
    }
    long session = sessionId();
    Thread watchdog = new Thread(() -> {
      long deadline = System.currentTimeMillis() + graceMs;
      for (Running r : stopping) {
        long left = deadline - System.currentTimeMillis();
        try {
          if (left > 0) {
            r.thread.join(left);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      List<String> alive = stopping.stream().filter(r -> r.thread.isAlive()).map(r -> r.name).toList();
      boolean sameSessionBack = !fenced && sessionId() == session;
      if (!alive.isEmpty() && !sameSessionBack) {
        LOG.error("worker {}: pipelines {} did not stop within {} ms of losing ZooKeeper: halting the process so "
            + "that no other worker runs them at the same time", workerId, alive, graceMs);
        halt.run();
      }
    }, "connect-fence-" + workerId);
    watchdog.setDaemon(true);
    watchdog.start();
  }

  private long negotiatedSessionTimeoutMs() {
    try {
      return zk.getZookeeperClient().getZooKeeper().getSessionTimeout();
    } catch (Exception e) {
      return zk.getZookeeperClient().getConnectionTimeoutMs();
    }
  }

  private long sessionId() {
    try {
      return zk.getZookeeperClient().getZooKeeper().getSessionId();
    } catch (Exception e) {
      return -1;
    }
  }

  private void reconcileSafely() {
    try {
      reconcile();
    } catch (Throwable t) {
      LOG.warn("worker {}: reconcile failed (retried on the next tick): {}", workerId, t.toString());
    }
  }

  /** Brings the running tasks in line with the assignment (loop thread). */
  private void reconcile() throws Exception {
    long now = System.currentTimeMillis();
    collectExits(now);
    if (fenced || closing) {
      return;
    }
    Map<String, StoredPipeline> stored = pipelines;
    Set<String> desired = new HashSet<>();
    assignment.forEach((p, w) -> {
      if (w.equals(workerId) && stored.containsKey(p)) {
        desired.add(p);
      }
    });
    for (Running r : running.values()) {
      boolean changed = stored.containsKey(r.name) && !stored.get(r.name).equals(r.config);
      if ((!desired.contains(r.name) || changed) && !r.stopRequested) {
        LOG.info("worker {}: stopping pipeline {} ({})", workerId, r.name,
            changed ? "resubmitted with changes" : "no longer assigned here");
        r.stopRequested = true;
        r.task.stop();
      }
    }
    for (String p : new ArrayList<>(owned)) {
      if (!desired.contains(p) && !running.containsKey(p)) {
        release(p);
      }
    }
    waitingForOwner.retainAll(desired);
    for (String p : desired) {
      StoredPipeline config = stored.get(p);
      if (running.containsKey(p)) {
        continue;
      }
      Finished f = finished.get(p);
      if (f != null && f.config().equals(config)) {
        continue;
      }
      Failure failure = failures.get(p);
      if (failure != null && failure.config().equals(config) && now < failure.retryAtMillis()) {
        continue;
      }
      if (!acquire(p)) {
        if (waitingForOwner.add(p)) {
          LOG.info("worker {}: pipeline {} is assigned here; waiting for its previous owner to let it go", workerId, p);
        }
        continue;
      }
      waitingForOwner.remove(p);
      start(p, config, failure == null || !failure.config().equals(config) ? 0 : failure.attempts());
    }
    if (now >= nextStatusMillis) {
      publishStatus(now);
      nextStatusMillis = now + statusIntervalMs;
    }
  }

  /** Removes tasks whose run() returned, recording why. */
  private void collectExits(long now) throws Exception {
    for (Running r : new ArrayList<>(running.values())) {
      if (!r.done) {
        continue;
      }
      running.remove(r.name);
      PipelineMetrics m = r.task.metrics();
      if (r.stopRequested) {
        LOG.info("worker {}: pipeline {} stopped ({})", workerId, r.name, m);
        failures.remove(r.name);
      } else if (r.failure != null) {
        int attempts = failures.containsKey(r.name) ? failures.get(r.name).attempts() + 1 : 1;
        long backoff = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS << Math.min(10, attempts - 1));
        String message = describe(r.failure);
        LOG.warn("worker {}: pipeline {} failed (attempt {}, retrying in {} ms): {}", workerId, r.name, attempts,
            backoff, message, r.failure);
        failures.put(r.name, new Failure(r.config, message, attempts, now + backoff, m, r.startedMillis));
      } else {
        LOG.info("worker {}: pipeline {} finished: its source ended ({})", workerId, r.name, m);
        finished.put(r.name, new Finished(r.config, m, r.startedMillis));
        failures.remove(r.name);
      }
      if (!fenced) {
        publishStatus(now);
      }
    }
  }

  private void start(String name, StoredPipeline config, int previousAttempts) {
    long now = System.currentTimeMillis();
    PipelineTask task;
    try {
      task = factory.create(materialize(config));
    } catch (Exception e) {
      long backoff = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS << Math.min(10, previousAttempts));
      String message = describe(e);
      LOG.warn("worker {}: pipeline {} cannot start (retrying in {} ms): {}", workerId, name, backoff, message);
      failures.put(name, new Failure(config, message, previousAttempts + 1, now + backoff, null, now));
      publishStatus(now);
      return;
    }
    Running[] holder = new Running[1];
    Thread thread = new Thread(() -> {
      Running r = holder[0];
      MDC.put(PipelineLogContext.KEY, name);
      try {
        task.run();
      } catch (Throwable t) {
        r.failure = t;
      } finally {
        r.done = true;
        wake();
      }
    }, "pipeline-" + name);
    Running r = new Running(name, config, task, now, thread);
    holder[0] = r;
    running.put(name, r);
    finished.remove(name);
    LOG.info("worker {}: starting pipeline {}", workerId, name);
    thread.start();
    publishStatus(now);
  }

  /**
   * The pipeline as the worker runs it: validated as if read from the submitted path (relative paths resolve as
   * on the submitting machine), backed by a local copy of the YAML (the runtime re-reads its file).
   */
  private Pipeline materialize(StoredPipeline config) throws Exception {
    Pipeline parsed = PipelineLoader.parse(Path.of(config.file()), config.yaml());
    Path local = workDir.resolve("pipelines").resolve(config.name() + ".yaml");
    Files.createDirectories(local.getParent());
    Files.writeString(local, config.yaml(), StandardCharsets.UTF_8);
    return new Pipeline(local, parsed.name(), parsed.source(), parsed.transforms(), parsed.sink(), parsed.schema(),
        parsed.errors(), parsed.security());
  }

  /** Creates the owner node, or finds it already ours (same session); false if another worker holds it. */
  private boolean acquire(String name) throws Exception {
    String path = ClusterLayout.owner(name);
    try {
      zk.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
          .forPath(path, workerId.getBytes(StandardCharsets.UTF_8));
      owned.add(name);
      return true;
    } catch (KeeperException.NodeExistsException e) {
      Stat stat = zk.checkExists().forPath(path);
      if (stat != null && stat.getEphemeralOwner() == sessionId()) {
        owned.add(name);
        return true;
      }
      return false;
    }
  }

  /** Deletes the owner node if this session holds it. */
  private void release(String name) throws Exception {
    String path = ClusterLayout.owner(name);
    Stat stat = zk.checkExists().forPath(path);
    if (stat != null && stat.getEphemeralOwner() == sessionId()) {
      try {
        zk.delete().withVersion(stat.getVersion()).forPath(path);
        LOG.info("worker {}: released pipeline {}", workerId, name);
      } catch (KeeperException.NoNodeException | KeeperException.BadVersionException gone) {
        // already gone
      }
    }
    owned.remove(name);
    failures.remove(name);
    finished.remove(name);
  }

  private void publishStatus(long now) {
    Map<String, TaskStatus> out = new HashMap<>();
    for (Running r : running.values()) {
      out.put(r.name, status(r.stopRequested ? "STOPPING" : "RUNNING", null, r.task.metrics(), r.startedMillis, now));
    }
    failures.forEach((p, f) -> {
      if (!out.containsKey(p) && owned.contains(p)) {
        out.put(p, status("FAILED", f.message(), f.metrics(), f.startedMillis(), now));
      }
    });
    finished.forEach((p, f) -> {
      if (!out.containsKey(p) && owned.contains(p)) {
        out.put(p, status("FINISHED", null, f.metrics(), f.startedMillis(), now));
      }
    });
    for (Map.Entry<String, TaskStatus> e : out.entrySet()) {
      try {
        zk.create().orSetData().creatingParentContainersIfNeeded()
            .forPath(ClusterLayout.status(e.getKey()), ClusterLayout.toJson(e.getValue()));
      } catch (Exception ex) {
        LOG.debug("worker {}: status of {} not published: {}", workerId, e.getKey(), ex.toString());
      }
    }
  }

  private TaskStatus status(String state, String error, PipelineMetrics m, long startedMillis, long now) {
    if (m == null) {
      return new TaskStatus(workerId, state, error, 0, 0, 0, 0, null, null, startedMillis, now);
    }
    return new TaskStatus(workerId, state, error, m.recordsIn(), m.recordsOut(), m.deadLettered(),
        m.droppedByFilter(), m.lag().isPresent() ? m.lag().getAsLong() : null,
        m.lastCommitMillis().isPresent() ? m.lastCommitMillis().getAsLong() : null, startedMillis, now);
  }

  private static String describe(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && (c.getMessage() == null || c instanceof ExecutionException)) {
      c = c.getCause();
    }
    String m = c.getMessage();
    return m == null ? c.getClass().getSimpleName() : m;
  }

  /**
   * Stops every task, waits for them to return (up to {@code timeoutMs}), publishes their last status and
   * releases the owner nodes, so that other workers can take the pipelines over at once.
   */
  void stopAll(long timeoutMs) throws InterruptedException {
    closing = true;
    for (Running r : running.values()) {
      r.stopRequested = true;
      r.task.stop();
    }
    long deadline = System.currentTimeMillis() + timeoutMs;
    for (Running r : running.values()) {
      r.thread.join(Math.max(1, deadline - System.currentTimeMillis()));
    }
    try {
      loop.submit(() -> {
        collectExits(System.currentTimeMillis());
        if (running.isEmpty()) {
          for (String p : new ArrayList<>(owned)) {
            release(p);
          }
        } else {
          LOG.warn("worker {}: pipelines {} did not stop within {} ms; their owner nodes go with the session",
              workerId, running.keySet(), timeoutMs);
        }
        return null;
      }).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("worker {}: releasing pipelines failed: {}", workerId, e.toString());
    }
  }

  @Override
  public void close() {
    loop.shutdownNow();
  }
}
