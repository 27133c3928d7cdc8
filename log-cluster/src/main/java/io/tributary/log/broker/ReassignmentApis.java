package io.tributary.log.broker;

import io.tributary.log.cluster.ClusterImage;
import io.tributary.log.cluster.ClusterStore;
import io.tributary.log.cluster.MetadataCache;
import io.tributary.log.cluster.PartitionReassignment;
import io.tributary.log.cluster.TopicInfo;
import io.tributary.log.protocol.KafkaRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AlterPartitionReassignments and ListPartitionReassignments (KIP-455). Any broker serves them: a reassignment is a
 * compare-and-set of the topic znode ({@link PartitionReassignment}), which the replicas follow and the controller
 * completes. A change is answered once this broker's metadata shows it, so a ListPartitionReassignments sent next
 * to the same broker sees it.
 */
final class ReassignmentApis {
  private static final Logger log = LoggerFactory.getLogger(ReassignmentApis.class);
  static final long PROPAGATION_TIMEOUT_MS = TopicAdmin.PROPAGATION_TIMEOUT_MS;

  private final ClusterStore store;
  private final MetadataCache metadata;

  ReassignmentApis(ClusterStore store, MetadataCache metadata) {
    this.store = store;
    this.metadata = metadata;
  }

  CompletableFuture<ApiMessage> alter(KafkaRequest request) {
    AlterPartitionReassignmentsRequestData data = request.data();
    AlterPartitionReassignmentsResponseData response = new AlterPartitionReassignmentsResponseData();
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    Set<Integer> live = metadata.image().brokers().keySet();
    for (AlterPartitionReassignmentsRequestData.ReassignableTopic t : data.topics()) {
      var topicResult = new AlterPartitionReassignmentsResponseData.ReassignableTopicResponse().setName(t.name());
      response.responses().add(topicResult);
      for (AlterPartitionReassignmentsRequestData.ReassignablePartition p : t.partitions()) {
        var out = new AlterPartitionReassignmentsResponseData.ReassignablePartitionResponse()
            .setPartitionIndex(p.partitionIndex()).setErrorMessage(null);
        topicResult.partitions().add(out);
        TopicPartition tp = new TopicPartition(t.name(), p.partitionIndex());
        CompletableFuture<Void> done;
        try {
          if (!Topic.isValid(t.name())) {
            // No topic can have that name (nor a znode that path): Kafka's answer for a partition that does not exist.
            throw new UnknownTopicOrPartitionException("Topic name '" + t.name() + "' is not a legal topic name, so "
                + tp + " does not exist");
          }
          List<Integer> target = p.replicas() == null ? null : List.copyOf(p.replicas());
          if (target != null && !live.containsAll(target)) {
            throw new InvalidReplicaAssignmentException("Replica assignment has brokers that are not alive. Replica list: " + target
                + ", live broker list: " + new TreeMap<>(metadata.image().brokers()).keySet());
          }
          PartitionReassignment.Assignment written = store.alterReassignment(tp, (replicas, current) -> target == null
              ? PartitionReassignment.cancel(replicas, current)
              : PartitionReassignment.reassign(replicas, current, target));
          log.info("{}: {} -> replicas {}, reassignment {}", tp, target == null ? "reassignment cancelled" : "reassigning to " + target,
              written.replicas(), written.reassignment());
          done = awaitVisible(tp, written);
        } catch (Exception e) {
          done = CompletableFuture.failedFuture(e);
        }
        pending.add(done.handle((ok, error) -> {
          if (error != null) {
            Throwable e = AdminApis.unwrap(error);
            Errors code = Errors.forException(e);
            if (code == Errors.UNKNOWN_SERVER_ERROR) {
              log.error("AlterPartitionReassignments of {} failed", tp, e);
            }
            out.setErrorCode(code.code()).setErrorMessage(e.getMessage());
          }
          return null;
        }));
      }
    }
    return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(all -> response);
  }

  /** Completes once this broker's metadata shows the assignment written, or the switch to its target that followed. */
  private CompletableFuture<Void> awaitVisible(TopicPartition tp, PartitionReassignment.Assignment written) {
    List<Integer> target = written.reassignment() == null ? written.replicas() : written.reassignment().target(written.replicas());
    return metadata.whenImage(img -> img.topic(tp.topic()).map(t -> {
      List<Integer> replicas = t.replicas().get(tp.partition());
      PartitionReassignment re = t.reassignment(tp.partition());
      return (written.replicas().equals(replicas) && Objects.equals(written.reassignment(), re))
          || (target.equals(replicas) && re == null);
    }).orElse(true), PROPAGATION_TIMEOUT_MS).thenApply(seen -> null);
  }

  ApiMessage list(KafkaRequest request) {
    ListPartitionReassignmentsRequestData data = request.data();
    ClusterImage image = metadata.image();
    var response = new ListPartitionReassignmentsResponseData().setErrorMessage(null);
    Map<String, List<Integer>> wanted = new TreeMap<>();
    if (data.topics() == null) {
      image.topics().values().forEach(t -> wanted.put(t.name(), new ArrayList<>(t.reassignments().keySet())));
    } else {
      data.topics().forEach(t -> wanted.put(t.name(), t.partitionIndexes()));
    }
    wanted.forEach((name, partitions) -> {
      TopicInfo topic = image.topics().get(name);
      if (topic == null) {
        return; // as Kafka: partitions not being reassigned (or not existing) are simply not listed
      }
      var out = new ListPartitionReassignmentsResponseData.OngoingTopicReassignment().setName(name);
      for (int p : new TreeSet<>(partitions)) {
        PartitionReassignment re = topic.reassignment(p);
        if (re != null) {
          out.partitions().add(new ListPartitionReassignmentsResponseData.OngoingPartitionReassignment().setPartitionIndex(p)
              .setReplicas(topic.replicas().get(p)).setAddingReplicas(re.adding()).setRemovingReplicas(re.removing()));
        }
      }
      if (!out.partitions().isEmpty()) {
        response.topics().add(out);
      }
    });
    return response;
  }
}
