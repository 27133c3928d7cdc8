package io.tributary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.broker.Broker;
import io.tributary.log.broker.BrokerConfig;
import io.tributary.log.embedded.EmbeddedZooKeeper;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** topic / produce / consume through the CLI (in this JVM) against a real ZooKeeper and broker. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class ClusterCommandsTest {
  EmbeddedZooKeeper zk;
  Broker broker;
  String bootstrap;

  @BeforeAll
  void startCluster(@TempDir Path tmp) throws Exception {
    zk = EmbeddedZooKeeper.start("127.0.0.1", 0, tmp.resolve("zk"));
    broker = new Broker(BrokerConfig.of(Map.of(
        "broker.id", "0",
        "listeners", "PLAINTEXT://127.0.0.1:0",
        "log.dirs", tmp.resolve("broker-0").toString(),
        "zookeeper.connect", zk.connectString(),
        "offsets.topic.replication.factor", "1",
        "offsets.topic.num.partitions", "3")));
    broker.start();
    bootstrap = "127.0.0.1:" + broker.boundPort();
  }

  @AfterAll
  void stopCluster() {
    if (broker != null) {
      broker.close();
    }
    if (zk != null) {
      zk.close();
    }
  }

  private Cli.Result cli(String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--bootstrap";
    all[args.length + 1] = bootstrap;
    return Cli.run(all);
  }

  @Test
  void topicLifecycle() {
    Cli.Result create = cli("topic", "create", "events", "-p", "3", "-r", "1", "-c", "retention.ms=3600000");
    assertEquals(0, create.code(), create.toString());
    assertTrue(create.out().contains("created topic events (3 partitions, replication factor 1)"), create.toString());

    Cli.Result list = cli("topic", "list");
    assertEquals(0, list.code(), list.toString());
    assertTrue(list.out().lines().anyMatch(l -> l.matches("events\\s+3\\s+1")), list.toString());

    // Topic configs reach the broker's metadata image asynchronously (as in Kafka): poll a little.
    Cli.Result describe = cli("topic", "describe", "events");
    for (int i = 0; i < 50 && !describe.out().contains("retention.ms"); i++) {
      sleep(100);
      describe = cli("topic", "describe", "events");
    }
    assertEquals(0, describe.code(), describe.toString());
    assertTrue(describe.out().contains("PARTITIONS  3"), describe.toString());
    for (int p = 0; p < 3; p++) {
      int partition = p;
      assertTrue(describe.out().lines().anyMatch(l -> l.matches(partition + "\\s+0\\s+\\[0\\]\\s+\\[0\\]")),
          describe.toString());
    }
    assertTrue(describe.out().contains("retention.ms"), describe.toString());

    Cli.Result alter = cli("topic", "alter-config", "events", "-c", "retention.ms=7200000");
    assertEquals(0, alter.code(), alter.toString());
    Cli.Result altered = cli("topic", "describe", "events");
    for (int i = 0; i < 50 && !altered.out().contains("7200000"); i++) {
      sleep(100);
      altered = cli("topic", "describe", "events");
    }
    assertTrue(altered.out().contains("7200000"), altered.toString());

    Cli.Result dup = cli("topic", "create", "events", "-p", "3");
    assertNotEquals(0, dup.code(), dup.toString());
    assertEquals("error: cannot create topic events: topic 'events' already exists\n", dup.err(), dup.toString());

    Cli.Result delete = cli("topic", "delete", "events");
    assertEquals(0, delete.code(), delete.toString());
    Cli.Result after = cli("topic", "list");
    for (int i = 0; i < 50 && after.out().contains("events"); i++) {
      sleep(100);
      after = cli("topic", "list");
    }
    assertFalse(after.out().contains("events"), after.toString());

    Cli.Result missing = cli("topic", "describe", "no-such-topic");
    assertNotEquals(0, missing.code(), missing.toString());
    assertTrue(missing.err().contains("no-such-topic"), missing.toString());
    assertFalse(missing.err().contains("\tat "), missing.toString());
  }

  @Test
  void addPartitionsGrowsATopicAndRefusesToShrinkIt() {
    assertEquals(0, cli("topic", "create", "widened", "-p", "1", "-r", "1").code());

    Cli.Result grow = cli("topic", "add-partitions", "widened", "--count", "3");

    assertEquals(0, grow.code(), grow.toString());
    assertTrue(grow.out().startsWith("topic widened now has 3 partitions"), grow.toString());
    assertTrue(cli("topic", "describe", "widened").out().contains("PARTITIONS  3"));
    Cli.Result shrink = cli("topic", "add-partitions", "widened", "--count", "2");
    assertNotEquals(0, shrink.code(), shrink.toString());
    assertTrue(shrink.err().contains("higher than the requested 2"), shrink.toString());
    Cli.Result missing = cli("topic", "add-partitions", "no-such-topic", "--count", "2");
    assertNotEquals(0, missing.code(), missing.toString());
    assertTrue(missing.err().contains("no-such-topic"), missing.toString());
  }

  @Test
  void duplicateCreateKeepsTheTopicConfigs() {
    assertEquals(0, cli("topic", "create", "keep", "-c", "retention.ms=3600000").code());
    assertNotEquals(0, cli("topic", "create", "keep").code());
    Cli.Result describe = cli("topic", "describe", "keep");
    for (int i = 0; i < 30 && !describe.out().contains("3600000"); i++) {
      sleep(100);
      describe = cli("topic", "describe", "keep");
    }
    assertTrue(describe.out().contains("retention.ms  3600000  topic"), describe.toString());
  }

  @Test
  void produceThenConsumeRoundTrip() {
    assertEquals(0, cli("topic", "create", "roundtrip", "-p", "2").code());
    Cli.Result produce = cli("produce", "roundtrip", "-v", "--key-separator", ":",
        "--value", "a:first", "--value", "a:second", "--value", "b:third");
    assertEquals(0, produce.code(), produce.toString());
    assertEquals(3, produce.out().lines().filter(l -> l.matches("roundtrip-[01]@\\d+")).count(), produce.toString());

    Cli.Result consume = cli("consume", "roundtrip", "--from-beginning", "--max-messages", "3",
        "--timeout-ms", "20000", "--format", "%k=%v p%p o%o");
    assertEquals(0, consume.code(), consume.toString());
    assertEquals(3, consume.out().lines().count(), consume.toString());
    assertTrue(consume.out().contains("a=first"), consume.toString());
    assertTrue(consume.out().contains("a=second"), consume.toString());
    assertTrue(consume.out().contains("b=third"), consume.toString());
    // Same key, same partition, in order.
    String first = consume.out().lines().filter(l -> l.startsWith("a=first")).findFirst().orElseThrow();
    String second = consume.out().lines().filter(l -> l.startsWith("a=second")).findFirst().orElseThrow();
    assertEquals(first.split(" ")[1], second.split(" ")[1]);
  }

  @Test
  void consumeWithGroupCommitsWhatWasPrinted() {
    assertEquals(0, cli("topic", "create", "grouped", "-p", "1").code());
    assertEquals(0, cli("produce", "grouped", "--value", "1", "--value", "2", "--value", "3").code());
    Cli.Result first = cli("consume", "grouped", "-g", "g1", "--from-beginning", "-n", "2", "--timeout-ms", "30000");
    assertEquals(0, first.code(), first.toString());
    assertEquals("1\n2\n", first.out());
    Cli.Result rest = cli("consume", "grouped", "-g", "g1", "--from-beginning", "-n", "1", "--timeout-ms", "30000");
    assertEquals(0, rest.code(), rest.toString());
    assertEquals("3\n", rest.out());
  }

  @Test
  void produceReadsLinesFromStdin() {
    assertEquals(0, cli("topic", "create", "stdin-lines", "-p", "1").code());
    java.io.InputStream original = System.in;
    Cli.Result produce;
    try {
      System.setIn(new java.io.ByteArrayInputStream("k1|one\nno key\nk2|two|three\n".getBytes(
          java.nio.charset.StandardCharsets.UTF_8)));
      produce = cli("produce", "stdin-lines", "--key-separator", "|", "-v");
    } finally {
      System.setIn(original);
    }
    assertEquals(0, produce.code(), produce.toString());
    assertEquals("stdin-lines-0@0\nstdin-lines-0@1\nstdin-lines-0@2\n", produce.out());
    assertTrue(produce.err().contains("produced 3 records to topic stdin-lines"), produce.toString());
    Cli.Result consume = cli("consume", "stdin-lines", "--from-beginning", "-n", "3", "--timeout-ms", "20000",
        "-f", "%o [%k] [%v]");
    assertEquals("0 [k1] [one]\n1 [null] [no key]\n2 [k2] [two|three]\n", consume.out(), consume.toString());
  }

  @Test
  void consumeUnknownTopicIsOneLineAndDoesNotCreateIt() {
    String name = "nope-" + System.nanoTime();
    Cli.Result r = cli("consume", name, "--timeout-ms", "1000", "--request-timeout-ms", "3000");
    assertNotEquals(0, r.code(), r.toString());
    assertEquals("error: topic " + name + " does not exist at " + bootstrap + " (see ./tributary topic list)\n",
        r.err(), r.toString());
    assertFalse(cli("topic", "list").out().contains(name));
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
