package io.tributary.registry.security;

/** What the registry does with a request's credentials. */
public sealed interface AuthDecision {
  /** Authenticated and allowed. */
  record Allowed(String user, Role role) implements AuthDecision {}

  /** No, malformed or wrong credentials: 401 with {@code WWW-Authenticate: Basic realm=...}. */
  record Unauthenticated(String message) implements AuthDecision {}

  /** Authenticated but the user's role does not allow this endpoint: 403. */
  record Forbidden(String message) implements AuthDecision {}
}
