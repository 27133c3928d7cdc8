package io.tributary.log.broker;

import io.tributary.log.cluster.BrokerInfo;
import io.tributary.log.cluster.ClusterImage;
import io.tributary.log.cluster.PartitionState;
import io.tributary.log.cluster.TopicInfo;
import io.tributary.log.network.RequestHandler;
import io.tributary.log.protocol.ApiVersionTable;
import io.tributary.log.protocol.KafkaRequest;
import io.tributary.log.storage.LogConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeConfigsResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes each request to the code that serves it; the small APIs are served right here. */
public final class KafkaApis implements RequestHandler {
  private static final Logger log = LoggerFactory.getLogger(KafkaApis.class);

  /** Everything the broker core serves; the group coordinator adds its own APIs. */
  public static final EnumSet<ApiKeys> CORE_APIS = EnumSet.of(
      ApiKeys.API_VERSIONS, ApiKeys.METADATA, ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS,
      ApiKeys.INIT_PRODUCER_ID, ApiKeys.CREATE_TOPICS, ApiKeys.DELETE_TOPICS, ApiKeys.DESCRIBE_CONFIGS,
      ApiKeys.INCREMENTAL_ALTER_CONFIGS, ApiKeys.DESCRIBE_CLUSTER, ApiKeys.OFFSET_FOR_LEADER_EPOCH);

  private final BrokerConfig config;
  private final String clusterId;
  private final ApiVersionTable versions;
  private final ReplicaManager replicas;
  private final TopicAdmin topics;
  private final ProducerIdManager producerIds;
  private final ProduceHandler produce;
  private final FetchHandler fetch;
  private final GroupApis groups;

  public KafkaApis(BrokerConfig config, String clusterId, ApiVersionTable versions, ReplicaManager replicas,
      TopicAdmin topics, ProducerIdManager producerIds, GroupApis groups) {
    this.groups = groups;
    this.config = config;
    this.clusterId = clusterId;
    this.versions = versions;
    this.replicas = replicas;
    this.topics = topics;
    this.producerIds = producerIds;
    this.produce = new ProduceHandler(replicas);
    this.fetch = new FetchHandler(replicas);
  }

  /**
   * The version table of the APIs served (ApiVersions advertises exactly these), capped where a newer
   * version has semantics we do not serve.
   */
  public static ApiVersionTable versionTable(GroupApis groups) {
    EnumSet<ApiKeys> served = EnumSet.copyOf(CORE_APIS);
    if (groups != null) {
      served.addAll(groups.apis());
    }
    return ApiVersionTable.of(served).capped(ApiKeys.LIST_OFFSETS, (short) 8);
  }

  @Override
  public CompletableFuture<ApiMessage> handle(KafkaRequest request, ConnectionInfo connection) {
    try {
      switch (request.apiKey()) {
        case PRODUCE:
          return produce.handle(request);
        case FETCH:
          return fetch.handle(request);
        // These wait for this broker's metadata to show a change: they answer when it does.
        case METADATA:
          return metadata(request);
        case CREATE_TOPICS:
          return createTopics(request);
        case DELETE_TOPICS:
          return deleteTopics(request);
        case INCREMENTAL_ALTER_CONFIGS:
          return alterConfigs(request);
        default:
          if (groups != null && groups.apis().contains(request.apiKey())) {
            return groups.handle(request);
          }
          return CompletableFuture.completedFuture(handleSimple(request));
      }
    } catch (Exception e) {
      Errors error = Errors.forException(e);
      if (error == Errors.UNKNOWN_SERVER_ERROR) {
        log.error("{} v{} from {} failed", request.apiKey(), request.version(), connection.remoteAddress(), e);
      }
      return CompletableFuture.completedFuture(request.errorResponse(e));
    }
  }

  private ApiMessage handleSimple(KafkaRequest request) throws Exception {
    switch (request.apiKey()) {
      case API_VERSIONS:
        return new ApiVersionsResponseData().setApiKeys(versions.toCollection());
      case LIST_OFFSETS:
        return listOffsets(request);
      case INIT_PRODUCER_ID:
        return initProducerId(request);
      case DESCRIBE_CONFIGS:
        return describeConfigs(request);
      case DESCRIBE_CLUSTER:
        return describeCluster(request);
      case OFFSET_FOR_LEADER_EPOCH:
        return offsetForLeaderEpoch(request);
      default:
        throw new UnsupportedVersionException("API " + request.apiKey() + " is not served");
    }
  }

