package io.tributary.log.broker;

import io.tributary.log.network.RequestHandler.ConnectionInfo;
import io.tributary.log.protocol.KafkaRequest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigResource;
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

/**
 * The topic and config ACLs of the admin APIs, checked per resource as Kafka checks them: CreateTopics needs
 * CREATE on the cluster or the topic, DeleteTopics and DeleteRecords DELETE on the topic, CreatePartitions
 * ALTER, DescribeConfigs DESCRIBE_CONFIGS and IncrementalAlterConfigs ALTER_CONFIGS on the topic (on the
 * cluster for broker configs). The refused resources are taken out of the request before it is served and
 * answered with TOPIC_AUTHORIZATION_FAILED (CLUSTER_AUTHORIZATION_FAILED for broker configs).
 */
final class AdminAuthorization {
  private AdminAuthorization() {}

  static CompletableFuture<ApiMessage> serve(KafkaRequest request, ConnectionInfo connection, RequestAuthorizer authorizer,
      Function<KafkaRequest, CompletableFuture<ApiMessage>> handler) {
    if (!authorizer.enabled()) {
      return handler.apply(request);
    }
    Access access = new Access(authorizer, connection);
    return switch (request.apiKey()) {
      case CREATE_TOPICS -> createTopics(request, access, handler);
      case DELETE_TOPICS -> deleteTopics(request, access, handler);
      case CREATE_PARTITIONS -> createPartitions(request, access, handler);
      case DELETE_RECORDS -> deleteRecords(request, access, handler);
      case INCREMENTAL_ALTER_CONFIGS -> alterConfigs(request, access, handler);
      default -> handler.apply(request);
    };
  }

  /** Describe configs is answered synchronously by the admin APIs. */
  static ApiMessage describeConfigs(KafkaRequest request, ConnectionInfo connection, RequestAuthorizer authorizer,
      Function<KafkaRequest, ApiMessage> handler) {
    if (!authorizer.enabled()) {
      return handler.apply(request);
    }
    Access access = new Access(authorizer, connection);
    DescribeConfigsRequestData data = request.data();
    List<DescribeConfigsResponseData.DescribeConfigsResult> refused = new ArrayList<>();
    data.resources().removeIf(r -> {
      Errors error = access.configs(AclOperation.DESCRIBE_CONFIGS, r.resourceType(), r.resourceName());
      if (error != Errors.NONE) {
        refused.add(new DescribeConfigsResponseData.DescribeConfigsResult().setResourceType(r.resourceType())
            .setResourceName(r.resourceName()).setErrorCode(error.code()).setErrorMessage(error.message()));
      }
      return error != Errors.NONE;
    });
    DescribeConfigsResponseData response = (DescribeConfigsResponseData) handler.apply(request);
    response.results().addAll(refused);
    return response;
  }

  private record Access(RequestAuthorizer authorizer, ConnectionInfo connection) {
    boolean topic(AclOperation operation, String topic) {
      return authorizer.authorizeTopic(connection, operation, topic);
    }

    Errors configs(AclOperation operation, byte resourceType, String name) {
      if (resourceType == ConfigResource.Type.TOPIC.id()) {
        return topic(operation, name) ? Errors.NONE : Errors.TOPIC_AUTHORIZATION_FAILED;
      }
      return authorizer.authorizeCluster(connection, operation) ? Errors.NONE : Errors.CLUSTER_AUTHORIZATION_FAILED;
    }
  }

