package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The produce path's KIP-890 part 1 decisions, as tables. */
class ProduceVerificationTest {

  @ParameterizedTest(name = "enabled={0} transactionalId={1} transactional batch={2} -> {3}")
  @CsvSource(nullValues = "null", value = {
      "true,  app-1, true,  true",   // a transactional producer's batch: the partition decides whether to ask
      "false, app-1, true,  false",  // transaction.partition.verification.enable=false
      "true,  null,  true,  false",  // no transactional id in the request: nothing to ask the coordinator about
      "true,  app-1, false, false",  // an idempotent batch sent with a transactional id
      "true,  null,  false, false",  // a plain or idempotent producer
  })
  void whichBatchesAreSubjectToVerification(boolean enabled, String transactionalId, boolean transactional, boolean expected) {
    assertEquals(expected, ProduceVerification.subjectToVerification(enabled, transactionalId, transactional));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "INVALID_TXN_STATE,           INVALID_TXN_STATE,       Partition was not added to the transaction",
      "CONCURRENT_TRANSACTIONS,     NOT_ENOUGH_REPLICAS,     Unable to verify the partition has been added to the transaction. Underlying error: CONCURRENT_TRANSACTIONS",
      "NETWORK_EXCEPTION,           NOT_ENOUGH_REPLICAS,     Unable to verify the partition has been added to the transaction. Underlying error: NETWORK_EXCEPTION",
      "COORDINATOR_LOAD_IN_PROGRESS, NOT_ENOUGH_REPLICAS,    Unable to verify the partition has been added to the transaction. Underlying error: COORDINATOR_LOAD_IN_PROGRESS",
      "COORDINATOR_NOT_AVAILABLE,   NOT_ENOUGH_REPLICAS,     Unable to verify the partition has been added to the transaction. Underlying error: COORDINATOR_NOT_AVAILABLE",
      "NOT_COORDINATOR,             NOT_ENOUGH_REPLICAS,     Unable to verify the partition has been added to the transaction. Underlying error: NOT_COORDINATOR",
      "INVALID_PRODUCER_EPOCH,      INVALID_PRODUCER_EPOCH,  ",
      "INVALID_PRODUCER_ID_MAPPING, INVALID_PRODUCER_ID_MAPPING, ",
      "UNKNOWN_TOPIC_OR_PARTITION,  UNKNOWN_TOPIC_OR_PARTITION, ",
  })
  void whatTheProducerIsToldForAnUnverifiedPartition(Errors fromCoordinator, Errors toProducer, String message) {
    assertEquals(new ProduceVerification.ProduceError(toProducer, message), ProduceVerification.produceError(fromCoordinator));
  }
}
