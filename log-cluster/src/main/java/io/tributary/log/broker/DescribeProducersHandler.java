package io.tributary.log.broker;

import io.tributary.log.protocol.KafkaRequest;
import io.tributary.log.storage.ProducerState;
import java.util.Comparator;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeProducers (v0, kafka-clients' {@code Admin.describeProducers}): the producers a partition leader knows
 * from its producer state — id, epoch, last sequence and the first offset of the open transaction (-1 when none).
 * The last timestamp and the coordinator epoch are not kept in the producer state and are answered as -1.
 */
final class DescribeProducersHandler {
  private final ReplicaManager replicas;

  DescribeProducersHandler(ReplicaManager replicas) {
    this.replicas = replicas;
  }

  ApiMessage handle(KafkaRequest request) {
    DescribeProducersRequestData data = request.data();
    DescribeProducersResponseData response = new DescribeProducersResponseData();
    for (DescribeProducersRequestData.TopicRequest topic : data.topics()) {
      DescribeProducersResponseData.TopicResponse topicResponse = new DescribeProducersResponseData.TopicResponse().setName(topic.name());
      for (int partition : topic.partitionIndexes()) {
        topicResponse.partitions().add(describe(new TopicPartition(topic.name(), partition)));
      }
      response.topics().add(topicResponse);
    }
    return response;
  }

  private DescribeProducersResponseData.PartitionResponse describe(TopicPartition tp) {
    DescribeProducersResponseData.PartitionResponse out = new DescribeProducersResponseData.PartitionResponse()
        .setPartitionIndex(tp.partition());
    try {
      Partition p = replicas.leaderPartition(tp, -1);
      p.log().producerStates().stream().sorted(Comparator.comparingLong(ProducerState::producerId)).forEach(s ->
          out.activeProducers().add(new DescribeProducersResponseData.ProducerState()
              .setProducerId(s.producerId())
              .setProducerEpoch(s.producerEpoch())
              .setLastSequence(s.lastSequence())
              .setLastTimestamp(-1)
              .setCoordinatorEpoch(-1)
              .setCurrentTxnStartOffset(s.currentTxnStartOffset())));
    } catch (RuntimeException e) {
      Errors error = Errors.forException(e);
      out.setErrorCode(error.code()).setErrorMessage(e.getMessage());
    }
    return out;
  }
}
