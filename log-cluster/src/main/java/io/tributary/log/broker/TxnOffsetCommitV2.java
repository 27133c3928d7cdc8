package io.tributary.log.broker;

import io.tributary.log.cluster.ClusterImage;
import io.tributary.log.group.OffsetsTopicFormat;
import io.tributary.log.protocol.KafkaRequest;
import io.tributary.log.protocol.TransactionsV2Versions;
import io.tributary.log.txn.AddPartitionsToTxnManager;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * TxnOffsetCommit v5 (transactions v2, KIP-890 part 2): the client sends no AddOffsetsToTxn, so the group
 * coordinator first has the transaction coordinator add the group's {@code __consumer_offsets} partition to the
 * producer's transaction (AddPartitionsToTxn, broker form), and writes the pending offsets only once it did, as
 * Kafka's group coordinator verifies before its transactional write. Other requests and older versions go straight on.
 */
final class TxnOffsetCommitV2 {
  private final AddPartitionsToTxnManager txnPartitions;
  private final ReplicaManager replicas;
  private final int brokerId;

  TxnOffsetCommitV2(AddPartitionsToTxnManager txnPartitions, ReplicaManager replicas, int brokerId) {
    this.txnPartitions = txnPartitions;
    this.replicas = replicas;
    this.brokerId = brokerId;
  }

  CompletableFuture<ApiMessage> handle(KafkaRequest request, Function<KafkaRequest, CompletableFuture<ApiMessage>> commit) {
    if (request.apiKey() != ApiKeys.TXN_OFFSET_COMMIT || !TransactionsV2Versions.txnOffsetCommitAddsPartition(request.version())) {
      return commit.apply(request);
    }
    TxnOffsetCommitRequestData d = request.data();
    ClusterImage image = replicas.image();
    int partitions = image.topic(OffsetsTopicFormat.TOPIC).map(t -> t.partitionCount()).orElse(0);
    if (partitions <= 0) {
      return CompletableFuture.completedFuture(request.errorResponse(Errors.COORDINATOR_NOT_AVAILABLE.exception()));
    }
    TopicPartition offsets = new TopicPartition(OffsetsTopicFormat.TOPIC, OffsetsTopicFormat.partitionFor(d.groupId(), partitions));
    boolean leader = image.partition(offsets).map(p -> p.leader() == brokerId).orElse(false);
    if (!leader) { // not this group's coordinator: nothing is added to the transaction
      return CompletableFuture.completedFuture(request.errorResponse(Errors.NOT_COORDINATOR.exception()));
    }
    return txnPartitions.addToTransaction(d.transactionalId(), d.producerId(), d.producerEpoch(), List.of(offsets))
        .thenCompose(errors -> {
          Errors error = commitError(errors.getOrDefault(offsets, Errors.NONE));
          return error == Errors.NONE ? commit.apply(request)
              : CompletableFuture.completedFuture(request.errorResponse(error.exception()));
        });
  }

  /**
   * What the client is told when the offsets partition was not added: a retriable coordinator error as
   * COORDINATOR_NOT_AVAILABLE (Kafka turns them into NOT_ENOUGH_REPLICAS, which its group coordinator answers
   * as COORDINATOR_NOT_AVAILABLE: the client finds the coordinator again and retries); anything else unchanged
   * (INVALID_PRODUCER_EPOCH for a fenced producer, which the client treats as fenced).
   */
  static Errors commitError(Errors addError) {
    return switch (addError) {
      case CONCURRENT_TRANSACTIONS, NETWORK_EXCEPTION, COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE,
           NOT_COORDINATOR, NOT_ENOUGH_REPLICAS -> Errors.COORDINATOR_NOT_AVAILABLE;
      default -> addError;
    };
  }
}