  // ---- Metadata ---------------------------------------------------------------------------------

  private CompletableFuture<ApiMessage> metadata(KafkaRequest request) {
    MetadataRequestData data = request.data();
    short v = request.version();
    ClusterImage image = replicas.image();
    List<String> names = new ArrayList<>();
    boolean all = data.topics() == null || (v == 0 && data.topics().isEmpty());
    if (all) {
      names.addAll(new TreeMap<>(image.topics()).keySet());
    } else {
      for (MetadataRequestData.MetadataRequestTopic t : data.topics()) {
        if (t.name() == null && v >= 10) {
          image.topicById(t.topicId()).ifPresent(info -> names.add(info.name()));
        } else {
          names.add(t.name());
        }
      }
    }
    boolean autoCreate = config.autoCreateTopics() && (v < 4 || data.allowAutoTopicCreation());
    List<CompletableFuture<Void>> creating = new ArrayList<>();
    if (!all && autoCreate) {
      for (String name : names) {
        if (!image.topics().containsKey(name) && !Topic.isInternal(name)) {
          creating.add(autoCreate(name));
        }
      }
    }
    if (creating.isEmpty()) {
      return CompletableFuture.completedFuture(metadata(v, names, autoCreate));
    }
    return CompletableFuture.allOf(creating.toArray(CompletableFuture[]::new)).thenApply(created -> metadata(v, names, autoCreate));
  }

  /** The Metadata response for {@code names} from the current image (after any auto-creation finished). */
  private MetadataResponseData metadata(short v, List<String> names, boolean autoCreate) {
    ClusterImage image = replicas.image();
    MetadataResponseData response = new MetadataResponseData();
    for (BrokerInfo b : sortedBrokers(image)) {
      MetadataResponseData.MetadataResponseBroker mb = new MetadataResponseData.MetadataResponseBroker()
          .setNodeId(b.id()).setHost(b.host()).setPort(b.port());
      if (v >= 1 && !b.rack().isEmpty()) {
        mb.setRack(b.rack());
      }
      response.brokers().add(mb);
    }
    if (v >= 2) {
      response.setClusterId(clusterId);
    }
    if (v >= 1) {
      response.setControllerId(controllerId(image));
    }
    for (String name : names) {
      MetadataResponseData.MetadataResponseTopic mt = new MetadataResponseData.MetadataResponseTopic().setName(name);
      TopicInfo topic = image.topics().get(name);
      if (topic == null) {
        mt.setErrorCode((autoCreate && isValidName(name) ? Errors.LEADER_NOT_AVAILABLE : Errors.UNKNOWN_TOPIC_OR_PARTITION).code());
        if (!isValidName(name)) {
          mt.setErrorCode(Errors.INVALID_TOPIC_EXCEPTION.code());
        }
        response.topics().add(mt);
        continue;
      }
      if (v >= 10) {
        mt.setTopicId(topic.id());
      }
      if (v >= 1) {
        mt.setIsInternal(topic.isInternal());
      }
      for (Map.Entry<Integer, List<Integer>> e : topic.replicas().entrySet()) {
        TopicPartition tp = new TopicPartition(name, e.getKey());
        PartitionState state = image.partitions().get(tp);
        MetadataResponseData.MetadataResponsePartition mp = new MetadataResponseData.MetadataResponsePartition()
            .setPartitionIndex(e.getKey())
            .setReplicaNodes(new ArrayList<>(e.getValue()));
        if (state == null || state.leader() < 0 || !image.isLive(state.leader())) {
          mp.setErrorCode(Errors.LEADER_NOT_AVAILABLE.code()).setLeaderId(-1);
          mp.setIsrNodes(state == null ? new ArrayList<>() : new ArrayList<>(state.isr()));
        } else {
          mp.setLeaderId(state.leader()).setIsrNodes(new ArrayList<>(state.isr()));
          if (v >= 7) {
            mp.setLeaderEpoch(state.leaderEpoch());
          }
        }
        if (v >= 5) {
          List<Integer> offline = new ArrayList<>();
          for (int r : e.getValue()) {
            if (!image.isLive(r)) {
              offline.add(r);
            }
          }
          mp.setOfflineReplicas(offline);
        }
        mt.partitions().add(mp);
      }
      response.topics().add(mt);
    }
    return response;
  }

