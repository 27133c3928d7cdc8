package io.tributary.log.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.testkit.ChildProcess;
import io.tributary.testkit.JvmProcessBuilder;
import io.tributary.testkit.PrometheusText;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, transactions v2 (KIP-890 part 2): a kafka-clients 4.x application in its own JVM
 * ({@link TransactionsV2Client}) reads {@code transaction.version}=2 from ApiVersions and then commits and aborts
 * over 6 partitions with the right read_committed/read_uncommitted visibility, bumps the epoch on every
 * transaction (DescribeTransactions, DescribeProducers), is fenced as a zombie, and runs consume-transform-produce
 * exactly once with sendOffsetsToTransaction. A kafka-clients 3.x producer in the same run keeps transactions v1:
 * same visibility, one epoch for all its transactions. Three brokers, RF 3.
 */
class Kafka4TransactionsTest {
  static final int PARTITIONS = TransactionsV2Client.PARTITIONS;

  @Test
  void kafkaClients4UsesTransactionsV2And3xKeepsV1(@TempDir Path dir) throws Exception {
    try (EmbeddedCluster cluster = EmbeddedCluster.start(3, dir, Map.of("transaction.state.log.num.partitions", "3",
        "offsets.topic.num.partitions", "3", "default.replication.factor", "3", "min.insync.replicas", "2",
        "metrics.port", "0"))) {
      for (String t : List.of("v2-out", "v2-in", "v2-ctp", "v2-zombie", "v1-out")) {
        cluster.createTopic(t, PARTITIONS, 3, Map.of());
      }
      Path out = dir.resolve("child.out");
      ChildProcess child = JvmProcessBuilder.main(TransactionsV2Client.class.getName()).jvmArgs("-Xmx384m")
          .classpath(kafka4Classpath()).args(cluster.bootstrapServers(), "v2").logFile(out).start();
      boolean finished = child.waitForExit(Duration.ofSeconds(400)).isPresent();
      if (!finished) {
        child.kill9();
      }
      String output = Files.readString(out);
      System.out.println(output);
      assertTrue(finished, "4.x client timed out:\n" + output);
      List<String> checks = output.lines().filter(l -> l.startsWith("CHECK ")).toList();
      String result = output.lines().filter(l -> l.startsWith("RESULT")).findFirst().orElse("no RESULT line");
      assertTrue(result.contains("version=4."), "the child ran kafka-clients 4.x: " + result);
      for (String name : List.of("transaction-v2-enabled", "epoch-bumped-per-transaction", "describe-producers-epoch",
          "read-committed", "read-uncommitted", "zombie-commit-fails", "zombie-invisible", "ctp-processed",
          "ctp-exactly-once", "ctp-offsets-committed")) {
        assertTrue(checks.stream().anyMatch(l -> l.startsWith("CHECK " + name + " ok")),
            name + " did not pass:\n" + String.join("\n", checks));
      }
      assertEquals(0, child.exitValue(), result + "\n" + String.join("\n", checks));
      // The 4.x client went the v2 way: offsets through TxnOffsetCommit v5 alone, never AddOffsetsToTxn.
      assertEquals(0.0, requests(cluster, "AddOffsetsToTxn"), "a transactions v2 client sends no AddOffsetsToTxn");
      assertTrue(requests(cluster, "TxnOffsetCommit") > 0, "sendOffsetsToTransaction reached the group coordinator");
      assertTrue(requests(cluster, "EndTxn") >= 6, "one EndTxn per transaction");

      // kafka-clients 3.x (this JVM) on the same cluster: transactions v1, unchanged.
      transactionsV1(cluster, "v1-out", "v1-tx");
    }
  }

  /** Requests of {@code api} answered by all brokers (Kafka's RequestMetrics, scraped). */
  private static double requests(EmbeddedCluster cluster, String api) throws Exception {
    double total = 0;
    for (int id = 0; id < cluster.size(); id++) {
      total += PrometheusText.scrape("http://127.0.0.1:" + cluster.broker(id).metricsPort() + "/metrics")
          .sum("kafka_network_requestmetrics_requests_total", Map.of("request", api));
    }
    return total;
  }

  /** A 3.x producer commits, aborts, commits: visibility right, and the epoch is not bumped per transaction. */
  private static void transactionsV1(EmbeddedCluster cluster, String topic, String id) throws Exception {
    Properties p = cluster.producerProps();
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "60000");
    List<Integer> epochs = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p);
         Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
      producer.initTransactions();
      String[] outcomes = {"commit", "abort", "commit"};
      for (int t = 0; t < outcomes.length; t++) {
        producer.beginTransaction();
        for (int i = 0; i < 60; i++) {
          producer.send(new ProducerRecord<>(topic, i % PARTITIONS, null, (outcomes[t] + t + "-" + i).getBytes(StandardCharsets.UTF_8)));
        }
        producer.flush(); // written before the abort, so that read_uncommitted sees them
        if (outcomes[t].equals("commit")) {
          producer.commitTransaction();
        } else {
          producer.abortTransaction();
        }
        TransactionDescription d = awaitComplete(admin, id);
        epochs.add(d.producerEpoch());
      }
    }
    assertEquals(1, epochs.stream().distinct().count(), "transactions v1 keep one epoch: " + epochs);
    assertEquals(120, readAll(cluster, topic, "read_committed").size());
    assertEquals(180, readAll(cluster, topic, "read_uncommitted").size());
  }

  private static TransactionDescription awaitComplete(Admin admin, String id) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      TransactionDescription d = admin.describeTransactions(List.of(id)).description(id).get();
      if (d.state() == TransactionState.COMPLETE_COMMIT || d.state() == TransactionState.COMPLETE_ABORT) {
        return d;
      }
      assertTrue(System.nanoTime() < deadline, id + " did not complete: " + d);
      Thread.sleep(50); // polling the coordinator's state, bounded by the deadline
    }
  }

  private static List<String> readAll(EmbeddedCluster cluster, String topic, String isolation) {
    Properties p = cluster.consumerProps();
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int i = 0; i < PARTITIONS; i++) {
        tps.add(new TopicPartition(topic, i));
      }
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> end = c.endOffsets(tps);
      List<String> values = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        assertTrue(System.nanoTime() < deadline, "did not reach the end offsets " + end);
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          values.add(new String(r.value(), StandardCharsets.UTF_8));
        }
      }
      return values;
    }
  }

  /** The test classpath with kafka-clients 3.x swapped for the 4.x jar Maven copied to target/kafka-clients-4. */
  static String kafka4Classpath() throws Exception {
    Path jar4;
    try (Stream<Path> jars = Files.list(Path.of("target", "kafka-clients-4"))) {
      jar4 = jars.filter(j -> j.getFileName().toString().startsWith("kafka-clients-4")).findFirst()
          .orElseThrow(() -> new AssertionError("target/kafka-clients-4 has no 4.x jar: run through Maven"));
    }
    List<String> entries = new ArrayList<>();
    entries.add(jar4.toAbsolutePath().toString());
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!Path.of(e).getFileName().toString().matches("kafka-clients-3.*\\.jar")) {
        entries.add(e);
      }
    }
    return String.join(File.pathSeparator, entries);
  }
}
