package io.tributary.log.security;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

/**
 * Kafka's ACL decision (its AclAuthorizer), as a pure function of the ACLs: a super user may do anything; a
 * resource no ACL matches is open only with {@code allow.everyone.if.no.acl.found}; a matching DENY wins over
 * any ALLOW; an ALLOW of READ, WRITE, DELETE or ALTER implies DESCRIBE, and ALTER_CONFIGS implies
 * DESCRIBE_CONFIGS. ACLs match a resource by LITERAL name, the LITERAL wildcard {@code *}, or a PREFIXED
 * name; a principal by itself or {@code User:*}; a host by itself or {@code *}.
 */
public final class AclDecision {
  public static final String WILDCARD = ResourcePattern.WILDCARD_RESOURCE;
  private static final String WILDCARD_PRINCIPAL = "User:*";

  private final Set<KafkaPrincipal> superUsers;
  private final boolean allowIfNoAclFound;

  public AclDecision(Set<KafkaPrincipal> superUsers, boolean allowIfNoAclFound) {
    this.superUsers = Set.copyOf(superUsers);
    this.allowIfNoAclFound = allowIfNoAclFound;
  }

  public boolean isSuperUser(KafkaPrincipal principal) {
    return superUsers.contains(principal);
  }

  public boolean authorize(Collection<AclBinding> acls, KafkaPrincipal principal, String host, AclOperation operation,
      ResourceType type, String name) {
    if (isSuperUser(principal)) {
      return true;
    }
    boolean anyMatch = false;
    boolean allowed = false;
    Set<AclOperation> allowing = allowingOperations(operation);
    for (AclBinding acl : acls) {
      if (!matchesResource(acl.pattern(), type, name)) {
        continue;
      }
      anyMatch = true;
      AccessControlEntry entry = acl.entry();
      if (!matchesPrincipal(entry, principal) || !matchesHost(entry, host)) {
        continue;
      }
      if (entry.permissionType() == AclPermissionType.DENY
          && (entry.operation() == operation || entry.operation() == AclOperation.ALL)) {
        return false;
      }
      if (entry.permissionType() == AclPermissionType.ALLOW
          && (allowing.contains(entry.operation()) || entry.operation() == AclOperation.ALL)) {
        allowed = true;
      }
    }
    return anyMatch ? allowed : allowIfNoAclFound;
  }

  /** The operations whose ALLOW also allows {@code operation}. */
  static Set<AclOperation> allowingOperations(AclOperation operation) {
    return switch (operation) {
      case DESCRIBE -> EnumSet.of(AclOperation.DESCRIBE, AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE, AclOperation.ALTER);
      case DESCRIBE_CONFIGS -> EnumSet.of(AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS);
      default -> EnumSet.of(operation);
    };
  }

  static boolean matchesResource(ResourcePattern pattern, ResourceType type, String name) {
    if (pattern.resourceType() != type) {
      return false;
    }
    if (pattern.patternType() == PatternType.LITERAL) {
      return pattern.name().equals(name) || pattern.name().equals(WILDCARD);
    }
    return pattern.patternType() == PatternType.PREFIXED && name.startsWith(pattern.name());
  }

  private static boolean matchesPrincipal(AccessControlEntry entry, KafkaPrincipal principal) {
    return entry.principal().equals(WILDCARD_PRINCIPAL) || entry.principal().equals(principal.toString());
  }

  private static boolean matchesHost(AccessControlEntry entry, String host) {
    return entry.host().equals(WILDCARD) || entry.host().equals(host);
  }
}
