package io.tributary.console.pages;

import io.tributary.console.kafka.UsersAndAcls;
import io.tributary.console.kafka.UsersAndAcls.Acl;
import io.tributary.console.kafka.UsersAndAcls.Listing;
import io.tributary.console.kafka.UsersAndAcls.ScramUser;
import io.tributary.console.web.Response;
import io.tributary.console.web.Router;
import io.tributary.console.web.Views;
import java.util.List;

/**
 * {@code /security}: the cluster's SCRAM users and ACLs when security is on (the console's clients
 * authenticate); when it is off, or the cluster has no authorizer or refuses the console, the page says so.
 */
public final class SecurityPage {
  private final Views views;
  private final UsersAndAcls usersAndAcls;
  private final boolean securityOn;

  public SecurityPage(Views views, UsersAndAcls usersAndAcls, boolean securityOn) {
    this.views = views;
    this.usersAndAcls = usersAndAcls;
    this.securityOn = securityOn;
  }

  public void register(Router router) {
    router.get("/security", r -> page());
  }

  private Response page() {
    if (!securityOn) {
      Model m = Model.of("off", "security is off: the console connects without authenticating, "
          + "so there are no users or ACLs to show").with("securityOn", false);
      return Response.html(views.page("Security", "/security", "security", m, List.of()));
    }
    Listing<ScramUser> users = usersAndAcls.scramUsers();
    Listing<Acl> acls = usersAndAcls.acls();
    Model m = Model.of("securityOn", true).with("users", users.rows()).with("usersNote", users.note())
        .with("acls", acls.rows()).with("aclsNote", acls.note());
    return Response.html(views.page("Security", "/security", "security", m, List.of()));
  }
}
