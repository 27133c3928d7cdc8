package io.tributary.log.broker;

import io.tributary.log.cluster.Controller;
import io.tributary.log.cluster.RequestedElection;
import io.tributary.log.protocol.KafkaRequest;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.apache.kafka.common.message.ElectLeadersResponseData.PartitionResult;
import org.apache.kafka.common.message.ElectLeadersResponseData.ReplicaElectionResult;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * ElectLeaders (v0-2, KIP-460), served by the controller: v0 is always a preferred election, v1+ names the
 * type. Null partitions mean every partition, and then — as Kafka — the partitions that needed no election are
 * left out of the answer. The answer comes when the elections are visible in this broker's metadata or the
 * request's timeout passed. A broker that is not the controller answers NOT_CONTROLLER (top level, v1+), as
 * Kafka's ZooKeeper-mode brokers do; kafka-clients 3.9's Admin then fails the call without refreshing its
 * metadata (ClusterFaultsTest retries with a fresh Admin), unlike KRaft brokers, which forward the request.
 */
final class ElectLeadersHandler {
  private final Controller controller;

  ElectLeadersHandler(Controller controller) {
    this.controller = controller;
  }

  CompletableFuture<ApiMessage> handle(KafkaRequest request) {
    ElectLeadersRequestData data = request.data();
    short v = request.version();
    ElectionType type;
    try {
      type = v == 0 ? ElectionType.PREFERRED : ElectionType.valueOf(data.electionType());
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException("unknown election type " + data.electionType() + " (0 = PREFERRED, 1 = UNCLEAN)");
    }
    Set<TopicPartition> partitions = requested(data);
    return controller.electLeaders(type, partitions, Math.max(0, data.timeoutMs()))
        .handle((outcomes, error) -> {
          if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            return failed(request, Errors.forException(cause), cause.getMessage());
          }
          return answer(outcomes, partitions == null, v);
        });
  }

  /** The partitions asked for, null for all. */
  private static Set<TopicPartition> requested(ElectLeadersRequestData data) {
    if (data.topicPartitions() == null) {
      return null;
    }
    Set<TopicPartition> out = new LinkedHashSet<>();
    for (ElectLeadersRequestData.TopicPartitions t : data.topicPartitions()) {
      for (int p : t.partitions()) {
        out.add(new TopicPartition(t.topic(), p));
      }
    }
    return out;
  }

  private static ElectLeadersResponseData answer(Map<TopicPartition, RequestedElection.Outcome> outcomes, boolean all, short v) {
    ElectLeadersResponseData response = new ElectLeadersResponseData();
    outcomes.forEach((tp, o) -> {
      if (all && o.error() == Errors.ELECTION_NOT_NEEDED) {
        return;
      }
      result(response, tp.topic()).partitionResult().add(new PartitionResult().setPartitionId(tp.partition())
          .setErrorCode(o.error().code()).setErrorMessage(o.error() == Errors.NONE ? null : o.message()));
    });
    return response;
  }

  /** Every asked partition with {@code error} (and the same top-level error from v1). */
  private static ElectLeadersResponseData failed(KafkaRequest request, Errors error, String message) {
    ElectLeadersRequestData data = request.data();
    ElectLeadersResponseData response = new ElectLeadersResponseData();
    if (request.version() >= 1) {
      response.setErrorCode(error.code());
    }
    if (data.topicPartitions() != null) {
      for (ElectLeadersRequestData.TopicPartitions t : data.topicPartitions()) {
        for (int p : t.partitions()) {
          result(response, t.topic()).partitionResult().add(new PartitionResult().setPartitionId(p)
              .setErrorCode(error.code()).setErrorMessage(message));
        }
      }
    }
    return response;
  }

  /** Kafka's answer to a principal without ALTER on the cluster. */
  static ApiMessage refused(KafkaRequest request) {
    return failed(request, Errors.CLUSTER_AUTHORIZATION_FAILED, "ElectLeaders needs ALTER on the cluster");
  }

  private static ReplicaElectionResult result(ElectLeadersResponseData response, String topic) {
    for (ReplicaElectionResult r : response.replicaElectionResults()) {
      if (r.topic().equals(topic)) {
        return r;
      }
    }
    ReplicaElectionResult r = new ReplicaElectionResult().setTopic(topic);
    response.replicaElectionResults().add(r);
    return r;
  }
}
