package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.embedded.EmbeddedCluster;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Structure-aware fuzzing: real requests serialised by kafka-clients, then bit flips, truncation, huge
 * length fields and huge array counts, sent over a few connections. A fresh connection's ApiVersions is
 * answered throughout and after, and a normal producer is served afterwards. Seeded; the seed is printed
 * (rerun one with -Dfuzz.seed=N; a longer run with -Dfuzz.frames=N).
 */
class FuzzedFramesTest {
  /** Frames per run; a longer run with -Dfuzz.frames=N. */
  static final int FRAMES = Integer.getInteger("fuzz.frames", 10_000);
  static final int CONNECTIONS = 4;
  static final int CHECK_EVERY_FRAMES = 1_000;
  static final int MAX_REQUEST_BYTES = 1 << 20;
  /** Generous: a fresh ApiVersions slower than this means the broker stopped answering. */
  static final long ANSWER_WITHIN_MS = 10_000;
  static final String TOPIC = "fuzz";

  @TempDir Path dir;

  @Test
  void mutatedRequestsNeverStopTheBrokerAnswering() throws Exception {
    long seed = Long.getLong("fuzz.seed", System.nanoTime());
    System.out.println("FuzzedFramesTest seed " + seed + " (rerun with -Dfuzz.seed=" + seed + ")");
    Random random = new Random(seed);
    List<ByteBuffer> templates = templates();
    try (EmbeddedCluster cluster = EmbeddedCluster.start(1, dir, Map.of("socket.request.max.bytes", Integer.toString(MAX_REQUEST_BYTES)))) {
      cluster.createTopic(TOPIC, 1, 1, Map.of());
      int port = cluster.broker(0).boundPort();
      FuzzConnection[] connections = new FuzzConnection[CONNECTIONS];
      try {
        for (int i = 0; i < FRAMES; i++) {
          ByteBuffer template = templates.get(random.nextInt(templates.size()));
          byte[] frame = Mutations.mutate(template, random);
          int c = i % CONNECTIONS;
          if (connections[c] == null || !connections[c].send(frame)) {
            if (connections[c] != null) {
              connections[c].close();
            }
            connections[c] = new FuzzConnection(port);
            connections[c].send(frame);
          }
          if (i % CHECK_EVERY_FRAMES == 0) {
            assertFreshApiVersionsAnswered(port, "after " + i + " frames, seed " + seed);
          }
        }
      } finally {
        for (FuzzConnection c : connections) {
          if (c != null) {
            c.close();
          }
        }
      }
      assertFreshApiVersionsAnswered(port, "after all " + FRAMES + " frames, seed " + seed);
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(cluster.producerProps())) {
        long offset = producer.send(new ProducerRecord<>(TOPIC, "after fuzzing".getBytes()))
            .get(ANSWER_WITHIN_MS, TimeUnit.MILLISECONDS).offset();
        assertTrue(offset >= 0, "a normal producer is served after fuzzing, seed " + seed);
      }
    }
  }

  private static void assertFreshApiVersionsAnswered(int port, String when) throws IOException {
    long start = System.nanoTime();
    try (RawConnection fresh = RawConnection.open(port)) {
      assertEquals(Errors.NONE.code(), fresh.apiVersions(1), when);
    }
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(tookMs < ANSWER_WITHIN_MS, "ApiVersions answered in " + tookMs + " ms " + when);
  }

  /** Valid requests (header and body) of the APIs clients use most, for mutation. */
  private static List<ByteBuffer> templates() {
    List<ByteBuffer> t = new ArrayList<>();
    t.add(frame(ApiKeys.API_VERSIONS, 3, new ApiVersionsRequestData().setClientSoftwareName("fuzz").setClientSoftwareVersion("1")));
    t.add(frame(ApiKeys.METADATA, 12, new MetadataRequestData().setTopics(
        List.of(new MetadataRequestData.MetadataRequestTopic().setName(TOPIC)))));
    ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
    topics.add(new ProduceRequestData.TopicProduceData().setName(TOPIC).setPartitionData(List.of(
        new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(
            MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("k".getBytes(), "fuzzed value".getBytes()))))));
    t.add(frame(ApiKeys.PRODUCE, 9, new ProduceRequestData().setAcks((short) 1).setTimeoutMs(1000).setTopicData(topics)));
    t.add(frame(ApiKeys.FETCH, 12, new FetchRequestData().setReplicaId(-1).setMaxWaitMs(10).setMinBytes(1)
        .setMaxBytes(1 << 16).setTopics(List.of(new FetchRequestData.FetchTopic().setTopic(TOPIC).setPartitions(List.of(
            new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0).setPartitionMaxBytes(1 << 16)))))));
    t.add(frame(ApiKeys.LIST_OFFSETS, 7, new ListOffsetsRequestData().setReplicaId(-1).setTopics(List.of(
        new ListOffsetsRequestData.ListOffsetsTopic().setName(TOPIC).setPartitions(List.of(
            new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0).setTimestamp(-1)))))));
    t.add(frame(ApiKeys.FIND_COORDINATOR, 4, new FindCoordinatorRequestData().setKeyType((byte) 0).setCoordinatorKeys(List.of("g"))));
    // An admin API served by the controller, whose answer waits for the metadata.
    ElectLeadersRequestData.TopicPartitionsCollection elect = new ElectLeadersRequestData.TopicPartitionsCollection();
    elect.add(new ElectLeadersRequestData.TopicPartitions().setTopic(TOPIC).setPartitions(List.of(0)));
    t.add(frame(ApiKeys.ELECT_LEADERS, 2, new ElectLeadersRequestData().setElectionType((byte) 0).setTimeoutMs(1000)
        .setTopicPartitions(elect)));
    // The elasticity APIs (issue 19): partitions added, records deleted, log dirs described, replicas moved.
    t.add(frame(ApiKeys.CREATE_PARTITIONS, 3, new CreatePartitionsRequestData().setTimeoutMs(1000).setTopics(
        new CreatePartitionsRequestData.CreatePartitionsTopicCollection(List.of(
            new CreatePartitionsRequestData.CreatePartitionsTopic().setName(TOPIC).setCount(2)).iterator()))));
    t.add(frame(ApiKeys.DELETE_RECORDS, 2, new DeleteRecordsRequestData().setTimeoutMs(1000).setTopics(List.of(
        new DeleteRecordsRequestData.DeleteRecordsTopic().setName(TOPIC).setPartitions(List.of(
            new DeleteRecordsRequestData.DeleteRecordsPartition().setPartitionIndex(0).setOffset(0)))))));
    t.add(frame(ApiKeys.DESCRIBE_LOG_DIRS, 4, new DescribeLogDirsRequestData().setTopics(null)));
    t.add(frame(ApiKeys.ALTER_PARTITION_REASSIGNMENTS, 0, new AlterPartitionReassignmentsRequestData().setTimeoutMs(1000)
        .setTopics(List.of(new AlterPartitionReassignmentsRequestData.ReassignableTopic().setName(TOPIC).setPartitions(
            List.of(new AlterPartitionReassignmentsRequestData.ReassignablePartition().setPartitionIndex(0)
                .setReplicas(List.of(0))))))));
    t.add(frame(ApiKeys.LIST_PARTITION_REASSIGNMENTS, 0, new ListPartitionReassignmentsRequestData().setTimeoutMs(1000)
        .setTopics(null)));
    return t;
  }

  private static ByteBuffer frame(ApiKeys api, int version, ApiMessage body) {
    return RawConnection.request(api, version, body, 7);
  }

  /** A connection that only writes frames; a thread drains (and ignores) whatever the broker answers. */
  private static final class FuzzConnection implements AutoCloseable {
    final Socket socket;
    final OutputStream out;

    FuzzConnection(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      Thread drain = new Thread(() -> {
        byte[] sink = new byte[8192];
        try {
          while (in.read(sink) >= 0) {
            // answers are not checked: the fresh connection's ApiVersions is
          }
        } catch (IOException closed) {
          // the broker or the test closed the connection
        }
      }, "fuzz-drain");
      drain.setDaemon(true);
      drain.start();
    }

    /** Writes one frame with its size prefix; false when the broker has closed the connection. */
    boolean send(byte[] frame) {
      try {
        out.write(ByteBuffer.allocate(4 + frame.length).putInt(frame.length).put(frame).array());
        out.flush();
        return true;
      } catch (IOException closed) {
        return false;
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
