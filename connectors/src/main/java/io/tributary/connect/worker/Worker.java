package io.tributary.connect.worker;

import io.tributary.connect.metrics.ConnectMetricsListener;
import io.tributary.connect.metrics.MeteredTask;
import io.tributary.connect.runtime.PipelineTasks;
import io.tributary.connect.worker.ClusterLayout.Assignment;
import io.tributary.connect.worker.ClusterLayout.StoredPipeline;
import io.tributary.connect.worker.ClusterLayout.WorkerInfo;
import io.tributary.metrics.Readiness;
import java.io.Closeable;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connect worker: joins the cluster (an ephemeral {@code /workers/<id>} kept by a {@link PersistentNode}),
 * submits the pipelines of its config, takes part in the leader election ({@link AssignmentLeader}), follows
 * {@code /workers}, {@code /pipelines} and {@code /assignment} with {@link CuratorCache}s and runs its share of
 * the pipelines ({@link TaskSupervisor}).
 *
 * <p>{@link #close()} hands over cleanly: the worker leaves the membership first (the leader moves its
 * pipelines elsewhere), stops its tasks, and releases their owner nodes so that the new owners start at once.
 */
public final class Worker implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
  static final long CONNECT_TIMEOUT_MS = 30_000;
  static final long STOP_TIMEOUT_MS = 60_000;

  private final WorkerConfig config;
  private final TaskSupervisor.TaskFactory factory;
  private final Runnable halt;
  private CuratorFramework zk;
  private PersistentNode membership;
  private AssignmentLeader leader;
  private TaskSupervisor supervisor;
  private ConnectMetricsListener metrics;
  private int metricsPort = -1;
  private CuratorCache workersCache;
  private CuratorCache pipelinesCache;
  private CuratorCache assignmentCache;

  /**
   * @param factory makes a pipeline's task
   * @param halt run when a task outlives the fencing grace period (a process worker halts the JVM)
   */
  Worker(WorkerConfig config, TaskSupervisor.TaskFactory factory, Runnable halt) {
    this.config = config;
    this.factory = factory;
    this.halt = halt;
  }

  /** A worker running every kind of pipeline, halting the JVM if fencing requires it. */
  public static Worker create(WorkerConfig config) {
    return new Worker(config, p -> PipelineTasks.create(p, Map.of()), () -> Runtime.getRuntime().halt(70));
  }

  public WorkerConfig config() {
    return config;
  }

  /** Connects, submits the config's pipelines, joins the cluster and starts running its share. */
  public Worker start() throws Exception {
    zk = ClusterLayout.connect(config.zookeeperConnect(), config.clusterName(), config.sessionTimeoutMs(),
        CONNECT_TIMEOUT_MS, config.zookeeperAuth());
    for (String path : List.of(ClusterLayout.WORKERS, ClusterLayout.PIPELINES, ClusterLayout.OWNERS,
        ClusterLayout.STATUS)) {
      try {
        zk.create().creatingParentContainersIfNeeded().forPath(path);
      } catch (KeeperException.NodeExistsException e) {
        // made by another worker
      }
    }
    for (Path file : PipelineStore.expand(config.pipelines())) {
      PipelineStore.Outcome o = PipelineStore.submit(zk, file);
      LOG.info("worker {}: pipeline file {}: {}", config.workerId(), file, o.name().toLowerCase(Locale.ROOT));
    }
    TaskSupervisor.TaskFactory tasks = factory;
    if (metricsPort >= 0) {
      metrics = ConnectMetricsListener.start(metricsPort, "worker-" + config.workerId(), this::readiness);
      tasks = p -> new MeteredTask(factory.create(p), metrics.registry());
    }
    supervisor = new TaskSupervisor(zk, config.workerId(), tasks, config.workDir(), config.statusIntervalMs(), halt);
    zk.getConnectionStateListenable().addListener((client, state) -> supervisor.connectionChanged(state));
    leader = new AssignmentLeader(zk, config.workerId());

    pipelinesCache = CuratorCache.build(zk, ClusterLayout.PIPELINES);
    pipelinesCache.listenable().addListener(CuratorCacheListener.builder()
        .forAll((type, before, after) -> {
          supervisor.pipelinesChanged(storedPipelines());
          leader.changed();
        }).build());
    workersCache = CuratorCache.build(zk, ClusterLayout.WORKERS);
    workersCache.listenable().addListener(CuratorCacheListener.builder()
        .forAll((type, before, after) -> leader.changed()).build());
    assignmentCache = CuratorCache.build(zk, ClusterLayout.ASSIGNMENT);
    assignmentCache.listenable().addListener(CuratorCacheListener.builder()
        .forAll((type, before, after) -> assignmentChanged()).build());

    byte[] me = ClusterLayout.toJson(new WorkerInfo(config.workerId(), InetAddress.getLocalHost().getHostName(),
        ProcessHandle.current().pid(), System.currentTimeMillis()));
    membership = new PersistentNode(zk, CreateMode.EPHEMERAL, false, ClusterLayout.worker(config.workerId()), me);
    membership.start();
    if (!membership.waitForInitialCreate(CONNECT_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("worker " + config.workerId() + " could not register in ZooKeeper within "
          + CONNECT_TIMEOUT_MS + " ms");
    }
    pipelinesCache.start();
    assignmentCache.start();
    workersCache.start();
    supervisor.start();
    leader.start();
    LOG.info("worker {}: joined cluster '{}' at {}", config.workerId(), config.clusterName(),
        config.zookeeperConnect());
    return this;
  }

  private Map<String, StoredPipeline> storedPipelines() {
    Map<String, StoredPipeline> out = new HashMap<>();
    pipelinesCache.stream().forEach(d -> {
      if (isChildOf(d, ClusterLayout.PIPELINES) && d.getData() != null && d.getData().length > 0) {
        try {
          StoredPipeline p = ClusterLayout.fromJson(d.getData(), StoredPipeline.class, d.getPath());
          out.put(ZKPaths.getNodeFromPath(d.getPath()), p);
        } catch (IllegalStateException e) {
          LOG.warn("worker {}: {}", config.workerId(), e.getMessage());
        }
      }
    });
    return out;
  }

  private void assignmentChanged() {
    assignmentCache.stream().filter(d -> d.getPath().endsWith(ClusterLayout.ASSIGNMENT) && d.getData() != null
            && d.getData().length > 0)
        .findFirst()
        .ifPresent(d -> supervisor.assignmentChanged(
            ClusterLayout.fromJson(d.getData(), Assignment.class, d.getPath()).pipelines()));
  }

  private static boolean isChildOf(ChildData d, String parent) {
    ZKPaths.PathAndNode pn = ZKPaths.getPathAndNode(d.getPath());
    return pn.getPath().endsWith(parent) && !pn.getNode().isEmpty();
  }

  /** Ready: connected to ZooKeeper and registered as a member of the cluster. */
  private Readiness readiness() {
    boolean connected = zk != null && zk.getZookeeperClient().isConnected();
    boolean registered = membership != null && membership.getActualPath() != null;
    return new Readiness(List.of(
        new Readiness.Check("zookeeper", connected, connected ? "connected to " + config.zookeeperConnect()
            : "not connected to " + config.zookeeperConnect()),
        new Readiness.Check("registered", registered, "worker " + config.workerId()
            + (registered ? " is a member of cluster '" : " is not yet a member of cluster '") + config.clusterName() + "'")));
  }

  /** Serve /metrics and /health on {@code port} once started (0: any free port; -1, the default: no listener). */
  public Worker metricsPort(int port) {
    if (port < -1 || port > 65535) {
      throw new IllegalArgumentException("metrics port " + port + " is not a port, 0 or -1");
    }
    this.metricsPort = port;
    return this;
  }

  /** The port of the metrics and health listener, -1 when it is off. */
  public int metricsPort() {
    return metrics == null ? -1 : metrics.boundPort();
  }

  /** Whether this worker is the cluster's leader now. */
  public boolean isLeader() {
    return leader != null && leader.isLeader();
  }

  /** Leaves the cluster, stops the tasks (flushing or committing), releases them, disconnects. */
  @Override
  public void close() {
    LOG.info("worker {}: leaving the cluster", config.workerId());
    try {
      if (membership != null) {
        membership.close();
      }
    } catch (Exception e) {
      LOG.warn("worker {}: leaving the membership: {}", config.workerId(), e.toString());
    }
    try {
      if (supervisor != null) {
        supervisor.stopAll(STOP_TIMEOUT_MS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (AutoCloseable c : new AutoCloseable[] {leader, workersCache, pipelinesCache, assignmentCache}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        LOG.debug("closing {}: {}", c, e.toString());
      }
    }
    if (supervisor != null) {
      supervisor.close();
    }
    if (zk != null) {
      zk.close();
    }
    if (metrics != null) {
      metrics.close();
    }
    LOG.info("worker {}: stopped", config.workerId());
  }
}
