package io.tributary.log.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.junit.jupiter.api.Test;

/** Kafka's ACL decision, case by case: one row per rule of AclAuthorizer. */
class AclDecisionTest {
  static final KafkaPrincipal ALICE = new KafkaPrincipal("User", "alice");
  static final KafkaPrincipal ADMIN = new KafkaPrincipal("User", "admin");
  static final String HOST = "10.0.0.1";

  record Row(String why, List<AclBinding> acls, KafkaPrincipal who, String host, AclOperation op, ResourceType type,
      String name, boolean allowIfNoAcl, boolean expected) {}

  static AclBinding acl(ResourceType type, String name, PatternType pattern, String principal, String host, AclOperation op,
      AclPermissionType permission) {
    return new AclBinding(new ResourcePattern(type, name, pattern), new AccessControlEntry(principal, host, op, permission));
  }

  static AclBinding allow(ResourceType type, String name, PatternType pattern, String principal, AclOperation op) {
    return acl(type, name, pattern, principal, "*", op, AclPermissionType.ALLOW);
  }

  static final ResourceType TOPIC = ResourceType.TOPIC;
  static final ResourceType GROUP = ResourceType.GROUP;
  static final PatternType LITERAL = PatternType.LITERAL;
  static final PatternType PREFIXED = PatternType.PREFIXED;

