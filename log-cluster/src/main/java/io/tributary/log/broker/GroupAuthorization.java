package io.tributary.log.broker;

import io.tributary.log.network.RequestHandler.ConnectionInfo;
import io.tributary.log.protocol.KafkaRequest;
import java.util.List;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The group ACLs Kafka checks on the consumer-group APIs: READ on the group to join, sync, heartbeat, leave
 * and commit; DESCRIBE to fetch offsets, find the coordinator and describe; DELETE to delete groups and
 * offsets; ListGroups lists only the groups the principal may describe (all with DESCRIBE on the cluster).
 * A request naming several groups is refused as a whole with GROUP_AUTHORIZATION_FAILED when any of them
 * is not allowed (Kafka answers per group).
 */
final class GroupAuthorization {
  private GroupAuthorization() {}

  /** The error response when the request is not allowed, or null when it is. */
  static ApiMessage refusal(KafkaRequest request, ConnectionInfo connection, RequestAuthorizer authorizer) {
    if (!authorizer.enabled()) {
      return null;
    }
    switch (request.apiKey()) {
      case FIND_COORDINATOR: {
        FindCoordinatorRequestData d = request.data();
        List<String> keys = request.version() >= 4 ? d.coordinatorKeys() : List.of(d.key());
        byte keyType = request.version() >= 1 ? d.keyType() : FindCoordinatorRequest.CoordinatorType.GROUP.id();
        if (keyType == FindCoordinatorRequest.CoordinatorType.TRANSACTION.id()) {
          return allowed(connection, authorizer, AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, keys) ? null
              : request.errorResponse(new TransactionalIdAuthorizationException("not authorized to describe transactional ids " + keys));
        }
        return check(request, connection, authorizer, AclOperation.DESCRIBE, keys);
      }
      case JOIN_GROUP:
        return check(request, connection, authorizer, AclOperation.READ, List.of(((JoinGroupRequestData) request.data()).groupId()));
      case SYNC_GROUP:
        return check(request, connection, authorizer, AclOperation.READ, List.of(((SyncGroupRequestData) request.data()).groupId()));
      case HEARTBEAT:
        return check(request, connection, authorizer, AclOperation.READ, List.of(((HeartbeatRequestData) request.data()).groupId()));
      case LEAVE_GROUP:
        return check(request, connection, authorizer, AclOperation.READ, List.of(((LeaveGroupRequestData) request.data()).groupId()));
      case OFFSET_COMMIT:
        return check(request, connection, authorizer, AclOperation.READ, List.of(((OffsetCommitRequestData) request.data()).groupId()));
      case OFFSET_DELETE:
        return check(request, connection, authorizer, AclOperation.DELETE, List.of(((OffsetDeleteRequestData) request.data()).groupId()));
      case OFFSET_FETCH: {
        OffsetFetchRequestData d = request.data();
        List<String> groups = request.version() >= 8
            ? d.groups().stream().map(OffsetFetchRequestData.OffsetFetchRequestGroup::groupId).toList() : List.of(d.groupId());
        return check(request, connection, authorizer, AclOperation.DESCRIBE, groups);
      }
      case DESCRIBE_GROUPS:
        return check(request, connection, authorizer, AclOperation.DESCRIBE, ((DescribeGroupsRequestData) request.data()).groups());
      case DELETE_GROUPS:
        return check(request, connection, authorizer, AclOperation.DELETE, ((DeleteGroupsRequestData) request.data()).groupsNames());
      default:
        return null;
    }
  }

  /** ListGroups without DESCRIBE on the cluster: only the groups the principal may describe. */
  static ApiMessage filterListed(ApiMessage response, ConnectionInfo connection, RequestAuthorizer authorizer) {
    if (!(response instanceof ListGroupsResponseData listed) || !authorizer.enabled()
        || authorizer.authorizeCluster(connection, AclOperation.DESCRIBE)) {
      return response;
    }
    listed.groups().removeIf(g -> !authorizer.authorize(connection, AclOperation.DESCRIBE, ResourceType.GROUP, g.groupId()));
    return listed;
  }

  private static ApiMessage check(KafkaRequest request, ConnectionInfo connection, RequestAuthorizer authorizer,
      AclOperation operation, List<String> groups) {
    if (allowed(connection, authorizer, operation, ResourceType.GROUP, groups)) {
      return null;
    }
    return request.errorResponse(new GroupAuthorizationException("not authorized to " + operation + " group(s) " + groups));
  }

  private static boolean allowed(ConnectionInfo connection, RequestAuthorizer authorizer, AclOperation operation,
      ResourceType type, List<String> names) {
    return names.stream().allMatch(name -> authorizer.authorize(connection, operation, type, name));
  }
}
