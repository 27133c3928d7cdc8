package io.tributary.registry.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The role each endpoint needs, as Confluent's RBAC maps them. */
class RequiredRoleTest {
  @ParameterizedTest(name = "{0} {1} needs {2}")
  @CsvSource({
      "GET, /subjects, READ",
      "GET, /subjects/s/versions/latest, READ",
      "GET, /schemas/ids/1?subject=s, READ",
      "GET, /config, READ",
      "GET, /mode/s, READ",
      "GET, /, READ",
      "POST, /subjects/s, READ",
      "POST, /subjects/s?normalize=true, READ",
      "POST, /compatibility/subjects/s/versions/latest, READ",
      "POST, /compatibility/subjects/s/versions, READ",
      "POST, /subjects/s/versions, WRITE",
      "POST, /subjects/s/versions?normalize=true, WRITE",
      "DELETE, /subjects/s, ADMIN",
      "DELETE, /subjects/s/versions/1?permanent=true, ADMIN",
      "PUT, /config, ADMIN",
      "PUT, /config/s, ADMIN",
      "DELETE, /config/s, ADMIN",
      "PUT, /mode, ADMIN",
      "DELETE, /mode/s, ADMIN",
      "POST, /something/new, ADMIN",
      "PATCH, /subjects/s, ADMIN",
  })
  void endpointRoles(String method, String uri, Role needed) {
    assertEquals(needed, RequiredRole.of(method, uri));
  }
}
