package io.tributary.log.broker;

import io.tributary.log.protocol.KafkaRequest;
import io.tributary.log.storage.AppendResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
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
 */
final class ProduceHandler {
  private static final Logger log = LoggerFactory.getLogger(ProduceHandler.class);
  private final ReplicaManager replicas;

  ProduceHandler(ReplicaManager replicas) {
    this.replicas = replicas;
  }

  CompletableFuture<ApiMessage> handle(KafkaRequest request, TopicAccess access) {
    ProduceRequestData data = request.data();
    short acks = data.acks();
    if (acks != 0 && acks != 1 && acks != -1) {
      return CompletableFuture.completedFuture(request.errorResponse(new InvalidRequiredAcksException("acks must be -1, 0 or 1, got " + acks)));
    }
    short version = request.version();
    ProduceResponseData response = new ProduceResponseData();
    List<CompletableFuture<Void>> waits = new ArrayList<>();
    for (ProduceRequestData.TopicProduceData topic : data.topicData()) {
      ProduceResponseData.TopicProduceResponse topicResponse = new ProduceResponseData.TopicProduceResponse().setName(topic.name());
      for (ProduceRequestData.PartitionProduceData partition : topic.partitionData()) {
        TopicPartition tp = new TopicPartition(topic.name(), partition.index());
        ProduceResponseData.PartitionProduceResponse out = new ProduceResponseData.PartitionProduceResponse()
            .setIndex(partition.index())
            .setBaseOffset(-1)
            .setLogAppendTimeMs(RecordBatch.NO_TIMESTAMP);
        Errors refused = refusal(topic.name(), request.clientId(), access);
        if (refused != Errors.NONE) {
          out.setErrorCode(refused.code());
          topicResponse.partitionResponses().add(out);
          continue;
        }
        AppendResult result = appendOne(tp, partition, version, acks == -1, out);
        if (result != null && acks == -1) {
          waits.add(replicas.awaitReplication(tp, result.lastOffset() + 1, data.timeoutMs())
              .handle((ok, error) -> {
                if (error != null) {
                  fail(tp, out, error instanceof CompletionException ? error.getCause() : error, version);
                }
                return null;
              }));
        }
        topicResponse.partitionResponses().add(out);
      }
      response.responses().add(topicResponse);
    }
    if (acks == 0) {
      return CompletableFuture.completedFuture(null);
    }
    return CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).thenApply(ignored -> response);
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

  /** Appends one partition's batch; fills {@code out}; returns the result, or null when it failed. */
  private AppendResult appendOne(TopicPartition tp, ProduceRequestData.PartitionProduceData partition, short version,
      boolean acksAll, ProduceResponseData.PartitionProduceResponse out) {
    try {
      if (!(partition.records() instanceof MemoryRecords records)) {
        throw new InvalidRecordException(tp + ": no record set in request");
      }
      // Magic v2 and exactly one batch, as Kafka requires of produce requests from v3 on.
      ProduceRequest.validateRecords(version, records);
      AppendResult result = replicas.appendAsLeader(tp, records, acksAll);
      out.setBaseOffset(result.firstOffset());
      if (version >= 2) {
        out.setLogAppendTimeMs(result.logAppendTime());
      }
      if (version >= 5) {
        out.setLogStartOffset(result.logStartOffset());
      }
      return result;
    } catch (Exception e) {
      fail(tp, out, e, version);
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
