package io.tributary.log.broker;

import io.tributary.log.cluster.AclStore;
import io.tributary.log.network.RequestHandler.ConnectionInfo;
import io.tributary.log.security.AclDecision;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.resource.Resource;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.utils.SecurityUtils;

/**
 * Whether a request's principal may do an operation on a resource: every request is allowed when no
 * {@code authorizer.class.name} is set (Kafka's default); with one, the ZooKeeper-stored ACLs decide
 * ({@link AclDecision}) with {@code super.users} and {@code allow.everyone.if.no.acl.found}.
 */
final class RequestAuthorizer {
  /** The authorizer class names a Kafka user would set; all of them mean the ACLs stored in ZooKeeper. */
  static final Set<String> ACL_AUTHORIZERS = Set.of("kafka.security.authorizer.AclAuthorizer",
      "kafka.security.auth.SimpleAclAuthorizer", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
  static final String CLUSTER_NAME = Resource.CLUSTER_NAME;

  private final AclStore acls;
  private final AclDecision decision;

  private RequestAuthorizer(AclStore acls, AclDecision decision) {
    this.acls = acls;
    this.decision = decision;
  }

  /** Every request allowed. */
  static final RequestAuthorizer ALLOW_ALL = new RequestAuthorizer(null, null);

  static boolean enabled(BrokerConfig config) {
    String name = config.get(SecurityKeys.AUTHORIZER_CLASS_NAME);
    if (name.isBlank()) {
      return false;
    }
    if (!ACL_AUTHORIZERS.contains(name.trim())) {
      throw new ConfigException(SecurityKeys.AUTHORIZER_CLASS_NAME.name(), name, "must be one of " + ACL_AUTHORIZERS + " (or empty)");
    }
    return true;
  }

  static RequestAuthorizer of(BrokerConfig config, AclStore acls) {
    Set<KafkaPrincipal> superUsers = new HashSet<>();
    for (String p : config.get(SecurityKeys.SUPER_USERS).split(";")) {
      if (!p.isBlank()) {
        superUsers.add(SecurityUtils.parseKafkaPrincipal(p.trim()));
      }
    }
    return new RequestAuthorizer(acls, new AclDecision(superUsers,
        Boolean.parseBoolean(config.get(SecurityKeys.ALLOW_EVERYONE_IF_NO_ACL_FOUND))));
  }

  boolean enabled() {
    return decision != null;
  }

  boolean authorize(ConnectionInfo connection, AclOperation operation, ResourceType type, String name) {
    if (decision == null) {
      return true;
    }
    String host = connection.clientAddress() == null ? "" : connection.clientAddress().getHostAddress();
    return decision.authorize(acls.acls(), connection.principal(), host, operation, type, name);
  }

  boolean authorizeCluster(ConnectionInfo connection, AclOperation operation) {
    return authorize(connection, operation, ResourceType.CLUSTER, CLUSTER_NAME);
  }

  boolean authorizeTopic(ConnectionInfo connection, AclOperation operation, String topic) {
    return authorize(connection, operation, ResourceType.TOPIC, topic);
  }
}
