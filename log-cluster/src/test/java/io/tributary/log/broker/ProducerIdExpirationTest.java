package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.testkit.AwaitValue;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * producer.id.expiration.ms on a real broker: an idempotent producer's state is listed by DescribeProducers
 * after it wrote, and forgotten once it has been idle for the (here short) expiration.
 */
class ProducerIdExpirationTest {
  private static final String TOPIC = "expiring";
  private static final long EXPIRATION_MS = 5_000;
  private static final long CHECK_INTERVAL_MS = 200;
  /** Generous bound for the loaded test machine. */
  private static final long FORGOTTEN_WITHIN_MS = 60_000;

  @TempDir Path dir;

  @Test
  void anIdleProducerIsForgotten() throws Exception {
    try (EmbeddedCluster cluster = EmbeddedCluster.start(1, dir, Map.of(
        "producer.id.expiration.ms", Long.toString(EXPIRATION_MS),
        "producer.id.expiration.check.interval.ms", Long.toString(CHECK_INTERVAL_MS)))) {
      cluster.createTopic(TOPIC, 1, 1, Map.of());
      TopicPartition tp = new TopicPartition(TOPIC, 0);
      Properties props = cluster.producerProps();
      props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
      props.put(ProducerConfig.ACKS_CONFIG, "all");
      try (Admin admin = cluster.admin();
          KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
        producer.send(new ProducerRecord<>(TOPIC, 0, "k", "v")).get();
        // Written just now: listed (it can be forgotten only after EXPIRATION_MS of silence).
        long listed = producers(admin, tp);
        assertEquals(1, listed, "the producer's state right after its write");
        AwaitValue.await("producers of " + tp + " after " + EXPIRATION_MS + " ms idle", () -> producers(admin, tp), 0,
            FORGOTTEN_WITHIN_MS);
      }
    }
  }

  private static long producers(Admin admin, TopicPartition tp) throws Exception {
    return admin.describeProducers(List.of(tp)).partitionResult(tp).get().activeProducers().size();
  }
}
