package io.tributary.log.broker;

import io.tributary.log.protocol.KafkaRequest;
import io.tributary.log.protocol.TransactionsV2Versions;
import io.tributary.log.storage.AppendResult;
import io.tributary.log.storage.VerificationGuard;
import io.tributary.log.txn.AddPartitionsToTxnManager;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidRequiredAcksException;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.requests.ProduceRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produce: validate, append as leader, and answer per partition — at once for acks=1, after the
 * in-sync replicas have the records for acks=all (within the request's timeout), never for acks=0.
 *
 * <p>Transaction verification (KIP-890 part 1, {@code transaction.partition.verification.enable}): the
 * transactional batches of a producer with no transaction open on their partition are first confirmed with
 * the transaction coordinator (one verify-only AddPartitionsToTxn for the request's partitions) and appended
 * only then, with the partition's verification guard; a partition the coordinator does not confirm gets
 * INVALID_TXN_STATE and nothing is written. The next request of the connection may be handled meanwhile; a
 * batch of the same producer to the same partition waits for the one being verified before anything is decided
 * about it ({@link ProducerAppendOrder}), so it cannot overtake it.
 *
 * <p>Transactions v2 (KIP-890 part 2, Produce v12+): the client sends no AddPartitionsToTxn; the same path
 * asks the coordinator to add the partitions instead of only verifying them, whatever the verification setting.
 */
final class ProduceHandler {
  private static final Logger log = LoggerFactory.getLogger(ProduceHandler.class);
  private final ReplicaManager replicas;
  private final AddPartitionsToTxnManager verifier;
  /** {@code transaction.partition.verification.enable}: verify the produces of v11 and below (part 1). */
  private final boolean verificationEnabled;
  private final ProducerAppendOrder order = new ProducerAppendOrder();

  ProduceHandler(ReplicaManager replicas, AddPartitionsToTxnManager verifier, boolean verificationEnabled) {
    this.replicas = replicas;
    this.verifier = verifier;
    this.verificationEnabled = verificationEnabled;
  }

  /**
   * One partition's batch, waiting for its append; {@code appended} (null when nothing waits for it) completes
   * once it is written or refused.
   */
  private record Append(TopicPartition tp, MemoryRecords records, VerificationGuard guard,
      ProduceResponseData.PartitionProduceResponse out, CompletableFuture<Void> appended) {
    Append withGuard(VerificationGuard g) {
      return new Append(tp, records, g, out, appended);
    }
  }

  /** The request-wide facts a verified append needs. */
  private record Request(String transactionalId, boolean addsPartitions, short version, short acks, int timeoutMs) {}

  CompletableFuture<ApiMessage> handle(KafkaRequest request, TopicAccess access) {
    ProduceRequestData data = request.data();
    short acks = data.acks();
    if (acks != 0 && acks != 1 && acks != -1) {
      return CompletableFuture.completedFuture(request.errorResponse(new InvalidRequiredAcksException("acks must be -1, 0 or 1, got " + acks)));
    }
    short version = request.version();
    boolean addsPartitions = TransactionsV2Versions.produceAddsPartitions(version);
    Request req = new Request(data.transactionalId(), addsPartitions, version, acks, data.timeoutMs());
    ProduceResponseData response = new ProduceResponseData();
    List<CompletableFuture<Void>> waits = new ArrayList<>();
    List<Append> toVerify = new ArrayList<>();
    RecordBatch verifiedBatch = null;
    for (ProduceRequestData.TopicProduceData topic : data.topicData()) {
      ProduceResponseData.TopicProduceResponse topicResponse = new ProduceResponseData.TopicProduceResponse().setName(topic.name());
      for (ProduceRequestData.PartitionProduceData partition : topic.partitionData()) {
        TopicPartition tp = new TopicPartition(topic.name(), partition.index());
        ProduceResponseData.PartitionProduceResponse out = new ProduceResponseData.PartitionProduceResponse()
            .setIndex(partition.index())
            .setBaseOffset(-1)
            .setLogAppendTimeMs(RecordBatch.NO_TIMESTAMP);
        topicResponse.partitionResponses().add(out);
        Errors refused = refusal(topic.name(), request.clientId(), access);
        if (refused != Errors.NONE) {
          out.setErrorCode(refused.code());
          continue;
        }
        MemoryRecords records;
        VerificationGuard guard = null;
        try {
          if (!(partition.records() instanceof MemoryRecords r)) {
            throw new InvalidRecordException(tp + ": no record set in request");
          }
          records = r;
          // Magic v2 and exactly one batch, as Kafka requires of produce requests from v3 on.
          try {
            ProduceRequest.validateRecords(version, records);
          } catch (IllegalArgumentException undecodable) {
            // kafka-clients throws this for a batch attribute it cannot decode (an unknown compression type id).
            throw new CorruptRecordException(tp + ": " + undecodable.getMessage(), undecodable);
          }
          RecordBatch batch = firstBatch(records);
          if (batch != null && ProduceVerification.subjectToVerification(verificationEnabled || addsPartitions, data.transactionalId(),
              batch.isTransactional())) {
            if (verifiedBatch != null && verifiedBatch.producerId() != batch.producerId()) {
              throw new InvalidRecordException("Transactional records from more than one producer in one produce request");
            }
            ProducerAppendOrder.Key key = new ProducerAppendOrder.Key(tp, batch.producerId());
            CompletableFuture<Void> earlier = order.unfinished(key);
            if (earlier != null) { // an earlier batch of this producer waits for its verification: after it
              Append a = new Append(tp, records, null, out, new CompletableFuture<>());
              order.add(key, a.appended());
              waits.add(earlier.handle((ignored, error) -> null)
                  .thenCompose(ignored -> verifyIfNeededThenAppend(a, batch, req)));
              continue;
            }
            guard = replicas.maybeStartTransactionVerification(tp, batch.producerId(), batch.producerEpoch());
            if (guard != VerificationGuard.SENTINEL) {
              verifiedBatch = batch;
              Append a = new Append(tp, records, guard, out, new CompletableFuture<>());
              order.add(key, a.appended());
              toVerify.add(a);
              continue;
            }
          }
        } catch (Exception e) {
          fail(tp, out, e, version);
          continue;
        }
        waits.add(append(new Append(tp, records, guard, out, null), version, acks, data.timeoutMs()));
      }
      response.responses().add(topicResponse);
    }
    if (!toVerify.isEmpty()) {
      waits.add(verifyThenAppend(toVerify, verifiedBatch, req));
    }
    CompletableFuture<Void> all = CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new));
    if (acks == 0) {
      return all.thenApply(ignored -> null);
    }
    return all.thenApply(ignored -> response);
  }

  /**
   * Asks the coordinator about the partitions of {@code toVerify} (all batches of {@code batch}'s producer), then
   * appends those it confirms and refuses the others. Each append's {@code appended} completes either way.
   */
  private CompletableFuture<Void> verifyThenAppend(List<Append> toVerify, RecordBatch batch, Request req) {
    List<TopicPartition> partitions = toVerify.stream().map(Append::tp).toList();
    CompletableFuture<Map<TopicPartition, Errors>> verified = req.addsPartitions()
        ? verifier.addToTransaction(req.transactionalId(), batch.producerId(), batch.producerEpoch(), partitions)
        : verifier.verifyTransaction(req.transactionalId(), batch.producerId(), batch.producerEpoch(), partitions);
    return verified.thenCompose(errors -> {
      List<CompletableFuture<Void>> appended = new ArrayList<>();
      for (Append a : toVerify) {
        Errors error = errors.getOrDefault(a.tp(), Errors.NONE);
        if (error == Errors.NONE) {
          appended.add(append(a, req.version(), req.acks(), req.timeoutMs()));
        } else {
          ProduceVerification.ProduceError e = ProduceVerification.produceError(error);
          a.out().setErrorCode(e.error().code()).setBaseOffset(-1);
          if (req.version() >= 8) {
            a.out().setErrorMessage(e.message());
          }
        }
        a.appended().complete(null);
      }
      return CompletableFuture.allOf(appended.toArray(CompletableFuture[]::new));
    }).whenComplete((ignored, error) -> toVerify.forEach(a -> a.appended().complete(null)));
  }

  /**
   * A batch that waited for an earlier one of its producer: now verified if its producer still has no transaction
   * open on the partition (the earlier one was refused), and appended.
   */
  private CompletableFuture<Void> verifyIfNeededThenAppend(Append a, RecordBatch batch, Request req) {
    VerificationGuard guard;
    try {
      guard = replicas.maybeStartTransactionVerification(a.tp(), batch.producerId(), batch.producerEpoch());
    } catch (Exception e) {
      fail(a.tp(), a.out(), e, req.version());
      a.appended().complete(null);
      return CompletableFuture.completedFuture(null);
    }
    if (guard != VerificationGuard.SENTINEL) {
      return verifyThenAppend(List.of(a.withGuard(guard)), batch, req);
    }
    try {
      return append(a.withGuard(guard), req.version(), req.acks(), req.timeoutMs());
    } finally {
      a.appended().complete(null);
    }
  }

  private static RecordBatch firstBatch(MemoryRecords records) {
    Iterator<? extends RecordBatch> batches = records.batches().iterator();
    return batches.hasNext() ? batches.next() : null;
  }

  /** Appends one partition's batch and fills its answer; completes when acks=all's replication is done or failed. */
  private CompletableFuture<Void> append(Append a, short version, short acks, int timeoutMs) {
    AppendResult result = appendOne(a, version, acks == -1);
    if (result == null || acks != -1) {
      return CompletableFuture.completedFuture(null);
    }
    return replicas.awaitReplication(a.tp(), result.lastOffset() + 1, timeoutMs)
        .handle((ok, error) -> {
          if (error != null) {
            fail(a.tp(), a.out(), error instanceof CompletionException ? error.getCause() : error, version);
          }
          return null;
        });
  }

  /**
   * Why a produce to {@code topic} is refused, as Kafka refuses it: without WRITE on the topic, or to an
   * internal topic ({@code __consumer_offsets}) from any client but Kafka's admin client id.
   */
  static Errors refusal(String topic, String clientId, TopicAccess access) {
    if (!access.mayWrite(topic)) {
      return Errors.TOPIC_AUTHORIZATION_FAILED;
    }
    if (Topic.isInternal(topic) && !TopicAccess.ADMIN_CLIENT_ID.equals(clientId)) {
      return Errors.INVALID_TOPIC_EXCEPTION;
    }
    return Errors.NONE;
  }

  /** Appends one partition's batch; fills its answer; returns the result, or null when it failed. */
  private AppendResult appendOne(Append a, short version, boolean acksAll) {
    ProduceResponseData.PartitionProduceResponse out = a.out();
    try {
      AppendResult result = replicas.appendAsLeader(a.tp(), a.records(), acksAll, a.guard());
      out.setBaseOffset(result.firstOffset());
      if (version >= 2) {
        out.setLogAppendTimeMs(result.logAppendTime());
      }
      if (version >= 5) {
        out.setLogStartOffset(result.logStartOffset());
      }
      return result;
    } catch (Exception e) {
      fail(a.tp(), out, e, version);
      return null;
    }
  }

  private static void fail(TopicPartition tp, ProduceResponseData.PartitionProduceResponse out, Throwable e, short version) {
    Errors error = Errors.forException(e);
    if (error == Errors.UNKNOWN_SERVER_ERROR) {
      log.error("produce to {} failed", tp, e);
    } else if (error == Errors.CORRUPT_MESSAGE || error == Errors.INVALID_RECORD) {
      log.warn("refused produce to {}: {}", tp, e.getMessage());
    }
    out.setErrorCode(error.code()).setBaseOffset(-1);
    if (version >= 8) {
      out.setErrorMessage(e.getMessage());
    }
  }
}
