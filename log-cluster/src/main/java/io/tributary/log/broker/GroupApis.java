package io.tributary.log.broker;

import io.tributary.log.protocol.KafkaRequest;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/** The consumer-group APIs (FindCoordinator, JoinGroup, ... OffsetFetch), served by the group coordinator. */
public interface GroupApis extends AutoCloseable {

  /** The API keys this implementation serves (advertised in ApiVersions). */
  Set<ApiKeys> apis();

  CompletableFuture<ApiMessage> handle(KafkaRequest request);

  /** The committed offsets of the groups coordinated here: group → partition → offset (for the lag metric). */
  CompletableFuture<Map<String, Map<TopicPartition, Long>>> committedOffsets();

  @Override
  void close();
}
