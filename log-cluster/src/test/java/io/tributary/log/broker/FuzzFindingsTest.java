package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.embedded.EmbeddedCluster;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frames FuzzedFramesTest found answered with UNKNOWN_SERVER_ERROR (and a stack trace logged at ERROR), byte for
 * byte as sent (header and body, without the size prefix; correlation id 7, client id "fuzz"). Each now gets a
 * clear Kafka error, and the broker goes on serving.
 */
class FuzzFindingsTest {
  static final String TOPIC = "fuzz";

  @TempDir static Path dir;
  static EmbeddedCluster cluster;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    cluster = EmbeddedCluster.start(1, dir);
    cluster.createTopic(TOPIC, 1, 1, Map.of());
    port = cluster.broker(0).boundPort();
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  @AfterEach
  void aNormalProducerIsServed() throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(cluster.producerProps())) {
      assertTrue(producer.send(new ProducerRecord<>(TOPIC, "after".getBytes())).get().offset() >= 0);
    }
  }

  /** WriteTxnMarkers v1, producer id 1000 with epoch -2 (0xfffe) on fuzz-0: the marker builder threw. */
  @Test
  void aTransactionMarkerWithANegativeEpochIsAnInvalidRequest() throws Exception {
    ByteBuffer response = send("001b000100000007000466757a7a000200000000000003e8fffe00020566757a7a020000000000000000000000");
    ResponseHeader.parse(response, ApiKeys.WRITE_TXN_MARKERS.responseHeaderVersion((short) 1));
    WriteTxnMarkersResponseData data = new WriteTxnMarkersResponseData(new ByteBufferAccessor(response), (short) 1);
    assertEquals(Errors.INVALID_REQUEST.code(), data.markers().get(0).topics().get(0).partitions().get(0).errorCode());
  }

  /** AlterPartitionReassignments v0 of partition 0 of a topic named 0xe6 "uzz" (not UTF-8): Curator threw on the path. */
  @Test
  void aReassignmentOfAnIllegalTopicNameIsAnUnknownPartition() throws Exception {
    ByteBuffer response = send("002d000000000007000466757a7a00000003e80205e6757a7a02000000000200000000000000");
    ResponseHeader.parse(response, ApiKeys.ALTER_PARTITION_REASSIGNMENTS.responseHeaderVersion((short) 0));
    AlterPartitionReassignmentsResponseData data =
        new AlterPartitionReassignmentsResponseData(new ByteBufferAccessor(response), (short) 0);
    assertEquals(Errors.NONE.code(), data.errorCode());
    assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
        data.responses().get(0).partitions().get(0).errorCode());
  }

  private static ByteBuffer send(String hex) throws Exception {
    try (RawConnection c = RawConnection.open(port)) {
      c.sendFrame(ByteBuffer.wrap(HexFormat.of().parseHex(hex)));
      ByteBuffer response = c.readFrame();
      assertEquals(7, response.getInt(0), "the answer's correlation id");
      return response;
    }
  }
}
