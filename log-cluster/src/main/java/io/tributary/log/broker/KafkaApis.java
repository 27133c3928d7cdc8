package io.tributary.log.broker;

import io.tributary.log.cluster.BrokerInfo;
import io.tributary.log.cluster.ClusterImage;
import io.tributary.log.cluster.PartitionState;
import io.tributary.log.cluster.TopicInfo;
import io.tributary.log.network.RequestHandler;
import io.tributary.log.protocol.ApiVersionTable;
import io.tributary.log.protocol.KafkaRequest;
import io.tributary.log.txn.AddPartitionsToTxnManager;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes each request to the code that serves it; the small APIs are served right here. */
public final class KafkaApis implements RequestHandler {
  private static final Logger log = LoggerFactory.getLogger(KafkaApis.class);

  /** Everything the broker core serves; the group coordinator adds its own APIs. */
  public static final EnumSet<ApiKeys> CORE_APIS = EnumSet.of(
      ApiKeys.API_VERSIONS, ApiKeys.METADATA, ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS,
      ApiKeys.INIT_PRODUCER_ID, ApiKeys.CREATE_TOPICS, ApiKeys.DELETE_TOPICS, ApiKeys.DESCRIBE_CONFIGS,
      ApiKeys.INCREMENTAL_ALTER_CONFIGS, ApiKeys.DESCRIBE_CLUSTER, ApiKeys.OFFSET_FOR_LEADER_EPOCH,
      ApiKeys.CREATE_PARTITIONS, ApiKeys.DELETE_RECORDS, ApiKeys.WRITE_TXN_MARKERS, ApiKeys.DESCRIBE_PRODUCERS,
      ApiKeys.DESCRIBE_LOG_DIRS, ApiKeys.ELECT_LEADERS, ApiKeys.ALTER_PARTITION_REASSIGNMENTS,
      ApiKeys.LIST_PARTITION_REASSIGNMENTS);

  private final BrokerConfig config;
  private final String clusterId;
  private final ApiVersionTable versions;
  private final ReplicaManager replicas;
  private final TopicAdmin topics;
  private final ProduceHandler produce;
  private final FetchHandler fetch;
  private final WriteTxnMarkersHandler txnMarkers;
  private final DescribeProducersHandler describeProducers;
  private final DescribeLogDirsHandler describeLogDirs;
  private final AdminApis admin;
  private final ReassignmentApis reassignments;
  private final GroupApis groups;
  private final RequestAuthorizer authorizer;
  private final SecurityApis security;
  private final ElectLeadersHandler electLeaders;
  private final TxnOffsetCommitV2 txnOffsetCommitV2;

  public KafkaApis(BrokerConfig config, String clusterId, ApiVersionTable versions, ReplicaManager replicas,
      TopicAdmin topics, GroupApis groups, RequestAuthorizer authorizer, SecurityApis security,
      ElectLeadersHandler electLeaders, AddPartitionsToTxnManager txnVerifier) {
    this.groups = groups;
    this.electLeaders = electLeaders;
    this.authorizer = authorizer;
    this.security = security;
    this.config = config;
    this.clusterId = clusterId;
    this.versions = versions;
    this.replicas = replicas;
    this.topics = topics;
    this.produce = new ProduceHandler(replicas, txnVerifier, config.transactionPartitionVerificationEnable());
    this.txnOffsetCommitV2 = new TxnOffsetCommitV2(txnVerifier, replicas, config.brokerId());
    this.fetch = new FetchHandler(replicas);
    this.txnMarkers = new WriteTxnMarkersHandler(replicas);
    this.describeProducers = new DescribeProducersHandler(replicas);
    this.describeLogDirs = new DescribeLogDirsHandler(config.logDirs(), replicas);
    this.admin = new AdminApis(config, replicas, topics);
    this.reassignments = new ReassignmentApis(topics.store(), topics.metadata());
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
    served.addAll(SecurityApis.APIS);
    ApiVersionTable table = ApiVersionTable.of(served).capped(ApiKeys.LIST_OFFSETS, (short) 8);
    // Transactions v2 (KIP-890 part 2) where the transaction coordinator runs: it and the produce path serve them.
    return served.contains(ApiKeys.END_TXN) ? table.withTransactionsV2() : table;
  }

