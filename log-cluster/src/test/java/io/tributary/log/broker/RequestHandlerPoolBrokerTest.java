package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.testkit.TestClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The request-handler pool in a real broker: a parked request does not hold a handler thread, admin
 * requests that wait for the metadata still answer, and a full request queue slows clients down
 * (network threads stop reading) without losing a request.
 */
class RequestHandlerPoolBrokerTest {
  /** Long enough that an answer within {@link #ANSWER_WITHIN_MS} cannot be the long poll timing out. */
  static final int LONG_POLL_MS = 20_000;
  static final long ANSWER_WITHIN_MS = 5_000;

  @TempDir Path dir;

  @Test
  void aParkedLongPollDoesNotHoldTheOnlyHandlerThread() throws Exception {
    try (EmbeddedCluster cluster = EmbeddedCluster.start(1, dir, Map.of("num.io.threads", "1"))) {
      cluster.createTopic("quiet", 1, 1, Map.of());
      Properties props = cluster.consumerProps();
      props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, Integer.toString(LONG_POLL_MS));
      props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "1");
      ExecutorService pollThread = Executors.newSingleThreadExecutor();
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
        consumer.assign(List.of(new TopicPartition("quiet", 0)));
        consumer.seekToBeginning(List.of(new TopicPartition("quiet", 0)));
        Future<ConsumerRecords<byte[], byte[]>> poll = pollThread.submit(() -> consumer.poll(Duration.ofMillis(LONG_POLL_MS)));
        Purgatory fetches = cluster.broker(0).replicaManager().fetchPurgatory();
        long deadline = System.currentTimeMillis() + ANSWER_WITHIN_MS;
        while (fetches.size() == 0 && System.currentTimeMillis() < deadline) {
          Thread.sleep(10);
        }
        assertEquals(1, fetches.size(), "the consumer's fetch is parked in the purgatory");

        // A second connection: ApiVersions, Metadata and DescribeCluster, all through the one handler thread.
        long start = System.nanoTime();
        try (Admin admin = cluster.admin()) {
          assertEquals(1, admin.describeCluster().nodes().get(ANSWER_WITHIN_MS, TimeUnit.MILLISECONDS).size());
        }
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(tookMs < ANSWER_WITHIN_MS, "answered in " + tookMs + " ms while a fetch was parked");
        assertEquals(1, fetches.size(), "the fetch is still parked: the answer did not come from its timeout");
        // The consumer may be closed only after its poll has returned on the other thread.
        consumer.wakeup();
        try {
          poll.get(ANSWER_WITHIN_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException wokenUp) {
          // expected: WakeupException
        }
        consumer.close(Duration.ZERO); // without waiting for the parked fetch's answer
      } finally {
        pollThread.shutdownNow();
      }
    }
  }

  @Test
  void adminRequestsThatWaitForMetadataAnswerWhenItShowsTheChange() throws Exception {
    try (EmbeddedCluster cluster = EmbeddedCluster.start(1, dir, Map.of("num.io.threads", "1"));
         Admin admin = cluster.admin()) {
      admin.createTopics(List.of(new NewTopic("admin-made", 2, (short) 1))).all().get(ANSWER_WITHIN_MS, TimeUnit.MILLISECONDS);
      assertEquals(2, admin.describeTopics(List.of("admin-made")).allTopicNames().get().get("admin-made").partitions().size());

      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "admin-made");
      AlterConfigOp setRetention = new AlterConfigOp(new ConfigEntry("retention.ms", "60000"), AlterConfigOp.OpType.SET);
      admin.incrementalAlterConfigs(Map.of(resource, List.of(setRetention))).all().get(ANSWER_WITHIN_MS, TimeUnit.MILLISECONDS);
      Config described = admin.describeConfigs(List.of(resource)).all().get().get(resource);
      assertEquals("60000", described.get("retention.ms").value());

      ExecutionException refused = assertThrows(ExecutionException.class,
          () -> admin.createTopics(List.of(new NewTopic("admin-made", 1, (short) 1))).all().get());
      assertInstanceOf(TopicExistsException.class, refused.getCause());

      admin.deleteTopics(List.of("admin-made")).all().get(ANSWER_WITHIN_MS, TimeUnit.MILLISECONDS);
      assertFalse(admin.listTopics().names().get().contains("admin-made"));

      // Metadata for an unknown topic creates it (auto.create.topics.enable) and answers once it exists.
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(cluster.producerProps())) {
        assertFalse(producer.partitionsFor("auto-made").isEmpty());
      }
      assertTrue(admin.listTopics().names().get().contains("auto-made"));
    }
  }

  @Test
  void aFullRequestQueueLosesNoRequest() throws Exception {
    // One handler thread and one queue slot for 12 pipelining producers: the queue is full nearly always.
    everyRecordArrivesOnce(Map.of("num.io.threads", "1", "queued.max.requests", "1"));
  }

  @Test
  void aFullRequestMemoryBoundLosesNoRequest() throws Exception {
    // 2 KB of queued requests for 12 producers sending ~0.5 KB batches: connections pause reading nearly always.
    everyRecordArrivesOnce(Map.of("num.io.threads", "1", "queued.max.request.bytes", "2048"));
  }

  /** 12 producers pipelining 1,000 records each: every record is acknowledged and stored exactly once. */
  private void everyRecordArrivesOnce(Map<String, String> overrides) throws Exception {
    int producers = 12;
    int recordsEach = 1_000;
    try (EmbeddedCluster cluster = EmbeddedCluster.start(1, dir, overrides)) {
      cluster.createTopic("crowded", 3, 1, Map.of());
      ExecutorService clients = Executors.newFixedThreadPool(producers);
      try {
        List<Future<Integer>> sent = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
          int producer = p;
          sent.add(clients.submit(() -> {
            Properties props = cluster.producerProps();
            props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
            props.put(ProducerConfig.BATCH_SIZE_CONFIG, "512");
            int acked = 0;
            try (KafkaProducer<byte[], byte[]> producerClient = new KafkaProducer<>(props)) {
              List<Future<?>> acks = new ArrayList<>();
              for (int i = 0; i < recordsEach; i++) {
                byte[] value = (producer + "-" + i).getBytes(StandardCharsets.UTF_8);
                acks.add(producerClient.send(new ProducerRecord<>("crowded", value)));
              }
              for (Future<?> ack : acks) {
                ack.get(60, TimeUnit.SECONDS);
                acked++;
              }
            }
            return acked;
          }));
        }
        for (Future<Integer> s : sent) {
          assertEquals(recordsEach, s.get(120, TimeUnit.SECONDS));
        }
      } finally {
        clients.shutdownNow();
      }
      List<String> values = TestClients.readValues(cluster.bootstrapServers(), "crowded", 3, 60_000);
      Set<String> distinct = new HashSet<>(values);
      assertEquals(producers * recordsEach, values.size(), "every record once");
      assertEquals(producers * recordsEach, distinct.size(), "no record twice");
    }
  }
}
