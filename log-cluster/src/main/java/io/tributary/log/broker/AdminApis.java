package io.tributary.log.broker;

import io.tributary.log.cluster.ClusterImage;
import io.tributary.log.cluster.TopicInfo;
import io.tributary.log.protocol.KafkaRequest;
import io.tributary.log.storage.LogConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteRecordsResponse;
import org.apache.kafka.common.requests.DescribeConfigsResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topic and configuration admin APIs: CreateTopics, CreatePartitions, DeleteTopics, DeleteRecords,
 * DescribeConfigs and IncrementalAlterConfigs. Those that change ZooKeeper answer once this broker's metadata shows the
 * change, without holding a request-handler thread meanwhile.
 */
final class AdminApis {
  private static final Logger log = LoggerFactory.getLogger(AdminApis.class);

  private final BrokerConfig config;
  private final ReplicaManager replicas;
  private final TopicAdmin topics;

  AdminApis(BrokerConfig config, ReplicaManager replicas, TopicAdmin topics) {
    this.config = config;
    this.replicas = replicas;
    this.topics = topics;
  }

  CompletableFuture<ApiMessage> createTopics(KafkaRequest request) {
    CreateTopicsRequestData data = request.data();
    short v = request.version();
    CreateTopicsResponseData response = new CreateTopicsResponseData();
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    for (CreateTopicsRequestData.CreatableTopic t : data.topics()) {
      CreateTopicsResponseData.CreatableTopicResult result = new CreateTopicsResponseData.CreatableTopicResult().setName(t.name());
      response.topics().add(result);
      CompletableFuture<TopicInfo> creation;
      try {
        Map<String, String> configs = new LinkedHashMap<>();
        for (CreateTopicsRequestData.CreatableTopicConfig c : t.configs()) {
          if (c.value() == null) {
            throw new InvalidConfigurationException("Null value not supported for topic configs: " + c.name());
          }
          configs.put(c.name(), c.value());
        }
        SortedMap<Integer, List<Integer>> assignment = new TreeMap<>();
        for (CreateTopicsRequestData.CreatableReplicaAssignment a : t.assignments()) {
          assignment.put(a.partitionIndex(), List.copyOf(a.brokerIds()));
        }
        if (!assignment.isEmpty() && (t.numPartitions() != -1 || t.replicationFactor() != -1)) {
          throw new InvalidRequestException("give either an assignment or partitions and replication factor, not both");
        }
        int partitions = t.numPartitions() == -1 ? config.numPartitions() : t.numPartitions();
        int rf = t.replicationFactor() == -1 ? config.defaultReplicationFactor() : t.replicationFactor();
        creation = topics.createAsync(new TopicAdmin.NewTopic(t.name(), partitions, rf, assignment, configs), data.validateOnly());
      } catch (Exception e) {
        creation = CompletableFuture.failedFuture(e);
      }
      pending.add(creation.handle((created, error) -> {
        Throwable failure = error == null ? null : unwrap(error);
        if (failure == null) {
          try {
            describeCreated(result, created, v);
          } catch (RuntimeException e) {
            failure = e;
          }
        }
        if (failure != null) {
          Errors code = failure instanceof ConfigException ? Errors.INVALID_CONFIG : Errors.forException(failure);
          if (code == Errors.UNKNOWN_SERVER_ERROR) {
            log.error("CreateTopics '{}' failed", t.name(), failure);
          }
          result.setErrorCode(code.code());
          if (v >= 1) {
            result.setErrorMessage(failure.getMessage());
          }
        }
        return null;
      }));
    }
    return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(done -> response);
  }

  /** Fills the part of a CreateTopics result that describes the topic created. */
  private void describeCreated(CreateTopicsResponseData.CreatableTopicResult result, TopicInfo created, short v) {
    if (v >= 5) {
      result.setNumPartitions(created.partitionCount())
          .setReplicationFactor((short) created.replicas().get(0).size());
      LogConfig effective = topics.effectiveConfig(created);
      for (Map.Entry<String, String> e : effective.toMap().entrySet()) {
        result.configs().add(new CreateTopicsResponseData.CreatableTopicConfigs()
            .setName(e.getKey()).setValue(e.getValue())
            .setConfigSource(configSource(created, effective, e.getKey()))
            .setReadOnly(false).setIsSensitive(false));
      }
    }
    if (v >= 7) {
      result.setTopicId(created.id());
    }
  }

