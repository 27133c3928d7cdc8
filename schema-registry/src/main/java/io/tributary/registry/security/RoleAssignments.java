package io.tributary.registry.security;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which user holds which role ({@code authentication.roles.admin}, {@code .write}, {@code .read}, each a
 * comma-separated list of user names). A user named in several lists holds the highest.
 */
public final class RoleAssignments {
  private final Map<String, Role> roles = new LinkedHashMap<>();

  public RoleAssignments(String admins, String writers, String readers) {
    add(readers, Role.READ);
    add(writers, Role.WRITE);
    add(admins, Role.ADMIN);
  }

  private void add(String users, Role role) {
    if (users == null) {
      return;
    }
    for (String u : users.split(",")) {
      String name = u.trim();
      if (!name.isEmpty()) {
        roles.merge(name, role, (a, b) -> a.includes(b) ? a : b);
      }
    }
  }

  /** The role of {@code user}, empty if it holds none. */
  public Optional<Role> of(String user) {
    return Optional.ofNullable(roles.get(user));
  }
}
