package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.embedded.EmbeddedCluster;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * queued.max.request.bytes in a real broker: the bytes of requests a connection had queued are given
 * back when it disconnects before they are handled, so other clients are not paused forever.
 */
class QueuedRequestBytesBrokerTest {
  static final int BOUND_BYTES = 2048;
  static final int PIPELINED_REQUESTS = 500;
  static final int ABRUPT_CLIENTS = 5;
  /** Generous: a producer not served within this is paused for good. */
  static final long ANSWER_WITHIN_MS = 10_000;

  @TempDir Path dir;

  @Test
  void aClientThatLeavesWithRequestsQueuedGivesTheirBytesBack() throws Exception {
    Map<String, String> overrides = Map.of("num.io.threads", "1", "queued.max.requests", "1",
        "queued.max.request.bytes", Integer.toString(BOUND_BYTES));
    try (EmbeddedCluster cluster = EmbeddedCluster.start(1, dir, overrides)) {
      cluster.createTopic("after", 1, 1, Map.of());
      int port = cluster.broker(0).boundPort();
      byte[] burst = pipelinedMetadataRequests();
      assertTrue(burst.length > 10 * BOUND_BYTES, "the burst is far over the bound");
      for (int i = 0; i < ABRUPT_CLIENTS; i++) {
        try (RawConnection abrupt = RawConnection.open(port)) {
          abrupt.write(burst); // and leaves without reading: most requests are still queued
        }
      }
      Properties props = cluster.producerProps();
      props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(ANSWER_WITHIN_MS)); // metadata, too, within the bound
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
        long offset = producer.send(new ProducerRecord<>("after", "served".getBytes()))
            .get(ANSWER_WITHIN_MS, TimeUnit.MILLISECONDS).offset();
        assertTrue(offset >= 0);
      }
    }
  }

  private static byte[] pipelinedMetadataRequests() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    for (int i = 0; i < PIPELINED_REQUESTS; i++) {
      ByteBuffer frame = RawConnection.request(ApiKeys.METADATA, 12,
          new MetadataRequestData().setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName("after"))), i);
      out.writeInt(frame.remaining());
      out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
    }
    return bytes.toByteArray();
  }
}