  CompletableFuture<ApiMessage> deleteTopics(KafkaRequest request) {
    DeleteTopicsRequestData data = request.data();
    short v = request.version();
    ClusterImage image = replicas.image();
    List<String[]> targets = new ArrayList<>(); // {name, idString}
    if (v >= 6) {
      for (DeleteTopicsRequestData.DeleteTopicState s : data.topics()) {
        if (s.name() != null) {
          targets.add(new String[] {s.name(), null});
        } else {
          String name = image.topicById(s.topicId()).map(TopicInfo::name).orElse(null);
          targets.add(new String[] {name, s.topicId().toString()});
        }
      }
    } else {
      data.topicNames().forEach(n -> targets.add(new String[] {n, null}));
    }
    DeleteTopicsResponseData response = new DeleteTopicsResponseData();
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    for (String[] target : targets) {
      DeleteTopicsResponseData.DeletableTopicResult r = new DeleteTopicsResponseData.DeletableTopicResult().setName(target[0]);
      if (v >= 6) {
        TopicInfo info = target[0] == null ? null : image.topics().get(target[0]);
        r.setTopicId(target[1] != null ? Uuid.fromString(target[1]) : info == null ? Uuid.ZERO_UUID : info.id());
      }
      response.responses().add(r);
      if (target[0] == null) {
        r.setErrorCode(Errors.UNKNOWN_TOPIC_ID.code());
        continue;
      }
      pending.add(topics.delete(target[0]).handle((deleted, error) -> {
        if (error != null) {
          Throwable e = unwrap(error);
          r.setErrorCode(Errors.forException(e).code());
          if (v >= 5) {
            r.setErrorMessage(e.getMessage());
          }
        }
        return null;
      }));
    }
    return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(done -> response);
  }

