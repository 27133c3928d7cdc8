package io.tributary.log.broker;

import io.tributary.log.protocol.KafkaRequest;
import io.tributary.log.storage.AppendResult;
import io.tributary.log.storage.TransactionMarkers;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WriteTxnMarkers (v0–v1), sent by a transaction coordinator to the leaders of a transaction's partitions: each
 * leader appends the COMMIT or ABORT marker of the producer and answers, per partition, once the in-sync replicas
 * have it (acks=all, through the produce purgatory), or with the partition's error (NOT_LEADER_OR_FOLLOWER,
 * UNKNOWN_TOPIC_OR_PARTITION, NOT_ENOUGH_REPLICAS, INVALID_PRODUCER_EPOCH, ...). A marker replicated to a
 * {@code __consumer_offsets} partition is then told to the {@link TxnMarkerListener}s (the group coordinator).
 */
final class WriteTxnMarkersHandler {
  private static final Logger log = LoggerFactory.getLogger(WriteTxnMarkersHandler.class);
  /** How long a marker may wait for the in-sync replicas: Kafka's default {@code request.timeout.ms}. */
  static final long REPLICATION_TIMEOUT_MS = 30_000;

  private final ReplicaManager replicas;

  WriteTxnMarkersHandler(ReplicaManager replicas) {
    this.replicas = replicas;
  }

  CompletableFuture<ApiMessage> handle(KafkaRequest request) {
    WriteTxnMarkersRequestData data = request.data();
    WriteTxnMarkersResponseData response = new WriteTxnMarkersResponseData();
    List<CompletableFuture<Void>> waits = new ArrayList<>();
    for (WriteTxnMarkersRequestData.WritableTxnMarker marker : data.markers()) {
      WriteTxnMarkersResponseData.WritableTxnMarkerResult markerResult =
          new WriteTxnMarkersResponseData.WritableTxnMarkerResult().setProducerId(marker.producerId());
      for (WriteTxnMarkersRequestData.WritableTxnMarkerTopic topic : marker.topics()) {
        WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult topicResult =
            new WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult().setName(topic.name());
        for (int partition : topic.partitionIndexes()) {
          WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult out =
              new WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult().setPartitionIndex(partition);
          topicResult.partitions().add(out);
          waits.add(write(new TopicPartition(topic.name(), partition), marker)
              .handle((ok, error) -> {
                out.setErrorCode(error == null ? Errors.NONE.code() : errorOf(error).code());
                return null;
              }));
        }
        markerResult.topics().add(topicResult);
      }
      response.markers().add(markerResult);
    }
    return CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).thenApply(ignored -> response);
  }

  /** Appends one partition's marker, waits for the ISR, then tells the listeners of an offsets partition. */
  private CompletableFuture<Void> write(TopicPartition tp, WriteTxnMarkersRequestData.WritableTxnMarker marker) {
    AppendResult result;
    try {
      if (marker.producerId() < 0 || marker.producerEpoch() < 0) {
        // kafka-clients' marker builder would throw an IllegalArgumentException (an unknown server error).
        throw new InvalidRequestException("a transaction marker needs a producer id and epoch >= 0, got producer id "
            + marker.producerId() + " epoch " + marker.producerEpoch());
      }
      result = replicas.appendTxnMarker(tp, TransactionMarkers.endTransaction(marker.producerId(), marker.producerEpoch(),
          marker.coordinatorEpoch(), marker.transactionResult(), System.currentTimeMillis()));
    } catch (Exception e) {
      return CompletableFuture.failedFuture(e);
    }
    return replicas.awaitReplication(tp, result.lastOffset() + 1, REPLICATION_TIMEOUT_MS).thenRun(() -> {
      if (tp.topic().equals(Topic.GROUP_METADATA_TOPIC_NAME)) {
        for (TxnMarkerListener listener : replicas.txnMarkerListeners()) {
          listener.onTxnMarkerWritten(tp, marker.producerId(), marker.producerEpoch(), marker.transactionResult());
        }
      }
    });
  }

  private static Errors errorOf(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    Errors e = Errors.forException(cause);
    if (e == Errors.UNKNOWN_SERVER_ERROR) {
      log.error("writing a transaction marker failed", cause);
    }
    return e;
  }
}
