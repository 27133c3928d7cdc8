package io.tributary.log.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.log.embedded.EmbeddedCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transactional producer that opens each transaction with a burst of small batches to one partition (five
 * requests in flight on one connection, as a CDC source catching up sends them): the first batch of each
 * transaction waits for the coordinator's verification (KIP-890 part 1) while the next requests are handled. No
 * later batch may overtake it, nor the batches between: before {@link io.tributary.log.broker.ProduceHandler}
 * kept them in order, a batch that arrived once the first was appended needed no verification and was appended
 * ahead of the ones still waiting, and the transaction failed with OUT_OF_ORDER_SEQUENCE_NUMBER.
 */
class VerifiedBurstTest {
  static final int TRANSACTIONS = Integer.getInteger("tributary.test.burst.transactions", 150);
  static final int RECORDS_PER_TRANSACTION = 1500;
  static final String TOPIC = "bursts";

  @TempDir Path dir;

  @Test
  void everyTransactionOfBurstsCommitsInOrder() throws Exception {
    try (EmbeddedCluster cluster = EmbeddedCluster.start(1, dir, Map.of("transaction.state.log.num.partitions", "1",
        "transaction.state.log.replication.factor", "1", "transaction.state.log.min.isr", "1"))) {
      cluster.createTopic(TOPIC, 1, 1, Map.of());
      Properties p = cluster.producerProps();
      p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bursts");
      p.put(ProducerConfig.BATCH_SIZE_CONFIG, "1024"); // ~10 records per batch: many requests per transaction
      p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
      p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
      long committed = 0;
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
        producer.initTransactions();
        for (int t = 0; t < TRANSACTIONS; t++) {
          producer.beginTransaction();
          for (int i = 0; i < RECORDS_PER_TRANSACTION; i++) {
            producer.send(new ProducerRecord<>(TOPIC, 0, null,
                ("transaction " + t + " record " + i + " padding-padding-padding-padding-padding")
                    .getBytes(StandardCharsets.UTF_8)));
          }
          producer.commitTransaction(); // throws if a batch was refused
          committed += RECORDS_PER_TRANSACTION;
        }
      }
      Properties c = cluster.consumerProps();
      c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      long read = 0;
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        long end = consumer.endOffsets(List.of(tp)).get(tp);
        long deadline = System.currentTimeMillis() + 60_000;
        while (consumer.position(tp) < end && System.currentTimeMillis() < deadline) {
          read += consumer.poll(Duration.ofMillis(200)).count();
        }
      }
      assertEquals(committed, read, "committed records read back");
    }
  }
}
