package io.tributary.registry.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.junit.jupiter.api.Test;

/** Decisions of the basic authenticator over credentials made as Kafka makes them (salted, iterated). */
class BasicAuthenticatorTest {
  final Map<String, ScramCredential> stored = new HashMap<>();
  final AtomicInteger lookups = new AtomicInteger();
  final AtomicLong now = new AtomicLong();
  final BasicAuthenticator auth = new BasicAuthenticator((user, mechanism) -> {
    lookups.incrementAndGet();
    return stored.get(user + "/" + mechanism.mechanismName());
  }, new RoleAssignments("root", "writer, root", "reader"), now::get);

  void user(String name, ScramMechanism mechanism, String password) throws Exception {
    stored.put(name + "/" + mechanism.mechanismName(), new ScramFormatter(mechanism).generateCredential(password, 4096));
  }

  static String basic(String userColonPassword) {
    return "Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void decisions() throws Exception {
    user("root", ScramMechanism.SCRAM_SHA_512, "r00t");
    user("writer", ScramMechanism.SCRAM_SHA_256, "w:colon");
    user("reader", ScramMechanism.SCRAM_SHA_512, "r");
    user("norole", ScramMechanism.SCRAM_SHA_512, "n");

    assertInstanceOf(AuthDecision.Unauthenticated.class, auth.decide(null, "GET", "/subjects"));
    assertInstanceOf(AuthDecision.Unauthenticated.class, auth.decide("Bearer abc", "GET", "/subjects"));
    assertInstanceOf(AuthDecision.Unauthenticated.class, auth.decide("Basic !!notbase64", "GET", "/subjects"));
    assertInstanceOf(AuthDecision.Unauthenticated.class, auth.decide(basic("root:wrong"), "GET", "/subjects"));
    assertInstanceOf(AuthDecision.Unauthenticated.class, auth.decide(basic("ghost:r00t"), "GET", "/subjects"));

    assertEquals(new AuthDecision.Allowed("root", Role.ADMIN), auth.decide(basic("root:r00t"), "DELETE", "/subjects/s"));
    assertEquals(new AuthDecision.Allowed("writer", Role.WRITE), auth.decide(basic("writer:w:colon"), "POST", "/subjects/s/versions"));
    assertInstanceOf(AuthDecision.Forbidden.class, auth.decide(basic("writer:w:colon"), "PUT", "/config"));
    assertEquals(new AuthDecision.Allowed("reader", Role.READ), auth.decide(basic("reader:r"), "GET", "/subjects"));
    AuthDecision readerWrites = auth.decide(basic("reader:r"), "POST", "/subjects/s/versions");
    assertInstanceOf(AuthDecision.Forbidden.class, readerWrites);
    assertTrue(((AuthDecision.Forbidden) readerWrites).message().contains("needs the WRITE role"));
    assertInstanceOf(AuthDecision.Forbidden.class, auth.decide(basic("norole:n"), "GET", "/subjects"));
  }

  @Test
  void aVerifiedPasswordIsRememberedUntilItExpiresOrTheCredentialChanges() throws Exception {
    user("root", ScramMechanism.SCRAM_SHA_512, "r00t");
    assertFalse(auth.isRemembered(basic("root:r00t")));
    assertInstanceOf(AuthDecision.Allowed.class, auth.decide(basic("root:r00t"), "GET", "/"));
    assertTrue(auth.isRemembered(basic("root:r00t")));
    assertFalse(auth.isRemembered(basic("root:other")));

    user("root", ScramMechanism.SCRAM_SHA_512, "changed"); // a new password: the old one no longer passes
    assertInstanceOf(AuthDecision.Unauthenticated.class, auth.decide(basic("root:r00t"), "GET", "/"));
    assertInstanceOf(AuthDecision.Allowed.class, auth.decide(basic("root:changed"), "GET", "/"));

    now.addAndGet(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(BasicAuthenticator.VERIFIED_TTL_MS + 1));
    assertFalse(auth.isRemembered(basic("root:changed")));
    assertInstanceOf(AuthDecision.Allowed.class, auth.decide(basic("root:changed"), "GET", "/"));
  }
}
