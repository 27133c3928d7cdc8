package io.tributary.log.broker;

import io.tributary.log.protocol.KafkaRequest;
import io.tributary.log.storage.AppendResult;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidRequiredAcksException;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.requests.ProduceRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Produce: validate, append as leader, answer per partition (acks=0 gets no response). */
final class ProduceHandler {
  private static final Logger log = LoggerFactory.getLogger(ProduceHandler.class);
  private final ReplicaManager replicas;

  ProduceHandler(ReplicaManager replicas) {
    this.replicas = replicas;
  }

  CompletableFuture<ApiMessage> handle(KafkaRequest request) {
    ProduceRequestData data = request.data();
    short acks = data.acks();
    if (acks != 0 && acks != 1 && acks != -1) {
      return CompletableFuture.completedFuture(request.errorResponse(new InvalidRequiredAcksException("acks must be -1, 0 or 1, got " + acks)));
    }
    short version = request.version();
    ProduceResponseData response = new ProduceResponseData();
    for (ProduceRequestData.TopicProduceData topic : data.topicData()) {
      ProduceResponseData.TopicProduceResponse topicResponse = new ProduceResponseData.TopicProduceResponse().setName(topic.name());
      for (ProduceRequestData.PartitionProduceData partition : topic.partitionData()) {
        TopicPartition tp = new TopicPartition(topic.name(), partition.index());
        topicResponse.partitionResponses().add(appendOne(tp, partition, version));
      }
      response.responses().add(topicResponse);
    }
    return CompletableFuture.completedFuture(acks == 0 ? null : response);
  }

  private ProduceResponseData.PartitionProduceResponse appendOne(TopicPartition tp, ProduceRequestData.PartitionProduceData partition, short version) {
    ProduceResponseData.PartitionProduceResponse out = new ProduceResponseData.PartitionProduceResponse()
        .setIndex(partition.index())
        .setBaseOffset(-1)
        .setLogAppendTimeMs(RecordBatch.NO_TIMESTAMP);
    try {
      if (!(partition.records() instanceof MemoryRecords records)) {
        throw new org.apache.kafka.common.InvalidRecordException(tp + ": no record set in request");
      }
      // Magic v2 and exactly one batch, as Kafka requires of produce requests from v3 on.
      ProduceRequest.validateRecords(version, records);
      AppendResult result = replicas.appendAsLeader(tp, records);
      out.setBaseOffset(result.firstOffset());
      if (version >= 2) {
        out.setLogAppendTimeMs(result.logAppendTime());
      }
      if (version >= 5) {
        out.setLogStartOffset(result.logStartOffset());
      }
    } catch (Exception e) {
      Errors error = Errors.forException(e);
      if (error == Errors.UNKNOWN_SERVER_ERROR) {
        log.error("produce to {} failed", tp, e);
      } else if (error == Errors.CORRUPT_MESSAGE || error == Errors.INVALID_RECORD) {
        log.warn("refused produce to {}: {}", tp, e.getMessage());
      }
      out.setErrorCode(error.code());
      if (version >= 8) {
        out.setErrorMessage(e.getMessage());
      }
    }
    return out;
  }
}
