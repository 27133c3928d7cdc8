package io.tributary.log.group;

import io.tributary.config.InternalTopicReplication;
import io.tributary.log.cluster.BrokerInfo;
import io.tributary.log.cluster.ClusterImage;
import io.tributary.log.cluster.PartitionState;
import io.tributary.log.cluster.TopicInfo;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FindCoordinator: which broker coordinates a group (the leader of its offsets partition), read from the
 * metadata image on the caller's thread. Creates {@code __consumer_offsets} on first need, once enough
 * brokers are live for its replication factor ({@link InternalTopicReplication}; until then the answer is
 * COORDINATOR_NOT_AVAILABLE, which clients retry), on a thread of its own so that the request is answered
 * at once (COORDINATOR_NOT_AVAILABLE again; the client retries).
 */
final class CoordinatorLocator {
  private static final Logger log = LoggerFactory.getLogger(CoordinatorLocator.class);
  /** The broker key of the topic's replication factor (named in the refusal). */
  private static final String REPLICATION_FACTOR_KEY = "offsets.topic.replication.factor";

  private final GroupCoordinatorConfig config;
  private final CoordinatorHost host;
  private final AtomicBoolean creatingTopic = new AtomicBoolean();
  private final AtomicBoolean tooFewBrokersLogged = new AtomicBoolean();

  CoordinatorLocator(GroupCoordinatorConfig config, CoordinatorHost host) {
    this.config = config;
    this.host = host;
  }

  /** The answer for one key: the coordinator ({@code broker}) or an error with a message. */
  record Location(Errors error, String message, BrokerInfo broker) {}

  Location locate(byte keyType, String key) {
    if (keyType != FindCoordinatorRequest.CoordinatorType.GROUP.id()) {
      return new Location(Errors.COORDINATOR_NOT_AVAILABLE,
          "only group coordinators are served (no transactions, no share groups)", null);
    }
    if (key == null || key.isEmpty()) {
      return new Location(Errors.INVALID_REQUEST, "empty group id", null);
    }
    ClusterImage image = host.image();
    Optional<TopicInfo> topic = image.topic(OffsetsTopicFormat.TOPIC);
    if (topic.isEmpty()) {
      int rf = config.offsetsTopicReplicationFactor();
      int live = image.liveBrokers().size();
      if (!InternalTopicReplication.enoughBrokers(REPLICATION_FACTOR_KEY, rf, live)) {
        String message = OffsetsTopicFormat.TOPIC + " needs " + rf + " live brokers (" + REPLICATION_FACTOR_KEY + "), "
            + live + " live";
        if (tooFewBrokersLogged.compareAndSet(false, true)) {
          // Clients only retry quietly: without this line an operator would see groups hang and no reason.
          log.warn("{}: consumer groups wait (FindCoordinator answers COORDINATOR_NOT_AVAILABLE) until enough brokers"
              + " are up; a single-broker setup sets {}=1 (logged once)", message, REPLICATION_FACTOR_KEY);
        }
        return new Location(Errors.COORDINATOR_NOT_AVAILABLE, message, null);
      }
      createOffsetsTopic();
      return new Location(Errors.COORDINATOR_NOT_AVAILABLE, OffsetsTopicFormat.TOPIC + " is being created", null);
    }
    int p = OffsetsTopicFormat.partitionFor(key, topic.get().partitionCount());
    PartitionState state = image.partition(new TopicPartition(OffsetsTopicFormat.TOPIC, p)).orElse(null);
    BrokerInfo leader = state == null ? null : image.brokers().get(state.leader());
    if (leader == null) {
      return new Location(Errors.COORDINATOR_NOT_AVAILABLE, OffsetsTopicFormat.TOPIC + "-" + p + " has no live leader", null);
    }
    return new Location(Errors.NONE, null, leader);
  }

  private void createOffsetsTopic() {
    if (!creatingTopic.compareAndSet(false, true)) {
      return;
    }
    Thread t = new Thread(() -> {
      try {
        int rf = config.offsetsTopicReplicationFactor();
        host.createTopic(OffsetsTopicFormat.TOPIC, config.offsetsTopicPartitions(), rf, InternalTopicReplication.configs(rf));
        log.info("created {} with {} partitions, replication factor {}, min.insync.replicas {}", OffsetsTopicFormat.TOPIC,
            config.offsetsTopicPartitions(), rf, InternalTopicReplication.minInsyncReplicas(rf));
      } catch (TopicExistsException e) {
        // another broker created it first
      } catch (Exception e) {
        log.warn("could not create {} (retried on the next FindCoordinator): {}", OffsetsTopicFormat.TOPIC, e.toString());
      } finally {
        creatingTopic.set(false);
      }
    }, "create-offsets-topic");
    t.setDaemon(true);
    t.start();
  }
}