  private static CompletableFuture<ApiMessage> createTopics(KafkaRequest request, Access access,
      Function<KafkaRequest, CompletableFuture<ApiMessage>> handler) {
    CreateTopicsRequestData data = request.data();
    boolean cluster = access.authorizer().authorizeCluster(access.connection(), AclOperation.CREATE);
    List<CreateTopicsResponseData.CreatableTopicResult> refused = new ArrayList<>();
    for (Iterator<CreateTopicsRequestData.CreatableTopic> it = data.topics().iterator(); it.hasNext(); ) {
      CreateTopicsRequestData.CreatableTopic t = it.next();
      if (!cluster && !access.topic(AclOperation.CREATE, t.name())) {
        it.remove();
        refused.add(new CreateTopicsResponseData.CreatableTopicResult().setName(t.name())
            .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()).setErrorMessage(Errors.TOPIC_AUTHORIZATION_FAILED.message()));
      }
    }
    return handler.apply(request).thenApply(r -> {
      ((CreateTopicsResponseData) r).topics().addAll(refused);
      return r;
    });
  }

  private static CompletableFuture<ApiMessage> deleteTopics(KafkaRequest request, Access access,
      Function<KafkaRequest, CompletableFuture<ApiMessage>> handler) {
    DeleteTopicsRequestData data = request.data();
    List<DeleteTopicsResponseData.DeletableTopicResult> refused = new ArrayList<>();
    data.topicNames().removeIf(name -> {
      boolean no = !access.topic(AclOperation.DELETE, name);
      if (no) {
        refused.add(new DeleteTopicsResponseData.DeletableTopicResult().setName(name).setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()));
      }
      return no;
    });
    // v6+: by name (a topic given only by id is checked by the name it resolves to, in the admin APIs' lookup).
    data.topics().removeIf(t -> {
      boolean no = t.name() != null && !access.topic(AclOperation.DELETE, t.name());
      if (no) {
        refused.add(new DeleteTopicsResponseData.DeletableTopicResult().setName(t.name()).setTopicId(t.topicId())
            .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()).setErrorMessage(Errors.TOPIC_AUTHORIZATION_FAILED.message()));
      }
      return no;
    });
    return handler.apply(request).thenApply(r -> {
      ((DeleteTopicsResponseData) r).responses().addAll(refused);
      return r;
    });
  }

  private static CompletableFuture<ApiMessage> createPartitions(KafkaRequest request, Access access,
      Function<KafkaRequest, CompletableFuture<ApiMessage>> handler) {
    CreatePartitionsRequestData data = request.data();
    List<CreatePartitionsResponseData.CreatePartitionsTopicResult> refused = new ArrayList<>();
    for (Iterator<CreatePartitionsRequestData.CreatePartitionsTopic> it = data.topics().iterator(); it.hasNext(); ) {
      CreatePartitionsRequestData.CreatePartitionsTopic t = it.next();
      if (!access.topic(AclOperation.ALTER, t.name())) {
        it.remove();
        refused.add(new CreatePartitionsResponseData.CreatePartitionsTopicResult().setName(t.name())
            .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()).setErrorMessage(Errors.TOPIC_AUTHORIZATION_FAILED.message()));
      }
    }
    return handler.apply(request).thenApply(r -> {
      ((CreatePartitionsResponseData) r).results().addAll(refused);
      return r;
    });
  }

  private static CompletableFuture<ApiMessage> deleteRecords(KafkaRequest request, Access access,
      Function<KafkaRequest, CompletableFuture<ApiMessage>> handler) {
    DeleteRecordsRequestData data = request.data();
    List<DeleteRecordsResponseData.DeleteRecordsTopicResult> refused = new ArrayList<>();
    data.topics().removeIf(t -> {
      boolean no = !access.topic(AclOperation.DELETE, t.name());
      if (no) {
        DeleteRecordsResponseData.DeleteRecordsTopicResult result = new DeleteRecordsResponseData.DeleteRecordsTopicResult().setName(t.name());
        t.partitions().forEach(p -> result.partitions().add(new DeleteRecordsResponseData.DeleteRecordsPartitionResult()
            .setPartitionIndex(p.partitionIndex()).setLowWatermark(-1).setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())));
        refused.add(result);
      }
      return no;
    });
    return handler.apply(request).thenApply(r -> {
      ((DeleteRecordsResponseData) r).topics().addAll(refused);
      return r;
    });
  }

  private static CompletableFuture<ApiMessage> alterConfigs(KafkaRequest request, Access access,
      Function<KafkaRequest, CompletableFuture<ApiMessage>> handler) {
    IncrementalAlterConfigsRequestData data = request.data();
    List<IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse> refused = new ArrayList<>();
    for (Iterator<IncrementalAlterConfigsRequestData.AlterConfigsResource> it = data.resources().iterator(); it.hasNext(); ) {
      IncrementalAlterConfigsRequestData.AlterConfigsResource r = it.next();
      Errors error = access.configs(AclOperation.ALTER_CONFIGS, r.resourceType(), r.resourceName());
      if (error != Errors.NONE) {
        it.remove();
        refused.add(new IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse().setResourceType(r.resourceType())
            .setResourceName(r.resourceName()).setErrorCode(error.code()).setErrorMessage(error.message()));
      }
    }
    return handler.apply(request).thenApply(r -> {
      ((IncrementalAlterConfigsResponseData) r).responses().addAll(refused);
      return r;
    });
  }
}
