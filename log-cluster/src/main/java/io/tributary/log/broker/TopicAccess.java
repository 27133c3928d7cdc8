package io.tributary.log.broker;

import io.tributary.log.network.RequestHandler.ConnectionInfo;
import org.apache.kafka.common.acl.AclOperation;

/** What one request's principal may do with topics, as the data-path handlers and Metadata ask. */
record TopicAccess(RequestAuthorizer authorizer, ConnectionInfo connection) {
  /** Kafka lets only its own admin client id write internal topics (__consumer_offsets) directly. */
  static final String ADMIN_CLIENT_ID = "__admin_client";

  boolean mayWrite(String topic) {
    return authorizer.authorizeTopic(connection, AclOperation.WRITE, topic);
  }

  boolean mayRead(String topic) {
    return authorizer.authorizeTopic(connection, AclOperation.READ, topic);
  }

  boolean mayDescribe(String topic) {
    return authorizer.authorizeTopic(connection, AclOperation.DESCRIBE, topic);
  }

  /** Auto-creation: CREATE on the cluster or on the topic. */
  boolean mayCreate(String topic) {
    return authorizer.authorizeCluster(connection, AclOperation.CREATE) || authorizer.authorizeTopic(connection, AclOperation.CREATE, topic);
  }

  /** Replica fetches and the other inter-broker requests. */
  boolean mayActAsBroker() {
    return authorizer.authorizeCluster(connection, AclOperation.CLUSTER_ACTION);
  }
}
