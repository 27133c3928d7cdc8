package io.tributary.registry.security;

import java.util.ArrayList;
import java.util.List;

/**
 * The role an endpoint needs, as Confluent's RBAC maps its REST API: reads and lookups (every GET, a schema
 * lookup {@code POST /subjects/S}, a compatibility check) need READ; registering a schema needs WRITE;
 * deletes and config and mode changes need ADMIN. Anything else not GET needs ADMIN, so that an endpoint
 * added later is closed until someone decides otherwise.
 */
public final class RequiredRole {
  private RequiredRole() {}

  public static Role of(String method, String rawUri) {
    int q = rawUri.indexOf('?');
    List<String> seg = segments(q < 0 ? rawUri : rawUri.substring(0, q));
    String root = seg.isEmpty() ? "" : seg.get(0);
    switch (method) {
      case "GET", "HEAD", "OPTIONS":
        return Role.READ;
      case "POST":
        if (root.equals("compatibility")) {
          return Role.READ;
        }
        if (root.equals("subjects") && seg.size() == 2) {
          return Role.READ; // lookup: is this schema registered under the subject?
        }
        if (root.equals("subjects") && seg.size() == 3 && seg.get(2).equals("versions")) {
          return Role.WRITE;
        }
        return Role.ADMIN;
      default: // PUT and DELETE: config, mode, soft and hard deletes
        return Role.ADMIN;
    }
  }

  private static List<String> segments(String path) {
    List<String> out = new ArrayList<>();
    for (String s : path.split("/")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }
}
