package io.tributary.log.group;

import io.tributary.log.cluster.ClusterImage;
import io.tributary.log.storage.AppendResult;
import io.tributary.log.storage.PartitionLog;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.MemoryRecords;

/**
 * The broker as its group coordinator sees it: the cluster image, the offsets topic's local partitions,
 * acks=all appends and topic creation. The broker's wiring implements it, so that group/ imports nothing
 * from the layers above it (broker/, network/).
 */
public interface CoordinatorHost {

  ClusterImage image();

  /** The leader epoch (>= 0) if this broker leads {@code tp} now, else -1. */
  int leaderEpochHere(TopicPartition tp);

  /** The local log of a partition this broker leads. */
  PartitionLog log(TopicPartition tp);

  /** Appends with acks=all: completes (with where the records went) once the in-sync replicas have them, or fails. */
  CompletableFuture<AppendResult> appendAndWait(TopicPartition tp, MemoryRecords records, long timeoutMs);

  /** Creates a topic (throws TopicExistsException if another broker created it first). */
  void createTopic(String name, int partitions, int replicationFactor, Map<String, String> configs) throws Exception;

  /** {@code changed} is called (on any thread) whenever this broker starts or stops leading a partition. */
  void addLeadershipListener(Consumer<TopicPartition> changed);
}
