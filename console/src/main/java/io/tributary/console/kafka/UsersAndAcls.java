package io.tributary.console.kafka;

import io.tributary.console.kafka.KafkaClients.KafkaError;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * The cluster's SCRAM users (DescribeUserScramCredentials) and ACLs (DescribeAcls), as {@code kafka-configs
 * --describe --entity-type users} and {@code kafka-acls --list} show them. A refusal the cluster answers with (no
 * authorizer, not allowed) is kept as a note in place of the list, so that the page can say it plainly; no
 * answer at all means the cluster is down ({@link KafkaClients#get}).
 */
public final class UsersAndAcls {
  /** One credential of one user: a user has one per SCRAM mechanism. */
  public record ScramUser(String user, String mechanism, int iterations) {}

  /** One ACL, with kafka-acls' names. */
  public record Acl(String principal, String host, String operation, String permission, String resourceType,
      String resourceName, String patternType) {}

  /** What the cluster listed, or why it listed nothing ({@code note} non-null, {@code rows} empty). */
  public record Listing<T>(List<T> rows, String note) {
    public Listing {
      rows = List.copyOf(rows);
      if (note != null && !rows.isEmpty()) {
        throw new IllegalArgumentException("a refused listing has no rows");
      }
    }

    static <T> Listing<T> refused(String note) {
      return new Listing<>(List.of(), note);
    }
  }

  private final KafkaClients kafka;

  public UsersAndAcls(KafkaClients kafka) {
    this.kafka = kafka;
  }

  public Listing<ScramUser> scramUsers() {
    Map<String, UserScramCredentialsDescription> users;
    try {
      users = kafka.get(kafka.admin().describeUserScramCredentials().all(), "list SCRAM users");
    } catch (KafkaError e) {
      return Listing.refused(e.getMessage());
    }
    List<ScramUser> rows = new ArrayList<>();
    for (UserScramCredentialsDescription u : users.values()) {
      for (ScramCredentialInfo c : u.credentialInfos()) {
        rows.add(new ScramUser(u.name(), c.mechanism().mechanismName(), c.iterations()));
      }
    }
    rows.sort(Comparator.comparing(ScramUser::user).thenComparing(ScramUser::mechanism));
    return new Listing<>(rows, null);
  }

  public Listing<Acl> acls() {
    List<Acl> rows = new ArrayList<>();
    try {
      for (AclBinding b : kafka.get(kafka.admin().describeAcls(AclBindingFilter.ANY).values(), "list ACLs")) {
        rows.add(new Acl(b.entry().principal(), b.entry().host(), b.entry().operation().name(),
            b.entry().permissionType().name(), b.pattern().resourceType().name(), b.pattern().name(),
            b.pattern().patternType().name()));
      }
    } catch (KafkaError e) {
      Throwable cause = e.getCause();
      if (cause instanceof SecurityDisabledException || cause instanceof UnsupportedVersionException) {
        return Listing.refused("the cluster has no authorizer: every client may do everything ("
            + cause.getMessage() + ")");
      }
      return Listing.refused(e.getMessage());
    }
    return new Listing<>(rows, null);
  }
}
