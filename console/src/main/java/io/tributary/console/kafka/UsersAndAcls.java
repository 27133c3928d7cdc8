package io.tributary.console.kafka;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * The cluster's SCRAM users (DescribeUserScramCredentials) and ACLs (DescribeAcls), as {@code kafka-configs
 * --describe --entity-type users} and {@code kafka-acls --list} show them. A refusal the cluster answers with (no
 * authorizer, not allowed) is kept as a note beside the empty list, so that the page can say it plainly; no
 * answer at all means the cluster is down.
 */
public final class UsersAndAcls {
  /** One credential of one user: a user has one per SCRAM mechanism. */
  public record ScramUser(String user, String mechanism, int iterations) {}

  /** One ACL, with kafka-acls' names. */
  public record Acl(String principal, String host, String operation, String permission, String resourceType,
      String resourceName, String patternType) {}

  /** What the cluster listed, or why it listed nothing ({@code note} non-null then). */
  public record Listing<T>(List<T> rows, String note) {
    static <T> Listing<T> refused(String note) {
      return new Listing<>(List.of(), note);
    }
  }

  private final KafkaClients kafka;

  public UsersAndAcls(KafkaClients kafka) {
    this.kafka = kafka;
  }

  public Listing<ScramUser> scramUsers() {
    try {
      Map<String, UserScramCredentialsDescription> users = await(kafka.admin().describeUserScramCredentials().all());
      List<ScramUser> rows = new ArrayList<>();
      for (UserScramCredentialsDescription u : users.values()) {
        for (ScramCredentialInfo c : u.credentialInfos()) {
          rows.add(new ScramUser(u.name(), c.mechanism().mechanismName(), c.iterations()));
        }
      }
      rows.sort(Comparator.comparing(ScramUser::user).thenComparing(ScramUser::mechanism));
      return new Listing<>(rows, null);
    } catch (ExecutionException e) {
      return Listing.refused("cannot list SCRAM users: " + e.getCause().getMessage());
    }
  }

  public Listing<Acl> acls() {
    try {
      List<Acl> rows = new ArrayList<>();
      for (AclBinding b : await(kafka.admin().describeAcls(AclBindingFilter.ANY).values())) {
        rows.add(new Acl(b.entry().principal(), b.entry().host(), b.entry().operation().name(),
            b.entry().permissionType().name(), b.pattern().resourceType().name(), b.pattern().name(),
            b.pattern().patternType().name()));
      }
      return new Listing<>(rows, null);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SecurityDisabledException || cause instanceof UnsupportedVersionException) {
        return Listing.refused("the cluster has no authorizer: every client may do everything ("
            + cause.getMessage() + ")");
      }
      return Listing.refused("cannot list ACLs: " + cause.getMessage());
    }
  }

  /** The cluster's answer; an error it answered with stays an {@link ExecutionException}, no answer is down. */
  private <T> T await(KafkaFuture<T> future) throws ExecutionException {
    try {
      return future.get(KafkaClients.REQUEST_TIMEOUT_MS + 2_000L, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading users and ACLs", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TimeoutException) {
        throw kafka.down(e.getCause());
      }
      throw e;
    } catch (Exception e) { // the only one left: the JDK's TimeoutException of get(timeout)
      throw kafka.down(e);
    }
  }
}
