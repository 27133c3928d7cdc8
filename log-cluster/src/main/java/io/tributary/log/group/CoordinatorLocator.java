package io.tributary.log.group;

import io.tributary.config.InternalTopicReplication;
import io.tributary.log.cluster.BrokerInfo;
import io.tributary.log.cluster.ClusterImage;
import io.tributary.log.cluster.PartitionState;
import io.tributary.log.cluster.TopicInfo;
import io.tributary.log.protocol.KafkaRequest;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FindCoordinator for one key type: which broker coordinates a key (the leader of its partition of the
 * coordinator's internal topic, a {@link CoordinatorTopic}), read from the metadata image on the caller's
 * thread. Creates the topic on first need, once enough brokers are live for its replication factor
 * ({@link InternalTopicReplication}; until then the answer is COORDINATOR_NOT_AVAILABLE, which clients
 * retry), on a thread of its own so that the request is answered at once (COORDINATOR_NOT_AVAILABLE again;
 * the client retries). The group coordinator and the transaction coordinator each have one.
 */
public final class CoordinatorLocator {
  private static final Logger log = LoggerFactory.getLogger(CoordinatorLocator.class);

  private final CoordinatorTopic topic;
  private final CoordinatorHost host;
  private final AtomicBoolean creatingTopic = new AtomicBoolean();
  private final AtomicBoolean tooFewBrokersLogged = new AtomicBoolean();

  public CoordinatorLocator(CoordinatorTopic topic, CoordinatorHost host) {
    this.topic = topic;
    this.host = host;
  }

  /** The group coordinator's: {@code __consumer_offsets}. */
  static CoordinatorTopic offsetsTopic(GroupCoordinatorConfig config) {
    int rf = config.offsetsTopicReplicationFactor();
    return new CoordinatorTopic(OffsetsTopicFormat.TOPIC, FindCoordinatorRequest.CoordinatorType.GROUP.id(),
        config.offsetsTopicPartitions(), rf, "offsets.topic.replication.factor", InternalTopicReplication.configs(rf),
        OffsetsTopicFormat::partitionFor, "consumer groups");
  }

  /** The answer for one key: the coordinator ({@code broker}) or an error with a message. */
  public record Location(Errors error, String message, BrokerInfo broker) {}

  public Location locate(byte keyType, String key) {
    if (keyType != topic.keyType()) {
      return new Location(Errors.INVALID_REQUEST, "key type " + keyType + " is not served here", null);
    }
    if (key == null || key.isEmpty()) {
      return new Location(Errors.INVALID_REQUEST, "empty coordinator key", null);
    }
    ClusterImage image = host.image();
    Optional<TopicInfo> info = image.topic(topic.name());
    if (info.isEmpty()) {
      int rf = topic.replicationFactor();
      int live = image.liveBrokers().size();
      String rfKey = topic.replicationFactorKey();
      if (!InternalTopicReplication.enoughBrokers(rfKey, rf, live)) {
        String message = topic.name() + " needs " + rf + " live brokers (" + rfKey + "), " + live + " live";
        if (tooFewBrokersLogged.compareAndSet(false, true)) {
          // Clients only retry quietly: without this line an operator would see clients hang and no reason.
          log.warn("{}: {} wait (FindCoordinator answers COORDINATOR_NOT_AVAILABLE) until enough brokers"
              + " are up; a single-broker setup sets {}=1 (logged once)", message, topic.waiting(), rfKey);
        }
        return new Location(Errors.COORDINATOR_NOT_AVAILABLE, message, null);
      }
      createTopic();
      return new Location(Errors.COORDINATOR_NOT_AVAILABLE, topic.name() + " is being created", null);
    }
    int p = topic.partitionFor().applyAsInt(key, info.get().partitionCount());
    PartitionState state = image.partition(new TopicPartition(topic.name(), p)).orElse(null);
    BrokerInfo leader = state == null ? null : image.brokers().get(state.leader());
    if (leader == null) {
      return new Location(Errors.COORDINATOR_NOT_AVAILABLE, topic.name() + "-" + p + " has no live leader", null);
    }
    return new Location(Errors.NONE, null, leader);
  }

  private void createTopic() {
    if (!creatingTopic.compareAndSet(false, true)) {
      return;
    }
    Thread t = new Thread(() -> {
      try {
        host.createTopic(topic.name(), topic.partitions(), topic.replicationFactor(), topic.configs());
        log.info("created {} with {} partitions, replication factor {}, configs {}", topic.name(), topic.partitions(),
            topic.replicationFactor(), topic.configs());
      } catch (TopicExistsException e) {
        // another broker created it first
      } catch (Exception e) {
        log.warn("could not create {} (retried on the next FindCoordinator): {}", topic.name(), e.toString());
      } finally {
        creatingTopic.set(false);
      }
    }, "create-" + topic.name().replace("_", ""));
    t.setDaemon(true);
    t.start();
  }

  /** Answers on the caller's (network) thread from the metadata image; creates the topic on first need. */
  public FindCoordinatorResponseData findCoordinator(KafkaRequest request) {
    FindCoordinatorRequestData d = request.data();
    short v = request.version();
    FindCoordinatorResponseData resp = new FindCoordinatorResponseData();
    byte keyType = v >= 1 ? d.keyType() : 0;
    if (v >= 4) {
      for (String key : d.coordinatorKeys()) {
        Location at = locate(keyType, key);
        BrokerInfo broker = at.broker();
        resp.coordinators().add(new FindCoordinatorResponseData.Coordinator().setKey(key)
            .setErrorCode(at.error().code()).setErrorMessage(at.message())
            .setNodeId(broker == null ? -1 : broker.id()).setHost(broker == null ? "" : broker.host())
            .setPort(broker == null ? -1 : broker.port()));
      }
      return resp;
    }
    Location at = locate(keyType, d.key());
    BrokerInfo broker = at.broker();
    resp.setErrorCode(at.error().code()).setNodeId(broker == null ? -1 : broker.id())
        .setHost(broker == null ? "" : broker.host()).setPort(broker == null ? -1 : broker.port());
    if (v >= 1) {
      resp.setErrorMessage(at.message());
    }
    return resp;
  }
}
