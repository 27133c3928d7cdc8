package io.tributary.log.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.testkit.ChildProcess;
import io.tributary.testkit.JvmProcessBuilder;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kafka-clients 4.x producer and consumer, in their own JVM (the reactor pins 3.9 for the codec),
 * round-trip 1,000,000 records of 100 bytes over 6 partitions in order.
 */
class Kafka4ClientTest {

  @Test
  void kafkaClients4RoundTripsAMillionRecords(@TempDir Path dir) throws Exception {
    Path jar4;
    try (Stream<Path> jars = Files.list(Path.of("target", "kafka-clients-4"))) {
      jar4 = jars.filter(p -> p.getFileName().toString().startsWith("kafka-clients-4")).findFirst()
          .orElseThrow(() -> new AssertionError("target/kafka-clients-4 has no 4.x jar: run through Maven"));
    }
    // The test classpath with kafka-clients 3.x swapped for the 4.x jar.
    List<String> entries = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!Path.of(e).getFileName().toString().matches("kafka-clients-3.*\\.jar")) {
        entries.add(e);
      }
    }
    entries.add(0, jar4.toAbsolutePath().toString());

    try (EmbeddedCluster cluster = EmbeddedCluster.start(1, dir)) {
      cluster.createTopic("clients-4", 6, 1, Map.of());
      Path out = dir.resolve("child.out");
      ChildProcess child = JvmProcessBuilder.main(ClientRoundTrip.class.getName()).jvmArgs("-Xmx512m")
          .classpath(String.join(File.pathSeparator, entries))
          .args(cluster.bootstrapServers(), "clients-4", "1000000", "6").logFile(out).start();
      boolean finished = child.waitForExit(Duration.ofSeconds(300)).isPresent();
      if (!finished) {
        child.kill9();
      }
      String output = Files.readString(out);
      assertTrue(finished, "4.x client timed out:\n" + output);
      System.out.println(output);
      String result = output.lines().filter(l -> l.startsWith("RESULT")).findFirst().orElse("no RESULT line:\n" + output);
      assertTrue(result.contains("version=4."), "the child ran kafka-clients 4.x: " + result);
      assertEquals(0, child.exitValue(), result);
      assertTrue(result.contains("consumed=1000000 ordered=true"), result);
    }
  }
}