  private static boolean isValidName(String name) {
    try {
      Topic.validate(name);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Creates a topic a client asked Metadata for; completes (never fails) once it is created or failed. */
  private CompletableFuture<Void> autoCreate(String name) {
    if (!isValidName(name)) {
      return CompletableFuture.completedFuture(null);
    }
    int live = replicas.image().liveBrokers().size();
    int rf = Math.max(1, Math.min(config.defaultReplicationFactor(), live));
    return topics.createAsync(new TopicAdmin.NewTopic(name, config.numPartitions(), rf, new TreeMap<>(), Map.of()), false)
        .handle((created, error) -> {
          Throwable cause = error == null ? null : unwrap(error);
          if (cause != null && !(cause instanceof TopicExistsException)) {
            log.warn("auto-creation of topic '{}' failed: {}", name, cause.getMessage());
          }
          return null;
        });
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
  }

  private static List<BrokerInfo> sortedBrokers(ClusterImage image) {
    List<BrokerInfo> brokers = new ArrayList<>(image.liveBrokers());
    brokers.sort(Comparator.comparingInt(BrokerInfo::id));
    return brokers;
  }

  private static int controllerId(ClusterImage image) {
    if (image.controllerId() >= 0 && image.isLive(image.controllerId())) {
      return image.controllerId();
    }
    return image.liveBrokers().stream().mapToInt(BrokerInfo::id).min().orElse(-1);
  }

  private ApiMessage describeCluster(KafkaRequest request) {
    ClusterImage image = replicas.image();
    DescribeClusterResponseData response = new DescribeClusterResponseData()
        .setClusterId(clusterId)
        .setControllerId(controllerId(image));
    for (BrokerInfo b : sortedBrokers(image)) {
      response.brokers().add(new DescribeClusterResponseData.DescribeClusterBroker()
          .setBrokerId(b.id()).setHost(b.host()).setPort(b.port()).setRack(b.rack().isEmpty() ? null : b.rack()));
    }
    return response;
  }

  // ---- Offsets ----------------------------------------------------------------------------------

  private ApiMessage listOffsets(KafkaRequest request) {
    ListOffsetsRequestData data = request.data();
    short v = request.version();
    ListOffsetsResponseData response = new ListOffsetsResponseData();
    for (ListOffsetsRequestData.ListOffsetsTopic topic : data.topics()) {
      ListOffsetsResponseData.ListOffsetsTopicResponse tr = new ListOffsetsResponseData.ListOffsetsTopicResponse().setName(topic.name());
      for (ListOffsetsRequestData.ListOffsetsPartition p : topic.partitions()) {
        TopicPartition tp = new TopicPartition(topic.name(), p.partitionIndex());
        ListOffsetsResponseData.ListOffsetsPartitionResponse pr = new ListOffsetsResponseData.ListOffsetsPartitionResponse()
            .setPartitionIndex(p.partitionIndex());
        try {
          long[] found = replicas.listOffset(tp, v >= 4 ? p.currentLeaderEpoch() : -1, p.timestamp());
          if (v == 0) {
            pr.setOldStyleOffsets(found[1] < 0 ? List.of() : List.of(found[1]));
          } else {
            pr.setTimestamp(found[0]).setOffset(found[1]);
            if (v >= 4) {
              pr.setLeaderEpoch((int) found[2]);
            }
          }
        } catch (Exception e) {
          pr.setErrorCode(Errors.forException(e).code());
          if (v >= 1) {
            pr.setTimestamp(-1).setOffset(-1);
          }
        }
        tr.partitions().add(pr);
      }
      response.topics().add(tr);
    }
    return response;
  }

  private ApiMessage offsetForLeaderEpoch(KafkaRequest request) {
    OffsetForLeaderEpochRequestData data = request.data();
    short v = request.version();
    OffsetForLeaderEpochResponseData response = new OffsetForLeaderEpochResponseData();
    for (OffsetForLeaderEpochRequestData.OffsetForLeaderTopic topic : data.topics()) {
      OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult tr =
          new OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult().setTopic(topic.topic());
      for (OffsetForLeaderEpochRequestData.OffsetForLeaderPartition p : topic.partitions()) {
        TopicPartition tp = new TopicPartition(topic.topic(), p.partition());
        OffsetForLeaderEpochResponseData.EpochEndOffset out = new OffsetForLeaderEpochResponseData.EpochEndOffset()
            .setPartition(p.partition());
        try {
          long[] r = replicas.endOffsetForEpoch(tp, v >= 2 ? p.currentLeaderEpoch() : -1, p.leaderEpoch());
          if (v >= 1) {
            out.setLeaderEpoch((int) r[0]);
          }
          out.setEndOffset(r[1]);
        } catch (Exception e) {
          out.setErrorCode(Errors.forException(e).code());
        }
        tr.partitions().add(out);
      }
      response.topics().add(tr);
    }
    return response;
  }

  private ApiMessage initProducerId(KafkaRequest request) throws Exception {
    InitProducerIdRequestData data = request.data();
    if (data.transactionalId() != null) {
      return new InitProducerIdResponseData().setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code())
          .setProducerId(-1).setProducerEpoch((short) -1);
    }
    long[] idAndEpoch = producerIds.next(request.version() >= 3 ? data.producerId() : -1,
        request.version() >= 3 ? data.producerEpoch() : (short) -1);
    return new InitProducerIdResponseData().setProducerId(idAndEpoch[0]).setProducerEpoch((short) idAndEpoch[1]);
  }

  // ---- Topic admin ------------------------------------------------------------------------------

  private CompletableFuture<ApiMessage> createTopics(KafkaRequest request) {
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

  private CompletableFuture<ApiMessage> deleteTopics(KafkaRequest request) {
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

  private ApiMessage describeConfigs(KafkaRequest request) {
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
        LogConfig effective = topics.effectiveConfig(topic);
        values = effective.toMap();
        source = key -> configSource(topic, effective, key);
      } else if (type == ConfigResource.Type.BROKER) {
        if (!res.resourceName().isEmpty() && !res.resourceName().equals(Integer.toString(config.brokerId()))) {
          result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("this is broker " + config.brokerId());
          response.results().add(result);
          continue;
        }
        values = config.asMap();
        source = key -> DescribeConfigsResponse.ConfigSource.STATIC_BROKER_CONFIG.id();
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
            .setName(e.getKey()).setValue(e.getValue()).setReadOnly(type == ConfigResource.Type.BROKER).setIsSensitive(false);
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

  private byte configSource(TopicInfo topic, LogConfig effective, String key) {
    if (topic.configs().containsKey(key)) {
      return DescribeConfigsResponse.ConfigSource.TOPIC_CONFIG.id();
    }
    if (topics.topicDefaults().containsKey(key)) {
      return DescribeConfigsResponse.ConfigSource.STATIC_BROKER_CONFIG.id();
    }
    return DescribeConfigsResponse.ConfigSource.DEFAULT_CONFIG.id();
  }

  private CompletableFuture<ApiMessage> alterConfigs(KafkaRequest request) {
    IncrementalAlterConfigsRequestData data = request.data();
    IncrementalAlterConfigsResponseData response = new IncrementalAlterConfigsResponseData();
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    for (IncrementalAlterConfigsRequestData.AlterConfigsResource res : data.resources()) {
      IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse r = new IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse()
          .setResourceType(res.resourceType()).setResourceName(res.resourceName());
      response.responses().add(r);
      CompletableFuture<Void> altered;
      try {
        if (ConfigResource.Type.forId(res.resourceType()) != ConfigResource.Type.TOPIC) {
          throw new InvalidRequestException("only topic configs can be altered; broker configs are static (edit the broker's file)");
        }
        TopicInfo topic = replicas.image().topics().get(res.resourceName());
        Map<String, String> current = topic == null ? Map.of() : topic.configs();
        Map<String, String> set = new LinkedHashMap<>();
        List<String> delete = new ArrayList<>();
        for (IncrementalAlterConfigsRequestData.AlterableConfig c : res.configs()) {
          switch (c.configOperation()) {
            case 0 -> set.put(c.name(), c.value());
            case 1 -> delete.add(c.name());
            case 2, 3 -> set.put(c.name(), listOp(current, c));
            default -> throw new InvalidRequestException("unknown config operation " + c.configOperation() + " for " + c.name());
          }
        }
        altered = topics.alterConfigs(res.resourceName(), set, delete, data.validateOnly());
      } catch (Exception e) {
        altered = CompletableFuture.failedFuture(e);
      }
      pending.add(altered.handle((done, error) -> {
        if (error != null) {
          Throwable e = unwrap(error);
          Errors code = e instanceof ConfigException ? Errors.INVALID_CONFIG : Errors.forException(e);
          r.setErrorCode(code.code()).setErrorMessage(e.getMessage());
        }
        return null;
      }));
    }
    return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(done -> response);
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

  static List<Integer> sorted(List<Integer> ids) {
    List<Integer> copy = new ArrayList<>(ids);
    Collections.sort(copy);
    return copy;
  }
}
