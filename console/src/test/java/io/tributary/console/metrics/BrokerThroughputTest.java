package io.tributary.console.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.embedded.EmbeddedCluster;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's throughput against a real broker's {@code /metrics}: rates per second over the looks (the clock is
 * the test's, so the rates are exact), a broker restart that resets its counters gives no negative rate, and a
 * broker whose metrics cannot be read is named while the others still count.
 */
class BrokerThroughputTest {
  private static final String TOPIC = "clicks";
  private static final long SECOND_MS = 1_000;

  @TempDir Path dir;

  @Test
  void ratesInAndOutFromTheBrokersCountersSurviveARestart() throws Exception {
    int metricsPort = freePort(); // fixed, so that the restarted broker serves on the same URL
    try (EmbeddedCluster cluster = EmbeddedCluster.start(1, dir, Map.of("metrics.port", Integer.toString(metricsPort)))) {
      cluster.createTopic(TOPIC, 1, 1, Map.of());
      String url = "http://127.0.0.1:" + metricsPort + "/metrics";
      AtomicLong now = new AtomicLong(0);
      BrokerThroughput throughput = new BrokerThroughput(Map.of(0, url), now::get);

      BrokerThroughput.Throughput first = throughput.look(List.of(0));
      assertEquals(List.of(), first.errors());
      assertEquals(new BrokerThroughput.Rates("-", "-", "-"), first.total(), "one look is no rate");

      produce(cluster, 20);
      consumeAll(cluster, 20);
      now.set(10 * SECOND_MS);
      BrokerThroughput.Throughput second = throughput.look(List.of(0));
      BrokerThroughput.Rates clicks = second.topics().get(TOPIC);
      assertEquals("2.0", clicks.messagesIn(), second.toString()); // 20 records in 10 s
      assertTrue(clicks.bytesIn().matches("[1-9][0-9.]* (B|KiB)/s"), clicks.bytesIn());
      assertTrue(clicks.bytesOut().matches("[1-9][0-9.]* (B|KiB)/s"), "the consumer read them: " + clicks.bytesOut());

      // A restarted broker counts from 0: 10 records after it are 10 more, not 10 - 20.
      cluster.stopBroker(0);
      cluster.startBroker(0);
      produce(cluster, 10);
      now.set(20 * SECOND_MS);
      BrokerThroughput.Throughput third = throughput.look(List.of(0));
      assertEquals(List.of(), third.errors());
      assertEquals("1.5", third.topics().get(TOPIC).messagesIn(), third.toString()); // (20 + 10) in 20 s
    }
  }

  @Test
  void aBrokerWhoseMetricsCannotBeReadIsNamedAndTheOthersStillCount() throws Exception {
    try (EmbeddedCluster cluster = EmbeddedCluster.start(1, dir, Map.of("metrics.port", "0"))) {
      cluster.createTopic(TOPIC, 1, 1, Map.of());
      String good = "http://127.0.0.1:" + cluster.broker(0).metricsPort() + "/metrics";
      String refused = "http://127.0.0.1:" + freePort() + "/metrics";
      AtomicLong now = new AtomicLong(0);
      BrokerThroughput throughput = new BrokerThroughput(Map.of(0, good, 1, refused), now::get);
      throughput.look(List.of(0, 1, 2));
      produce(cluster, 5);
      now.set(5 * SECOND_MS);
      BrokerThroughput.Throughput t = throughput.look(List.of(0, 1, 2));
      assertEquals(2, t.errors().size(), t.errors().toString());
      assertTrue(t.errors().get(0).startsWith("broker 2 has no metrics address"), t.errors().get(0));
      assertTrue(t.errors().get(1).startsWith("the metrics of broker 1 at " + refused + " could not be read: "),
          t.errors().get(1));
      assertEquals("1.0", t.topics().get(TOPIC).messagesIn(), "broker 0 still counts: " + t);
    }
  }

  @Test
  void withoutMetricsAddressesThePageSaysHowToGiveThem() {
    BrokerThroughput.Throughput t = new BrokerThroughput(Map.of(), () -> 0).look(List.of(0));
    assertEquals(new BrokerThroughput.Rates("-", "-", "-"), t.total());
    assertTrue(t.note().contains("--broker-metrics ID=URL"), t.note());
  }

  private static void produce(EmbeddedCluster cluster, int count) throws Exception {
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(cluster.producerProps(), new ByteArraySerializer(),
        new ByteArraySerializer())) {
      for (int i = 0; i < count; i++) {
        p.send(new ProducerRecord<>(TOPIC, ("click-" + i).getBytes())).get();
      }
    }
  }

  /** Reads the partition from the start without a group (nothing committed: no traffic on __consumer_offsets). */
  private static void consumeAll(EmbeddedCluster cluster, int count) {
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(cluster.consumerProps(), new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(TOPIC, 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      int read = 0;
      long deadline = System.currentTimeMillis() + 60_000;
      while (read < count && System.currentTimeMillis() < deadline) {
        read += c.poll(Duration.ofMillis(200)).count();
      }
      assertEquals(count, read, "records read back");
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
