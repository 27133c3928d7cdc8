package io.tributary.log.broker;

import org.apache.kafka.common.protocol.Errors;

/**
 * The produce path's decisions for KIP-890 part 1 (server-side transaction verification), pure: whether a
 * batch must be verified with the transaction coordinator before it is appended, and what a producer is told
 * when the coordinator did not confirm the partition (Kafka's {@code ReplicaManager} translation).
 */
final class ProduceVerification {
  private ProduceVerification() {}

  /** The error and message a produce response carries for a partition (message null: the error's default). */
  record ProduceError(Errors error, String message) {}

  /**
   * Whether a batch is subject to verification (when {@code transaction.partition.verification.enable}): a
   * transactional batch sent with a transactional id. It is then checked with the coordinator unless its
   * producer has a transaction open on the partition, which the partition decides atomically with its
   * producer state (it hands out {@code VerificationGuard.SENTINEL} then). A produce without a transactional id
   * (an idempotent producer, or a raw request) is not verified, as in Kafka.
   */
  static boolean subjectToVerification(boolean enabled, String transactionalId, boolean transactionalBatch) {
    return enabled && transactionalId != null && transactionalBatch;
  }

  /**
   * What the producer gets for a partition the coordinator did not verify: INVALID_TXN_STATE as such; the
   * retriable coordinator errors as NOT_ENOUGH_REPLICAS, which every producer version retries without a
   * metadata refresh (Kafka's choice); anything else (INVALID_PRODUCER_EPOCH, UNKNOWN_TOPIC_OR_PARTITION, ...)
   * unchanged.
   */
  static ProduceError produceError(Errors verificationError) {
    return switch (verificationError) {
      case INVALID_TXN_STATE -> new ProduceError(Errors.INVALID_TXN_STATE, "Partition was not added to the transaction");
      case CONCURRENT_TRANSACTIONS, NETWORK_EXCEPTION, COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE,
           NOT_COORDINATOR -> new ProduceError(Errors.NOT_ENOUGH_REPLICAS,
          "Unable to verify the partition has been added to the transaction. Underlying error: " + verificationError);
      default -> new ProduceError(verificationError, null);
    };
  }
}
