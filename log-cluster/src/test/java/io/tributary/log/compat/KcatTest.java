package io.tributary.log.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.testkit.ExternalTool;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** librdkafka's kcat lists metadata, produces and consumes against the broker. */
class KcatTest {
  @TempDir static Path dir;
  static EmbeddedCluster cluster;
  static Path kcat;

  @BeforeAll
  static void start() throws Exception {
    kcat = ExternalTool.require("kcat");
    cluster = EmbeddedCluster.start(1, dir);
    cluster.createTopic("kcat-topic", 3, 1, Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void listsMetadata() throws Exception {
    ExternalTool.Result r = ExternalTool.run(List.of(kcat.toString(), "-b", cluster.bootstrapServers(), "-L", "-m", "10"), null, 60);
    assertEquals(0, r.exitCode(), r.stderr());
    assertTrue(r.stdout().contains("1 brokers:"), r.stdout());
    assertTrue(r.stdout().contains("topic \"kcat-topic\" with 3 partitions"), r.stdout());
    assertTrue(r.stdout().contains("partition 0, leader 0, replicas: 0, isrs: 0"), r.stdout());
  }

  @Test
  void producesAndConsumes() throws Exception {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      lines.append("key-").append(i).append(':').append("value-").append(i).append('\n');
    }
    ExternalTool.Result produced = ExternalTool.run(List.of(kcat.toString(), "-b", cluster.bootstrapServers(), "-P",
        "-t", "kcat-produce", "-K", ":", "-X", "topic.request.required.acks=-1", "-X", "allow.auto.create.topics=true"), lines.toString(), 60);
    assertEquals(0, produced.exitCode(), produced.stderr());

    ExternalTool.Result consumed = ExternalTool.run(List.of(kcat.toString(), "-b", cluster.bootstrapServers(), "-C",
        "-t", "kcat-produce", "-o", "beginning", "-e", "-q", "-f", "%k=%s\\n"), null, 60);
    assertEquals(0, consumed.exitCode(), consumed.stderr());
    List<String> got = consumed.stdout().lines().sorted().toList();
    assertEquals(100, got.size(), consumed.stdout());
    for (int i = 0; i < 100; i++) {
      assertTrue(got.contains("key-" + i + "=value-" + i), "missing record " + i);
    }
  }
}