  @Override
  public CompletableFuture<ApiMessage> handle(KafkaRequest request, ConnectionInfo connection) {
    try {
      switch (request.apiKey()) {
        case PRODUCE:
          return produce.handle(request, topicAccess(connection));
        case FETCH:
          return fetch.handle(request, topicAccess(connection));
        case WRITE_TXN_MARKERS:
          // Markers come from transaction coordinators, i.e. other brokers: Kafka requires CLUSTER_ACTION.
          if (!authorizer.authorizeCluster(connection, AclOperation.CLUSTER_ACTION)) {
            throw new ClusterAuthorizationException("WriteTxnMarkers needs CLUSTER_ACTION on the cluster");
          }
          return txnMarkers.handle(request);
        // These wait for this broker's metadata to show a change: they answer when it does.
        case METADATA:
          return metadata(request, connection);
        case CREATE_TOPICS:
          return AdminAuthorization.serve(request, connection, authorizer, admin::createTopics);
        case DELETE_TOPICS:
          return AdminAuthorization.serve(request, connection, authorizer, admin::deleteTopics);
        case CREATE_PARTITIONS:
          return AdminAuthorization.serve(request, connection, authorizer, admin::createPartitions);
        case DELETE_RECORDS:
          return AdminAuthorization.serve(request, connection, authorizer, admin::deleteRecords);
        case INCREMENTAL_ALTER_CONFIGS:
          return AdminAuthorization.serve(request, connection, authorizer, admin::alterConfigs);
        case ELECT_LEADERS:
          // Kafka requires ALTER on the cluster.
          return authorizer.authorizeCluster(connection, AclOperation.ALTER)
              ? electLeaders.handle(request) : CompletableFuture.completedFuture(ElectLeadersHandler.refused(request));
        case ALTER_PARTITION_REASSIGNMENTS:
          // Kafka requires ALTER on the cluster and answers a refusal with a top-level error.
          if (!authorizer.authorizeCluster(connection, AclOperation.ALTER)) {
            throw new ClusterAuthorizationException("AlterPartitionReassignments needs ALTER on the cluster");
          }
          return reassignments.alter(request);
        default:
          if (groups != null && groups.apis().contains(request.apiKey())) {
            ApiMessage refused = GroupAuthorization.refusal(request, connection, authorizer);
            if (refused != null) {
              return CompletableFuture.completedFuture(refused);
            }
            return txnOffsetCommitV2.handle(request, groups::handle)
                .thenApply(r -> ListenerAddressing.coordinators(r, replicas.image(), connection.listenerName()))
                .thenApply(r -> GroupAuthorization.filterListed(r, connection, authorizer));
          }
          return CompletableFuture.completedFuture(handleSimple(request, connection));
      }
    } catch (Exception e) {
      Errors error = Errors.forException(e);
      if (error == Errors.UNKNOWN_SERVER_ERROR) {
        log.error("{} v{} from {} failed", request.apiKey(), request.version(), connection.remoteAddress(), e);
      }
      return CompletableFuture.completedFuture(request.errorResponse(e));
    }
  }

  private ApiMessage handleSimple(KafkaRequest request, ConnectionInfo connection) throws Exception {
    switch (request.apiKey()) {
      case API_VERSIONS:
        // A SASL listener also serves SaslHandshake and SaslAuthenticate (answered by the network layer).
        return (connection.usesSasl() ? versions.withSaslApis() : versions).toResponse();
      case LIST_OFFSETS:
        return listOffsets(request, topicAccess(connection));
      case DESCRIBE_CONFIGS:
        return AdminAuthorization.describeConfigs(request, connection, authorizer, admin::describeConfigs);
      case DESCRIBE_CLUSTER:
        return describeCluster(connection.listenerName());
      case OFFSET_FOR_LEADER_EPOCH:
        return offsetForLeaderEpoch(request, topicAccess(connection));
      case DESCRIBE_PRODUCERS:
        return describeProducers.handle(request);
      case LIST_PARTITION_REASSIGNMENTS:
        if (!authorizer.authorizeCluster(connection, AclOperation.DESCRIBE)) {
          throw new ClusterAuthorizationException("ListPartitionReassignments needs DESCRIBE on the cluster");
        }
        return reassignments.list(request);
      case DESCRIBE_LOG_DIRS:
        // Kafka requires DESCRIBE on the cluster and answers a refusal with the error and no dirs.
        return authorizer.authorizeCluster(connection, AclOperation.DESCRIBE)
            ? describeLogDirs.handle(request) : DescribeLogDirsHandler.refused();
      case CREATE_ACLS:
      case DESCRIBE_ACLS:
      case DELETE_ACLS:
      case ALTER_USER_SCRAM_CREDENTIALS:
      case DESCRIBE_USER_SCRAM_CREDENTIALS:
        return security.handle(request, connection);
      default:
        throw new UnsupportedVersionException("API " + request.apiKey() + " is not served");
    }
  }

  /** What this connection's principal may do with topics and the cluster. */
  private TopicAccess topicAccess(ConnectionInfo connection) {
    return new TopicAccess(authorizer, connection);
  }

