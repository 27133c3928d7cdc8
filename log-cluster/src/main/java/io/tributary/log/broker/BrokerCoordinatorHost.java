package io.tributary.log.broker;

import io.tributary.log.cluster.ClusterImage;
import io.tributary.log.protocol.ClientSecurity;
import io.tributary.log.storage.AppendResult;
import io.tributary.log.storage.PartitionLog;
import io.tributary.log.txn.TxnHost;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.MemoryRecords;

/**
 * The broker as its coordinators see it (group/ and txn/ know nothing of broker/): the replica manager's
 * image, leadership and acks=all appends, topic creation, producer ids, and how to reach the other brokers.
 */
record BrokerCoordinatorHost(ReplicaManager replicas, TopicAdmin topics, ProducerIdManager producerIds,
    ClientSecurity interBrokerSecurity) implements TxnHost {
  @Override
  public ClusterImage image() {
    return replicas.image();
  }

  @Override
  public int leaderEpochHere(TopicPartition tp) {
    Optional<Partition> part = replicas.partition(tp);
    return part.isPresent() && part.get().isLeader() ? Math.max(part.get().leaderEpoch(), 0) : -1;
  }

  @Override
  public PartitionLog log(TopicPartition tp) {
    return replicas.partition(tp).orElseThrow().log();
  }

  @Override
  public CompletableFuture<AppendResult> appendAndWait(TopicPartition tp, MemoryRecords records, long timeoutMs) {
    return replicas.appendAndWait(tp, records, timeoutMs);
  }

  @Override
  public void createTopic(String name, int partitions, int replicationFactor, Map<String, String> configs)
      throws Exception {
    topics.create(new TopicAdmin.NewTopic(name, partitions, replicationFactor, new TreeMap<>(), configs), false);
  }

  @Override
  public void addLeadershipListener(Consumer<TopicPartition> changed) {
    replicas.addLeadershipListener(new ReplicaManager.LeadershipListener() {
      @Override
      public void onBecomeLeader(TopicPartition tp, int leaderEpoch) {
        changed.accept(tp);
      }

      @Override
      public void onResign(TopicPartition tp) {
        changed.accept(tp);
      }
    });
  }

  @Override
  public long[] producerIdAndEpoch(long existingId, short existingEpoch) throws Exception {
    return producerIds.next(existingId, existingEpoch);
  }
}