  static final List<Row> ROWS = List.of(
      new Row("no ACL at all, default: denied", List.of(), ALICE, HOST, AclOperation.READ, TOPIC, "t", false, false),
      new Row("no ACL at all, allow.everyone.if.no.acl.found", List.of(), ALICE, HOST, AclOperation.READ, TOPIC, "t", true, true),
      new Row("super user without any ACL", List.of(), ADMIN, HOST, AclOperation.ALTER, ResourceType.CLUSTER, "kafka-cluster", false, true),
      new Row("literal allow of the operation", List.of(allow(TOPIC, "t", LITERAL, "User:alice", AclOperation.READ)),
          ALICE, HOST, AclOperation.READ, TOPIC, "t", false, true),
      new Row("literal allow of another topic", List.of(allow(TOPIC, "u", LITERAL, "User:alice", AclOperation.READ)),
          ALICE, HOST, AclOperation.READ, TOPIC, "t", false, false),
      new Row("an ACL of another topic does not count as 'an ACL found' for this one",
          List.of(allow(TOPIC, "u", LITERAL, "User:bob", AclOperation.READ)), ALICE, HOST, AclOperation.READ, TOPIC, "t", true, true),
      new Row("an ACL of this topic for someone else closes it even with allow.everyone.if.no.acl.found",
          List.of(allow(TOPIC, "t", LITERAL, "User:bob", AclOperation.READ)), ALICE, HOST, AclOperation.READ, TOPIC, "t", true, false),
      new Row("allow of another operation", List.of(allow(TOPIC, "t", LITERAL, "User:alice", AclOperation.WRITE)),
          ALICE, HOST, AclOperation.READ, TOPIC, "t", false, false),
      new Row("READ implies DESCRIBE", List.of(allow(TOPIC, "t", LITERAL, "User:alice", AclOperation.READ)),
          ALICE, HOST, AclOperation.DESCRIBE, TOPIC, "t", false, true),
      new Row("WRITE implies DESCRIBE", List.of(allow(TOPIC, "t", LITERAL, "User:alice", AclOperation.WRITE)),
          ALICE, HOST, AclOperation.DESCRIBE, TOPIC, "t", false, true),
      new Row("ALTER_CONFIGS implies DESCRIBE_CONFIGS", List.of(allow(TOPIC, "t", LITERAL, "User:alice", AclOperation.ALTER_CONFIGS)),
          ALICE, HOST, AclOperation.DESCRIBE_CONFIGS, TOPIC, "t", false, true),
      new Row("DESCRIBE does not imply READ", List.of(allow(TOPIC, "t", LITERAL, "User:alice", AclOperation.DESCRIBE)),
          ALICE, HOST, AclOperation.READ, TOPIC, "t", false, false),
      new Row("ALL allows any operation", List.of(allow(TOPIC, "t", LITERAL, "User:alice", AclOperation.ALL)),
          ALICE, HOST, AclOperation.DELETE, TOPIC, "t", false, true),
      new Row("literal wildcard resource", List.of(allow(TOPIC, "*", LITERAL, "User:alice", AclOperation.READ)),
          ALICE, HOST, AclOperation.READ, TOPIC, "anything", false, true),
      new Row("wildcard principal", List.of(allow(TOPIC, "t", LITERAL, "User:*", AclOperation.READ)),
          ALICE, HOST, AclOperation.READ, TOPIC, "t", false, true),
      new Row("prefixed pattern matches a longer name", List.of(allow(TOPIC, "orders-", PREFIXED, "User:alice", AclOperation.WRITE)),
          ALICE, HOST, AclOperation.WRITE, TOPIC, "orders-eu", false, true),
      new Row("prefixed pattern does not match another prefix", List.of(allow(TOPIC, "orders-", PREFIXED, "User:alice", AclOperation.WRITE)),
          ALICE, HOST, AclOperation.WRITE, TOPIC, "order", false, false),
      new Row("a literal name is not a prefix", List.of(allow(TOPIC, "orders", LITERAL, "User:alice", AclOperation.WRITE)),
          ALICE, HOST, AclOperation.WRITE, TOPIC, "orders-eu", false, false),
      new Row("deny wins over allow", List.of(allow(TOPIC, "t", LITERAL, "User:alice", AclOperation.READ),
          acl(TOPIC, "t", PREFIXED, "User:alice", "*", AclOperation.READ, AclPermissionType.DENY)),
          ALICE, HOST, AclOperation.READ, TOPIC, "t", false, false),
      new Row("deny ALL wins over allow", List.of(allow(TOPIC, "*", LITERAL, "User:*", AclOperation.ALL),
          acl(TOPIC, "t", LITERAL, "User:alice", "*", AclOperation.ALL, AclPermissionType.DENY)),
          ALICE, HOST, AclOperation.WRITE, TOPIC, "t", false, false),
      new Row("deny of READ does not deny DESCRIBE", List.of(allow(TOPIC, "t", LITERAL, "User:alice", AclOperation.DESCRIBE),
          acl(TOPIC, "t", LITERAL, "User:alice", "*", AclOperation.READ, AclPermissionType.DENY)),
          ALICE, HOST, AclOperation.DESCRIBE, TOPIC, "t", false, true),
      new Row("allow from one host only: matching host", List.of(acl(TOPIC, "t", LITERAL, "User:alice", HOST, AclOperation.READ, AclPermissionType.ALLOW)),
          ALICE, HOST, AclOperation.READ, TOPIC, "t", false, true),
      new Row("allow from one host only: other host", List.of(acl(TOPIC, "t", LITERAL, "User:alice", HOST, AclOperation.READ, AclPermissionType.ALLOW)),
          ALICE, "10.0.0.2", AclOperation.READ, TOPIC, "t", false, false),
      new Row("a topic ACL says nothing of a group of the same name", List.of(allow(TOPIC, "g", LITERAL, "User:alice", AclOperation.READ)),
          ALICE, HOST, AclOperation.READ, GROUP, "g", false, false),
      new Row("super user despite a deny", List.of(acl(TOPIC, "t", LITERAL, "User:admin", "*", AclOperation.ALL, AclPermissionType.DENY)),
          ADMIN, HOST, AclOperation.WRITE, TOPIC, "t", false, true));

  @Test
  void everyRowDecidesAsKafka() {
    for (Row row : ROWS) {
      AclDecision decision = new AclDecision(Set.of(ADMIN), row.allowIfNoAcl());
      assertEquals(row.expected(), decision.authorize(row.acls(), row.who(), row.host(), row.op(), row.type(), row.name()), row.why());
    }
  }
}
