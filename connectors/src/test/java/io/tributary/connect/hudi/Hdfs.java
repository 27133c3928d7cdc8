package io.tributary.connect.hudi;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/** One real HDFS (name node + data node, in-process) for the whole test JVM: it takes seconds to start. */
final class Hdfs {
  private static MiniDFSCluster cluster;

  private Hdfs() {}

  /** hdfs://127.0.0.1:port, started on first use and shut down when the JVM exits. */
  static synchronized String uri() throws Exception {
    if (cluster == null) {
      Path base = Files.createTempDirectory("tributary-minidfs");
      Configuration conf = new Configuration();
      conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.toString());
      conf.set("dfs.replication", "1");
      conf.set("dfs.namenode.rpc-address", "127.0.0.1:0");
      cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
      cluster.waitActive();
      MiniDFSCluster c = cluster;
      Runtime.getRuntime().addShutdownHook(new Thread(c::shutdown, "minidfs-shutdown"));
    }
    return "hdfs://127.0.0.1:" + cluster.getNameNodePort();
  }
}
