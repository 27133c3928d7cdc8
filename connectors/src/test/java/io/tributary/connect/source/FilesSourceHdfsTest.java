package io.tributary.connect.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.connect.PipelineLoader;
import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.testkit.TestClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files source reading a directory of real HDFS (MiniDFSCluster): files renamed in while it runs, CSV. */
class FilesSourceHdfsTest {
  @TempDir Path dir;

  @Test
  void readsCsvFilesAsTheyAppearOnHdfs() throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.resolve("dfs").toString());
    conf.set("dfs.replication", "1");
    MiniDFSCluster hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    try (EmbeddedCluster cluster = EmbeddedCluster.start(1, dir.resolve("cluster"))) {
      hdfs.waitActive();
      String uri = "hdfs://127.0.0.1:" + hdfs.getNameNodePort() + "/incoming/orders";
      FileSystem fs = hdfs.getFileSystem();
      fs.mkdirs(new org.apache.hadoop.fs.Path(uri));
      Path yaml = dir.resolve("hdfs.yaml");
      Files.writeString(yaml, """
          name: hdfs-orders
          source:
            type: files
            path: %s
            format: csv
            poll.interval.ms: 100
          sink:
            type: topic
            topic: hdfs-orders
            bootstrap.servers: %s
          """.formatted(uri, cluster.bootstrapServers()));
      FilesSourceTask task = FilesSourceTask.create(PipelineLoader.load(yaml), Map.of());
      CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
        try {
          task.run();
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      write(fs, uri, "a.csv", "id,qty\n1,10\n2,20\n");
      FilesSourceTaskTest.await("2 out", () -> task.metrics().recordsOut() == 2);
      write(fs, uri, "b.csv", "id,qty\n3,30\n");
      FilesSourceTaskTest.await("3 out", () -> task.metrics().recordsOut() == 3);
      task.stop();
      running.get(30, TimeUnit.SECONDS);

      List<ConsumerRecord<byte[], byte[]>> records =
          TestClients.readAll(cluster.bootstrapServers(), "hdfs-orders", 1, 30_000);
      assertEquals(List.of("a.csv:2 {\"id\":\"1\",\"qty\":\"10\"}", "a.csv:3 {\"id\":\"2\",\"qty\":\"20\"}",
          "b.csv:2 {\"id\":\"3\",\"qty\":\"30\"}"), records.stream()
          .map(r -> SourceHeaders.get(r.headers(), SourceHeaders.FILE).orElseThrow() + ":"
              + SourceHeaders.get(r.headers(), SourceHeaders.LINE).orElseThrow() + " "
              + new String(r.value(), StandardCharsets.UTF_8))
          .toList());
    } finally {
      hdfs.shutdown();
    }
  }

  /** Written under a hidden name, then renamed in: the source sees only complete files. */
  static void write(FileSystem fs, String dir, String name, String content) throws Exception {
    org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(dir, "_" + name + ".tmp");
    try (FSDataOutputStream out = fs.create(tmp)) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    }
    fs.rename(tmp, new org.apache.hadoop.fs.Path(dir, name));
  }
}
