package io.tributary.console.pages;

import io.tributary.console.kafka.KafkaClients;
import io.tributary.console.web.Response;
import io.tributary.console.web.Router;
import io.tributary.console.web.Views;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * {@code /security}: the cluster's ACLs (DescribeAcls) when security is on (the console's clients authenticate);
 * when it is off, or the cluster has no authorizer (or does not serve the ACL APIs), the page says so instead.
 */
public final class SecurityPage {
  /** One ACL as kafka-acls prints it. */
  public record AclRow(String principal, String host, String operation, String permission, String resourceType,
      String resourceName, String patternType) {}

  private final Views views;
  private final KafkaClients kafka;
  private final boolean securityOn;

  public SecurityPage(Views views, KafkaClients kafka, boolean securityOn) {
    this.views = views;
    this.kafka = kafka;
    this.securityOn = securityOn;
  }

  public void register(Router router) {
    router.get("/security", r -> page());
  }

  private Response page() {
    List<AclRow> rows = new ArrayList<>();
    String off = null;
    if (!securityOn) {
      Model m = Model.of("acls", rows).with("off", "security is off: the console connects without authenticating, "
          + "so there are no users or ACLs to show").with("securityOn", false);
      return Response.html(views.page("Security", "/security", "security", m, List.of()));
    }
    try {
      Collection<AclBinding> acls = kafka.admin().describeAcls(AclBindingFilter.ANY).values()
          .get(KafkaClients.REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      for (AclBinding b : acls) {
        rows.add(new AclRow(b.entry().principal(), b.entry().host(), b.entry().operation().name(),
            b.entry().permissionType().name(), b.pattern().resourceType().name(), b.pattern().name(),
            b.pattern().patternType().name()));
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SecurityDisabledException || e.getCause() instanceof UnsupportedVersionException) {
        off = "the cluster has no authorizer: every client may do everything (" + e.getCause().getMessage() + ")";
      } else {
        off = "cannot list ACLs: " + e.getCause().getMessage();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      off = "interrupted";
    } catch (Exception e) { // the JDK's TimeoutException of get(timeout)
      throw kafka.down(e);
    }
    Model m = Model.of("acls", rows).with("off", off).with("securityOn", securityOn);
    return Response.html(views.page("Security", "/security", "security", m, List.of()));
  }
}
