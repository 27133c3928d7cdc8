package io.tributary.connect.worker;

import static io.tributary.connect.worker.ProcessTests.await;
import static io.tributary.connect.worker.ProcessTests.size;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.connect.source.SourceHeaders;
import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.testkit.TestClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A files -> topic pipeline on a worker in its own JVM, {@code kill -9}ed twice in the middle of a file and
 * restarted while new files arrive: the topic ends with every good line exactly once, and the dead-letter
 * topic with every bad line exactly once, each with its file and line in headers.
 */
class FilesSourceCrashTest {
  static final int FILES = 3;
  static final int LINES = 40_000;
  static final int BAD_EVERY = 997;
  @TempDir Path dir;

  static String file(int f) {
    StringBuilder sb = new StringBuilder();
    for (int n = 1; n <= LINES; n++) {
      if (n % BAD_EVERY == 0) {
        sb.append("{\"id\": \"f").append(f).append('-').append(n).append("\", oops}\n");
      } else {
        sb.append("{\"id\": \"f").append(f).append('-').append(n).append("\", \"n\": ").append(n)
            .append(", \"pad\": \"0123456789012345678901234567890123456789\"}\n");
      }
    }
    return sb.toString();
  }

  @Test
  void killedMidFileTwiceEachLineLandsExactlyOnce() throws Exception {
    try (EmbeddedCluster cluster = EmbeddedCluster.start(1, dir.resolve("cluster"));
         TestingServer zk = TestZooKeeper.start(dir.resolve("zk").toFile());
         KafkaConsumer<byte[], byte[]> sizes = ProcessTests.consumer(cluster.bootstrapServers())) {
      cluster.createTopic("lines", 3, 1, Map.of());
      cluster.createTopic("lines-dlq", 1, 1, Map.of());
      Path in = dir.resolve("in");
      Path pipeline = dir.resolve("lines.yaml");
      Files.writeString(pipeline, """
          name: lines
          source:
            type: files
            path: ./in
            format: jsonl
            poll.interval.ms: 200
          sink:
            type: topic
            topic: lines
            bootstrap.servers: %s
          errors:
            tolerance: all
            dead.letter.topic: lines-dlq
          """.formatted(cluster.bootstrapServers()));
      Path config = ProcessTests.workerConfig(dir, "w1", zk.getConnectString(), "lines.yaml");
      Path log = ProcessTests.logFile("FilesSourceCrashTest-w1.log");
      int bad = LINES / BAD_EVERY;
      int good = LINES - bad;

      ProcessTests.drop(in, "f1.jsonl", file(1));
      long killedAt = -1;
      for (int round = 1; round <= FILES; round++) {
        WorkerProcess w = new WorkerProcess("w1", config, log, "-Xmx384m").start();
        if (round < FILES) {
          long from = size(sizes, "lines");
          long target = from + 5_000;
          await("5,000 more lines after restart " + round, 120_000, () -> size(sizes, "lines") >= target || !w.isAlive(),
              () -> w.logTail(40));
          w.kill9();
          killedAt = size(sizes, "lines");
          long droppedSoFar = (long) round * good;
          System.out.printf("FIGURE files crash: kill -9 number %d with %,d of the %,d good lines dropped so far in the topic%n",
              round, killedAt, droppedSoFar);
          assertTrue(killedAt < droppedSoFar, "killed in the middle of a file: " + killedAt + " < " + droppedSoFar);
          ProcessTests.drop(in, "f" + (round + 1) + ".jsonl", file(round + 1));
        } else {
          await("every line in", 180_000, () -> size(sizes, "lines") >= (long) FILES * good
              && size(sizes, "lines-dlq") >= (long) FILES * bad, () -> w.logTail(40));
          ProcessTests.Cli status = ProcessTests.connect("status", "--zookeeper", zk.getConnectString());
          System.out.println(status.out());
          assertEquals(0, status.code(), status.err());
          assertTrue(status.out().matches("(?s).*\\nlines +w1 +RUNNING .*"), status.out());
          int code = w.stop();
          assertTrue(code == 0 || code == 143, "exit code on SIGTERM: " + code);
          assertTrue(Files.readString(log).contains("worker w1: stopped"), w.logTail(30));
          for (String l : Files.readAllLines(log)) {
            if (l.contains("found in the output topics")) {
              System.out.println("FIGURE files crash: after a restart: " + l.substring(l.indexOf("recovered")));
            }
          }
        }
      }

      ObjectMapper json = new ObjectMapper();
      Map<String, Integer> seen = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : TestClients.readAll(cluster.bootstrapServers(), "lines", 3, 60_000)) {
        String file = SourceHeaders.get(r.headers(), SourceHeaders.FILE).orElseThrow();
        String line = SourceHeaders.get(r.headers(), SourceHeaders.LINE).orElseThrow();
        JsonNode v = json.readTree(r.value());
        assertEquals(file.replace(".jsonl", "") + "-" + line, v.get("id").asText());
        seen.merge(v.get("id").asText(), 1, Integer::sum);
      }
      Set<String> expectedGood = new HashSet<>();
      Set<String> expectedBad = new HashSet<>();
      for (int f = 1; f <= FILES; f++) {
        for (int n = 1; n <= LINES; n++) {
          (n % BAD_EVERY == 0 ? expectedBad : expectedGood).add("f" + f + ".jsonl:" + n);
        }
      }
      Map<String, Integer> duplicates = new HashMap<>();
      seen.forEach((id, count) -> {
        if (count > 1) {
          duplicates.put(id, count);
        }
      });
      assertEquals(Map.of(), duplicates, "lines produced more than once");
      assertEquals(expectedGood.size(), seen.size(), "good lines in the topic");

      Map<String, Integer> dlq = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : TestClients.readAll(cluster.bootstrapServers(), "lines-dlq", 1, 60_000)) {
        String where = SourceHeaders.get(r.headers(), SourceHeaders.FILE).orElseThrow() + ":"
            + SourceHeaders.get(r.headers(), SourceHeaders.LINE).orElseThrow();
        String reason = SourceHeaders.get(r.headers(), SourceHeaders.ERROR_REASON).orElseThrow();
        assertTrue(reason.startsWith("malformed JSON: Unexpected character ('o'"), reason);
        assertTrue(new String(r.value(), StandardCharsets.UTF_8).endsWith(", oops}"));
        dlq.merge(where, 1, Integer::sum);
      }
      assertNull(dlq.values().stream().filter(c -> c > 1).findAny().orElse(null), "a bad line dead-lettered twice");
      assertEquals(expectedBad, dlq.keySet());
      System.out.printf("FIGURE files crash: %,d good lines exactly once in the topic, %,d bad lines exactly once in "
          + "the dead-letter topic, after 2 kill -9%n", seen.size(), dlq.size());
    }
  }
}
