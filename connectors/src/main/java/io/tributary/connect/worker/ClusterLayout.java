package io.tributary.connect.worker;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.config.ZooKeeperAuth;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;

/**
 * Where a worker cluster keeps its state in ZooKeeper, under {@code /tributary/connect/<cluster.name>}, and the
 * JSON of each node.
 *
 * <pre>
 * /workers/&lt;id&gt;       ephemeral  {@link WorkerInfo}: the live workers
 * /pipelines/&lt;name&gt;   persistent {@link StoredPipeline}: what the cluster runs (connect submit / remove)
 * /leader/...          LeaderLatch: the worker that computes the assignment
 * /assignment          persistent {@link Assignment}: pipeline to worker, written by the leader
 * /owners/&lt;name&gt;      ephemeral  the id of the worker running the pipeline: at most one, ever
 * /status/&lt;name&gt;      persistent {@link TaskStatus}: state and metrics, written by the owner
 * </pre>
 */
public final class ClusterLayout {
  public static final String WORKERS = "/workers";
  public static final String PIPELINES = "/pipelines";
  public static final String LEADER = "/leader";
  public static final String ASSIGNMENT = "/assignment";
  public static final String OWNERS = "/owners";
  public static final String STATUS = "/status";

  static final ObjectMapper JSON = new ObjectMapper()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private ClusterLayout() {}

  /** A live worker. */
  public record WorkerInfo(String id, String host, long pid, long startedMillis) {}

  /**
   * A submitted pipeline: its YAML as submitted, and the path it was read from (which names errors and anchors
   * relative paths, on the submitting machine).
   */
  public record StoredPipeline(String name, String file, String yaml, long submittedMillis) {}

  /** The leader's decision: which worker runs which pipeline. */
  public record Assignment(long generation, String leader, Map<String, String> pipelines) {
    public Assignment {
      pipelines = Map.copyOf(pipelines);
    }
  }

  /**
   * What the owner of a pipeline reports.
   *
   * @param state RUNNING, STOPPING, FAILED (see error; retried later) or FINISHED (the source ended)
   */
  public record TaskStatus(String worker, String state, String error, long recordsIn, long recordsOut,
      long deadLettered, long droppedByFilter, Long lag, Long lastCommitMillis, long startedMillis,
      long updatedMillis) {}

  static String namespace(String cluster) {
    return "tributary/connect/" + cluster;
  }

  static String worker(String id) {
    return WORKERS + "/" + id;
  }

  static String pipeline(String name) {
    return PIPELINES + "/" + name;
  }

  static String owner(String name) {
    return OWNERS + "/" + name;
  }

  static String status(String name) {
    return STATUS + "/" + name;
  }

  static byte[] toJson(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static <T> T fromJson(byte[] bytes, Class<T> type, String path) {
    try {
      return JSON.readValue(bytes, type);
    } catch (IOException e) {
      throw new IllegalStateException("ZooKeeper node " + path + " does not hold a " + type.getSimpleName() + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * A started client whose paths are relative to the cluster's node; waits up to {@code connectTimeoutMs} for a
   * connection.
   */
  public static CuratorFramework connect(String zookeeperConnect, String cluster, long sessionTimeoutMs,
      long connectTimeoutMs) throws InterruptedException {
    return connect(zookeeperConnect, cluster, sessionTimeoutMs, connectTimeoutMs, ZooKeeperAuth.NONE);
  }

  /** As above, logging in and creating znodes with the cluster's ACLs ({@code zookeeper.set.acl}). */
  public static CuratorFramework connect(String zookeeperConnect, String cluster, long sessionTimeoutMs,
      long connectTimeoutMs, ZooKeeperAuth zkAuth) throws InterruptedException {
    CuratorFramework zk = zkAuth.applyTo(CuratorFrameworkFactory.builder()
        .connectString(zookeeperConnect)
        .namespace(namespace(cluster))
        .sessionTimeoutMs((int) sessionTimeoutMs)
        .connectionTimeoutMs((int) Math.min(sessionTimeoutMs, 15_000))
        .retryPolicy(new ExponentialBackoffRetry(200, 20, 2000)), namespace(cluster))
        .build();
    zk.start();
    if (!zk.blockUntilConnected((int) connectTimeoutMs, TimeUnit.MILLISECONDS)) {
      zk.close();
      throw new IllegalStateException("no connection to ZooKeeper at " + zookeeperConnect + " within "
          + connectTimeoutMs + " ms");
    }
    return zk;
  }
}