  // ---- Metadata ---------------------------------------------------------------------------------

  private CompletableFuture<ApiMessage> metadata(KafkaRequest request, ConnectionInfo connection) {
    MetadataRequestData data = request.data();
    short v = request.version();
    ClusterImage image = replicas.image();
    TopicAccess access = topicAccess(connection);
    String listenerName = connection.listenerName();
    List<String> names = new ArrayList<>();
    boolean all = data.topics() == null || (v == 0 && data.topics().isEmpty());
    if (all) {
      // Topics the principal may not describe are not shown at all.
      new TreeMap<>(image.topics()).keySet().stream().filter(access::mayDescribe).forEach(names::add);
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
        if (!image.topics().containsKey(name) && !Topic.isInternal(name) && access.mayCreate(name)) {
          creating.add(autoCreate(name));
        }
      }
    }
    if (creating.isEmpty()) {
      return CompletableFuture.completedFuture(metadata(v, names, autoCreate, listenerName, access));
    }
    return CompletableFuture.allOf(creating.toArray(CompletableFuture[]::new))
        .thenApply(created -> metadata(v, names, autoCreate, listenerName, access));
  }

  /** The Metadata response for {@code names} from the current image (after any auto-creation finished). */
  private MetadataResponseData metadata(short v, List<String> names, boolean autoCreate, String listenerName, TopicAccess access) {
    ClusterImage image = replicas.image();
    MetadataResponseData response = new MetadataResponseData();
    for (BrokerInfo b : sortedBrokers(image)) {
      BrokerInfo.Endpoint at = b.endpoint(listenerName);
      if (at == null) {
        // As Kafka: a broker without the client's listener is not in that client's metadata.
        continue;
      }
      MetadataResponseData.MetadataResponseBroker mb = new MetadataResponseData.MetadataResponseBroker()
          .setNodeId(b.id()).setHost(at.host()).setPort(at.port());
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
      if (!access.mayDescribe(name)) {
        response.topics().add(mt.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()));
        continue;
      }
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
          Throwable cause = error == null ? null : AdminApis.unwrap(error);
          if (cause != null && !(cause instanceof TopicExistsException)) {
            log.warn("auto-creation of topic '{}' failed: {}", name, cause.getMessage());
          }
          return null;
        });
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

  private ApiMessage describeCluster(String listenerName) {
    ClusterImage image = replicas.image();
    DescribeClusterResponseData response = new DescribeClusterResponseData()
        .setClusterId(clusterId)
        .setControllerId(controllerId(image));
    for (BrokerInfo b : sortedBrokers(image)) {
      BrokerInfo.Endpoint at = b.endpoint(listenerName);
      if (at != null) {
        response.brokers().add(new DescribeClusterResponseData.DescribeClusterBroker()
            .setBrokerId(b.id()).setHost(at.host()).setPort(at.port()).setRack(b.rack().isEmpty() ? null : b.rack()));
      }
    }
    return response;
  }

  // ---- Offsets ----------------------------------------------------------------------------------

  private ApiMessage listOffsets(KafkaRequest request, TopicAccess access) {
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
          if (!access.mayDescribe(topic.name())) {
            throw new TopicAuthorizationException(Set.of(topic.name()));
          }
          long[] found = replicas.listOffset(tp, v >= 4 ? p.currentLeaderEpoch() : -1, p.timestamp(), v >= 2 && data.isolationLevel() == 1);
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

  private ApiMessage offsetForLeaderEpoch(KafkaRequest request, TopicAccess access) {
    OffsetForLeaderEpochRequestData data = request.data();
    short v = request.version();
    // A follower's request (replica id, v3+) needs CLUSTER_ACTION; a client's, DESCRIBE on each topic.
    boolean fromFollower = v >= 3 && data.replicaId() >= 0;
    OffsetForLeaderEpochResponseData response = new OffsetForLeaderEpochResponseData();
    for (OffsetForLeaderEpochRequestData.OffsetForLeaderTopic topic : data.topics()) {
      OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult tr =
          new OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult().setTopic(topic.topic());
      for (OffsetForLeaderEpochRequestData.OffsetForLeaderPartition p : topic.partitions()) {
        TopicPartition tp = new TopicPartition(topic.topic(), p.partition());
        OffsetForLeaderEpochResponseData.EpochEndOffset out = new OffsetForLeaderEpochResponseData.EpochEndOffset()
            .setPartition(p.partition());
        try {
          if (fromFollower ? !access.mayActAsBroker() : !access.mayDescribe(topic.topic())) {
            throw new TopicAuthorizationException(Set.of(topic.topic()));
          }
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
}