  ApiMessage describeConfigs(KafkaRequest request) {
    DescribeConfigsRequestData data = request.data();
    short v = request.version();
    DescribeConfigsResponseData response = new DescribeConfigsResponseData();
    for (DescribeConfigsRequestData.DescribeConfigsResource res : data.resources()) {
      DescribeConfigsResponseData.DescribeConfigsResult result = new DescribeConfigsResponseData.DescribeConfigsResult()
          .setResourceType(res.resourceType()).setResourceName(res.resourceName());
      ConfigResource.Type type = ConfigResource.Type.forId(res.resourceType());
      Map<String, String> values;
      Function<String, Byte> source;
      if (type == ConfigResource.Type.TOPIC) {
        TopicInfo topic = replicas.image().topics().get(res.resourceName());
        if (topic == null) {
          result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code()).setErrorMessage("topic '" + res.resourceName() + "' does not exist");
          response.results().add(result);
          continue;
        }
        // The overrides from ZooKeeper, not this broker's cache: a describe right after an acknowledged alter (which
        // may have been answered by another broker) shows it.
        Map<String, String> overrides;
        try {
          overrides = topics.currentConfigs(res.resourceName());
        } catch (Exception e) {
          Throwable cause = unwrap(e);
          result.setErrorCode(Errors.forException(cause).code()).setErrorMessage(cause.getMessage());
          response.results().add(result);
          continue;
        }
        TopicInfo current = topic.withConfigs(overrides);
        LogConfig effective = topics.effectiveConfig(current);
        values = effective.toMap();
        source = key -> configSource(current, effective, key);
      } else if (type == ConfigResource.Type.BROKER) {
        if (!res.resourceName().isEmpty() && !res.resourceName().equals(Integer.toString(config.brokerId()))) {
          result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("this is broker " + config.brokerId());
          response.results().add(result);
          continue;
        }
        Map<String, String> dynamic = replicas.dynamicConfigs().current();
        values = new LinkedHashMap<>(config.asMap());
        values.putAll(dynamic);
        source = key -> dynamic.containsKey(key) ? DescribeConfigsResponse.ConfigSource.DYNAMIC_BROKER_CONFIG.id()
            : DescribeConfigsResponse.ConfigSource.STATIC_BROKER_CONFIG.id();
      } else {
        result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("config resource type " + type + " is not supported");
        response.results().add(result);
        continue;
      }
      for (Map.Entry<String, String> e : new TreeMap<>(values).entrySet()) {
        if (res.configurationKeys() != null && !res.configurationKeys().contains(e.getKey())) {
          continue;
        }
        byte src = source.apply(e.getKey());
        DescribeConfigsResponseData.DescribeConfigsResourceResult c = new DescribeConfigsResponseData.DescribeConfigsResourceResult()
            .setName(e.getKey()).setReadOnly(type == ConfigResource.Type.BROKER && !DynamicBrokerConfigs.KEYS.containsKey(e.getKey()));
        boolean sensitive = type == ConfigResource.Type.BROKER && SensitiveConfigs.isSensitive(e.getKey());
        c.setValue(sensitive ? null : e.getValue()).setIsSensitive(sensitive);
        if (v == 0) {
          c.setIsDefault(src == DescribeConfigsResponse.ConfigSource.DEFAULT_CONFIG.id());
        } else {
          c.setConfigSource(src);
        }
        result.configs().add(c);
      }
      response.results().add(result);
    }
    return response;
  }

  byte configSource(TopicInfo topic, LogConfig effective, String key) {
    if (topic.configs().containsKey(key)) {
      return DescribeConfigsResponse.ConfigSource.TOPIC_CONFIG.id();
    }
    if (topics.topicDefaults().containsKey(key)) {
      return DescribeConfigsResponse.ConfigSource.STATIC_BROKER_CONFIG.id();
    }
    return DescribeConfigsResponse.ConfigSource.DEFAULT_CONFIG.id();
  }

  CompletableFuture<ApiMessage> alterConfigs(KafkaRequest request) {
    IncrementalAlterConfigsRequestData data = request.data();
    IncrementalAlterConfigsResponseData response = new IncrementalAlterConfigsResponseData();
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    for (IncrementalAlterConfigsRequestData.AlterConfigsResource res : data.resources()) {
      IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse r = new IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse()
          .setResourceType(res.resourceType()).setResourceName(res.resourceName());
      response.responses().add(r);
      CompletableFuture<Void> altered;
      try {
        if (ConfigResource.Type.forId(res.resourceType()) == ConfigResource.Type.BROKER) {
          altered = alterBrokerConfigs(res, data.validateOnly());
          pending.add(answer(altered, r));
          continue;
        }
        if (ConfigResource.Type.forId(res.resourceType()) != ConfigResource.Type.TOPIC) {
          throw new InvalidRequestException("only topic and broker configs can be altered");
        }
        List<IncrementalAlterConfigsRequestData.AlterableConfig> ops = List.copyOf(res.configs());
        for (IncrementalAlterConfigsRequestData.AlterableConfig c : ops) {
          if (c.configOperation() < 0 || c.configOperation() > 3) {
            throw new InvalidRequestException("unknown config operation " + c.configOperation() + " for " + c.name());
          }
          if (c.configOperation() != 1 && c.value() == null) {
            // Kafka's words; written as JSON null it would make the config znode unreadable (found by the fuzzer).
            throw new InvalidRequestException("Null value not supported for topic configs: " + c.name());
          }
        }
        // Applied to the overrides ZooKeeper holds, by compare-and-set, so concurrent alters of other keys survive.
        UnaryOperator<Map<String, String>> change = current -> {
          Map<String, String> next = new LinkedHashMap<>(current);
          for (IncrementalAlterConfigsRequestData.AlterableConfig c : ops) {
            switch (c.configOperation()) {
              case 0 -> next.put(c.name(), c.value());
              case 1 -> next.remove(c.name());
              default -> next.put(c.name(), listOp(next, c));
            }
          }
          return next;
        };
        altered = topics.alterConfigs(res.resourceName(), change, data.validateOnly());
      } catch (Exception e) {
        altered = CompletableFuture.failedFuture(e);
      }
      pending.add(answer(altered, r));
    }
    return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(done -> response);
  }

  private static CompletableFuture<Void> answer(CompletableFuture<Void> altered,
      IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse r) {
    return altered.handle((done, error) -> {
      if (error != null) {
        Throwable e = unwrap(error);
        Errors code = e instanceof ConfigException ? Errors.INVALID_CONFIG : Errors.forException(e);
        r.setErrorCode(code.code()).setErrorMessage(e.getMessage());
      }
      return null;
    });
  }

  /** SET/DELETE of this broker's dynamic configs (the replication throttle rates); everything else is static. */
  private CompletableFuture<Void> alterBrokerConfigs(IncrementalAlterConfigsRequestData.AlterConfigsResource res, boolean validateOnly) {
    try {
      Map<String, String> set = new LinkedHashMap<>();
      List<String> delete = new ArrayList<>();
      for (IncrementalAlterConfigsRequestData.AlterableConfig c : res.configs()) {
        switch (c.configOperation()) {
          case 0 -> set.put(c.name(), c.value());
          case 1 -> delete.add(c.name());
          default -> throw new InvalidRequestException("APPEND/SUBTRACT do not apply to broker config " + c.name());
        }
      }
      replicas.dynamicConfigs().alter(res.resourceName(), set, delete, validateOnly);
      return CompletableFuture.completedFuture(null);
    } catch (Exception e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** APPEND (2) / SUBTRACT (3) on a comma-separated list value such as cleanup.policy. */
  private String listOp(Map<String, String> current, IncrementalAlterConfigsRequestData.AlterableConfig c) {
    if (!c.name().equals("cleanup.policy")) {
      throw new InvalidConfigurationException("APPEND/SUBTRACT apply only to list configs such as cleanup.policy, not " + c.name());
    }
    List<String> items = new ArrayList<>();
    String base = current.getOrDefault(c.name(), topics.topicDefaults().getOrDefault(c.name(), "delete"));
    for (String s : base.split(",")) {
      if (!s.isBlank()) {
        items.add(s.trim());
      }
    }
    for (String s : c.value().split(",")) {
      if (c.configOperation() == 2 && !items.contains(s.trim())) {
        items.add(s.trim());
      } else if (c.configOperation() == 3) {
        items.remove(s.trim());
      }
    }
    return String.join(",", items);
  }

  /**
   * CreatePartitions: each topic grows to its requested count, the new partitions placed by the assignor
   * or where the request says. Keyed records change partition for producers that hash keys over the
   * partition count (the default partitioner) once they refresh metadata, as in Kafka.
   */
  CompletableFuture<ApiMessage> createPartitions(KafkaRequest request) {
    CreatePartitionsRequestData data = request.data();
    CreatePartitionsResponseData response = new CreatePartitionsResponseData();
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (CreatePartitionsRequestData.CreatePartitionsTopic t : data.topics()) {
      CreatePartitionsResponseData.CreatePartitionsTopicResult result = new CreatePartitionsResponseData.CreatePartitionsTopicResult()
          .setName(t.name());
      response.results().add(result);
      CompletableFuture<?> growth;
      if (!seen.add(t.name())) {
        growth = CompletableFuture.failedFuture(new InvalidRequestException("topic '" + t.name() + "' appears twice in the request"));
      } else {
        List<List<Integer>> assignments = t.assignments() == null ? null
            : t.assignments().stream().map(a -> List.copyOf(a.brokerIds())).toList();
        growth = topics.addPartitionsAsync(t.name(), t.count(), assignments, data.validateOnly());
      }
      pending.add(growth.handle((added, error) -> {
        if (error != null) {
          Throwable e = unwrap(error);
          Errors code = Errors.forException(e);
          if (code == Errors.UNKNOWN_SERVER_ERROR) {
            log.error("CreatePartitions '{}' failed", t.name(), e);
          }
          result.setErrorCode(code.code()).setErrorMessage(e.getMessage());
        }
        return null;
      }));
    }
    return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(done -> response);
  }

  /**
   * DeleteRecords: each partition's leader moves its log start offset and answers with the low watermark
   * once the live followers have moved theirs; retention then deletes the segments wholly below it.
   */
  CompletableFuture<ApiMessage> deleteRecords(KafkaRequest request) {
    DeleteRecordsRequestData data = request.data();
    DeleteRecordsResponseData response = new DeleteRecordsResponseData();
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    for (DeleteRecordsRequestData.DeleteRecordsTopic t : data.topics()) {
      DeleteRecordsResponseData.DeleteRecordsTopicResult topicResult = new DeleteRecordsResponseData.DeleteRecordsTopicResult()
          .setName(t.name());
      response.topics().add(topicResult);
      for (DeleteRecordsRequestData.DeleteRecordsPartition p : t.partitions()) {
        DeleteRecordsResponseData.DeleteRecordsPartitionResult out = new DeleteRecordsResponseData.DeleteRecordsPartitionResult()
            .setPartitionIndex(p.partitionIndex()).setLowWatermark(DeleteRecordsResponse.INVALID_LOW_WATERMARK);
        topicResult.partitions().add(out);
        TopicPartition tp = new TopicPartition(t.name(), p.partitionIndex());
        pending.add(replicas.deleteRecords(tp, p.offset(), data.timeoutMs()).handle((lowWatermark, error) -> {
          if (error == null) {
            out.setLowWatermark(lowWatermark);
          } else {
            Throwable e = unwrap(error);
            Errors code = Errors.forException(e);
            if (code == Errors.UNKNOWN_SERVER_ERROR) {
              log.error("DeleteRecords on {} failed", tp, e);
            }
            out.setErrorCode(code.code());
          }
          return null;
        }));
      }
    }
    return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(done -> response);
  }

  /** The cause of a failed stage (stages wrap it in a CompletionException). */
  static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
  }
}
