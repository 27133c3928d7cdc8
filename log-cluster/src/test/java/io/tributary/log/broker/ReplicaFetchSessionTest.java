package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.log.protocol.KafkaRpcClient;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.FetchSessionHandler;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.utils.LogContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica fetcher's incremental fetch session (KIP-227) on a real broker, driven by kafka-clients' own
 * {@code FetchSessionHandler} as the brokers' followers drive it: the first fetch opens a session and is
 * answered with every partition; later ones name only what changed and are answered only with partitions that
 * have something new; a fetch at a stale epoch is refused with INVALID_FETCH_SESSION_EPOCH.
 */
class ReplicaFetchSessionTest {
  private static final String TOPIC = "sessions";
  private static final int PARTITIONS = 8;
  /** A replica id no partition has: the leader answers it as a follower but counts nothing it fetches. */
  private static final int REPLICA_ID = 9;
  private static final short VERSION = 12;

  @TempDir Path dir;

  @Test
  void anIncrementalFetchNamesAndIsAnsweredWithOnlyWhatChanged() throws Exception {
    try (EmbeddedCluster cluster = EmbeddedCluster.start(1, dir, Map.of())) {
      cluster.createTopic(TOPIC, PARTITIONS, 1, Map.of());
      String[] hostPort = cluster.bootstrapServers().split(",")[0].split(":");
      FetchSessionHandler session = new FetchSessionHandler(new LogContext(), 0);
      long[] positions = new long[PARTITIONS];
      try (KafkaRpcClient client = new KafkaRpcClient(hostPort[0], Integer.parseInt(hostPort[1]), "session-test", 30_000)) {
        awaitLeading(client);
        FetchResponse full = fetch(client, session, positions, 0);
        assertNotEquals(0, full.data().sessionId(), "the first fetch opened a session");
        assertEquals(PARTITIONS, answered(full).size(), "and was answered with every partition");

        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(cluster.producerProps())) {
          for (int i = 0; i < 3; i++) {
            producer.send(new ProducerRecord<>(TOPIC, 5, null, ("v" + i).getBytes())).get();
          }
        }
        FetchResponse incremental = fetch(client, session, positions, 0);
        assertEquals(full.data().sessionId(), incremental.data().sessionId());
        Map<Integer, FetchResponseData.PartitionData> news = answered(incremental);
        assertEquals(Set.of(5), news.keySet(), "only the partition with records");
        assertEquals(3, news.get(5).highWatermark());
        assertTrue(news.get(5).records().sizeInBytes() > 0, "with its records");

        positions[5] = 3;
        assertEquals(Map.of(), answered(fetch(client, session, positions, 100)),
            "a new position named, nothing new anywhere: an empty answer after the wait");

        FetchRequest stale = FetchRequest.Builder.forReplica(VERSION, REPLICA_ID, -1, 0, 1, Map.of())
            .metadata(new FetchMetadata(full.data().sessionId(), 1)).build(VERSION);
        FetchResponse refused = client.send(stale);
        assertEquals(Errors.INVALID_FETCH_SESSION_EPOCH, refused.error());
        assertEquals(0, refused.data().responses().size());
      }
    }
  }

  /** Until the broker leads every partition of the new topic: sessionless fetches (epoch -1) answered without errors. */
  private static void awaitLeading(KafkaRpcClient client) throws Exception {
    Map<TopicPartition, FetchRequest.PartitionData> all = new LinkedHashMap<>();
    for (int p = 0; p < PARTITIONS; p++) {
      all.put(new TopicPartition(TOPIC, p), new FetchRequest.PartitionData(Uuid.ZERO_UUID, 0, 0, 1 << 20,
          Optional.empty(), Optional.empty()));
    }
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (true) {
      FetchResponse r = client.send(FetchRequest.Builder.forReplica(VERSION, REPLICA_ID, -1, 0, 1, all)
          .metadata(FetchMetadata.LEGACY).build(VERSION));
      assertEquals(0, r.data().sessionId(), "a sessionless fetch opens no session");
      if (r.data().responses().stream().flatMap(t -> t.partitions().stream()).allMatch(p -> p.errorCode() == 0)) {
        return;
      }
      assertTrue(System.nanoTime() < deadline, "the broker never led every partition of " + TOPIC);
      Thread.sleep(100);
    }
  }

  private static FetchResponse fetch(KafkaRpcClient client, FetchSessionHandler session, long[] positions, int maxWaitMs)
      throws Exception {
    FetchSessionHandler.Builder builder = session.newBuilder();
    for (int p = 0; p < PARTITIONS; p++) {
      builder.add(new TopicPartition(TOPIC, p), new FetchRequest.PartitionData(Uuid.ZERO_UUID, positions[p], 0, 1 << 20,
          Optional.empty(), Optional.empty()));
    }
    FetchSessionHandler.FetchRequestData data = builder.build();
    FetchResponse response = client.send(FetchRequest.Builder.forReplica(VERSION, REPLICA_ID, -1, maxWaitMs, 1, data.toSend())
        .removed(data.toForget()).replaced(data.toReplace()).metadata(data.metadata()).build(VERSION));
    assertTrue(session.handleResponse(response, VERSION), "kafka-clients accepts the answer for its session");
    return response;
  }

  /** The answered partitions of the topic, by partition. */
  private static Map<Integer, FetchResponseData.PartitionData> answered(FetchResponse response) {
    Map<Integer, FetchResponseData.PartitionData> out = new TreeMap<>();
    for (FetchResponseData.FetchableTopicResponse t : response.data().responses()) {
      for (FetchResponseData.PartitionData p : t.partitions()) {
        assertEquals(Errors.NONE.code(), p.errorCode(), "partition " + p.partitionIndex());
        out.put(p.partitionIndex(), p);
      }
    }
    return out;
  }
}
