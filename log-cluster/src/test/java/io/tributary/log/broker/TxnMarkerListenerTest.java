package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.log.protocol.KafkaRpcClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seam to the group coordinator: a marker written through WriteTxnMarkers to a {@code __consumer_offsets}
 * partition is told to the registered {@link TxnMarkerListener} (after it is replicated); one to another topic is not.
 */
class TxnMarkerListenerTest {
  private static final TopicPartition OFFSETS_0 = new TopicPartition(Topic.GROUP_METADATA_TOPIC_NAME, 0);

  record Seen(TopicPartition tp, long producerId, short producerEpoch, boolean committed) {}

  @Test
  void markersOnTheOffsetsTopicReachTheListener(@TempDir Path dir) throws Exception {
    try (EmbeddedCluster cluster = EmbeddedCluster.start(1, dir, Map.of("offsets.topic.replication.factor", "1",
        "offsets.topic.num.partitions", "1"))) {
      List<Seen> seen = new CopyOnWriteArrayList<>();
      cluster.broker(0).replicaManager().addTxnMarkerListener((tp, pid, epoch, committed) -> seen.add(new Seen(tp, pid, epoch, committed)));
      cluster.createTopic("plain", 1, 1, Map.of());
      try (Admin admin = cluster.admin()) {
        admin.listConsumerGroupOffsets("g").partitionsToOffsetAndMetadata().get(); // FindCoordinator creates __consumer_offsets
      }
      try (KafkaRpcClient rpc = new KafkaRpcClient("127.0.0.1", cluster.broker(0).boundPort(), "txn-marker-listener-test", 30_000)) {
        assertEquals(Errors.NONE, marker(rpc, new TopicPartition("plain", 0), 7, true));
        assertEquals(List.of(), seen, "a marker to another topic is not the group coordinator's");
        assertEquals(Errors.NONE, marker(rpc, OFFSETS_0, 7, true));
        assertEquals(Errors.NONE, marker(rpc, OFFSETS_0, 8, false));
      }
      assertEquals(List.of(new Seen(OFFSETS_0, 7, (short) 0, true), new Seen(OFFSETS_0, 8, (short) 0, false)), seen);
    }
  }

  /** One marker; retried while the partition's leader is not yet in place (a coordinator retries likewise). */
  private static Errors marker(KafkaRpcClient rpc, TopicPartition tp, long producerId, boolean commit) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      WriteTxnMarkersRequestData data = new WriteTxnMarkersRequestData();
      data.markers().add(new WriteTxnMarkersRequestData.WritableTxnMarker()
          .setProducerId(producerId).setProducerEpoch((short) 0).setCoordinatorEpoch(0).setTransactionResult(commit)
          .setTopics(List.of(new WriteTxnMarkersRequestData.WritableTxnMarkerTopic().setName(tp.topic())
              .setPartitionIndexes(List.of(tp.partition())))));
      WriteTxnMarkersResponse response = rpc.send(new WriteTxnMarkersRequest.Builder(data).build((short) 1));
      Errors error = Errors.forCode(response.data().markers().get(0).topics().get(0).partitions().get(0).errorCode());
      if (error != Errors.NOT_LEADER_OR_FOLLOWER || System.currentTimeMillis() > deadline) {
        return error;
      }
      Thread.sleep(100);
    }
  }
}
