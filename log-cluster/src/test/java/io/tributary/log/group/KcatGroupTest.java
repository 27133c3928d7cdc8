package io.tributary.log.group;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.testkit.ExternalTool;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Done-when 4: librdkafka (kcat -G, balanced consumer) joins a group, commits, and resumes from its commits. */
class KcatGroupTest {

  /** Note: in -G mode kcat's {@code -o} overrides committed offsets at every assignment; auto.offset.reset does not. */
  static List<String> kcatGroup(Path kcat, String bootstrap, String group, String topic) throws Exception {
    ExternalTool.Result r = ExternalTool.run(List.of(kcat.toString(), "-b", bootstrap, "-G", group, "-X", "auto.offset.reset=earliest",
        "-e", "-q", "-f", "%s\\n", "-X", "auto.commit.interval.ms=100", "-X", "session.timeout.ms=6000", topic), null, 90);
    assertEquals(0, r.exitCode(), "kcat failed: " + r.stderr());
    List<String> lines = new ArrayList<>();
    for (String l : r.stdout().split("\n")) {
      if (!l.isBlank()) {
        lines.add(l);
      }
    }
    return lines;
  }

  @Test
  void kcatBalancedConsumerResumesFromItsCommits(@TempDir Path dir) throws Exception {
    Path kcat = ExternalTool.require("kcat");
    try (EmbeddedCluster cluster = EmbeddedCluster.start(1, dir, CommitResumeTest.groupOverrides())) {
      cluster.createTopic("kc", 3, 1, Map.of());
      CommitResumeTest.produce(cluster, "kc", 3, 0, 90);

      List<String> first = kcatGroup(kcat, cluster.bootstrapServers(), "kgroup", "kc");
      assertEquals(90, first.size(), "first run reads everything: " + first);
      assertEquals(90, new TreeSet<>(first).size());

      try (Admin admin = cluster.admin()) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets("kgroup").partitionsToOffsetAndMetadata().get();
        assertEquals(3, committed.size(), "kcat committed all partitions: " + committed);
        committed.values().forEach(o -> assertEquals(30, o.offset()));
      }

      CommitResumeTest.produce(cluster, "kc", 3, 90, 120);
      List<String> second = kcatGroup(kcat, cluster.bootstrapServers(), "kgroup", "kc");
      TreeSet<String> expected = new TreeSet<>();
      for (int i = 90; i < 120; i++) {
        expected.add("v" + i);
      }
      assertEquals(expected, new TreeSet<>(second), "second run resumes at the committed offsets");
      assertEquals(30, second.size());
      System.out.println("KcatGroupTest: kcat -G read 90, committed 3x30, then resumed with exactly the 30 new records");
    }
  }
}
