package io.tributary.connect.worker;

import io.tributary.connect.PipelineException;
import java.nio.file.Path;
import org.apache.curator.framework.CuratorFramework;
import picocli.CommandLine.Option;

/** How the cluster commands find a worker cluster: a worker config, or ZooKeeper and a cluster name. */
public final class ClusterOptions {
  @Option(names = "--zookeeper", paramLabel = "HOST:PORT[,...]",
      description = "ZooKeeper of the worker cluster (default: from --config, else 127.0.0.1:2181)")
  String zookeeper;

  @Option(names = "--cluster", paramLabel = "NAME",
      description = "worker cluster name (default: from --config, else 'default')")
  String cluster;

  @Option(names = "--config", paramLabel = "WORKER.properties",
      description = "take ZooKeeper and the cluster name from a worker config")
  Path config;

  public String zookeeperConnect() throws PipelineException {
    if (zookeeper != null) {
      return zookeeper;
    }
    return config != null ? WorkerConfig.load(config).zookeeperConnect() : WorkerConfig.ZOOKEEPER_CONNECT.defaultValue();
  }

  public String clusterName() throws PipelineException {
    if (cluster != null) {
      return cluster;
    }
    return config != null ? WorkerConfig.load(config).clusterName() : WorkerConfig.CLUSTER_NAME.defaultValue();
  }

  CuratorFramework connect() throws Exception {
    return ClusterLayout.connect(zookeeperConnect(), clusterName(), 15_000, 15_000);
  }

  String describe() throws PipelineException {
    return "cluster '" + clusterName() + "' at " + zookeeperConnect();
  }
}
