package io.tributary.registry.security;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;

/**
 * HTTP basic authentication against the cluster's SCRAM credentials, then the role check. The password is
 * verified as a SCRAM server would: salted and iterated with the stored salt and iterations
 * ({@link ScramFormatter}), and the resulting stored key compared with the stored one. Nothing but salted
 * keys is stored anywhere; a verified password is remembered for {@link #VERIFIED_TTL_MS} only as a keyed
 * digest, and only while the user's stored key is unchanged (SCRAM's iterations are slow on purpose, and a
 * client sends the header with every request).
 */
public final class BasicAuthenticator {
  /** How long a verified user and password are remembered. */
  public static final long VERIFIED_TTL_MS = 60_000;
  /** Entries remembered at most (then the memory is cleared and refilled). */
  static final int MAX_VERIFIED_ENTRIES = 10_000;
  /** Mechanisms tried, strongest first: a user may hold either or both. */
  private static final List<ScramMechanism> MECHANISMS = List.of(ScramMechanism.SCRAM_SHA_512, ScramMechanism.SCRAM_SHA_256);

  private record Verified(String storedKey, long expiresNanos) {}

  private final ScramCredentialSource credentials;
  private final RoleAssignments roles;
  private final LongSupplier nanoClock;
  private final byte[] digestKey = new byte[32];
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();

  public BasicAuthenticator(ScramCredentialSource credentials, RoleAssignments roles) {
    this(credentials, roles, System::nanoTime);
  }

  BasicAuthenticator(ScramCredentialSource credentials, RoleAssignments roles, LongSupplier nanoClock) {
    this.credentials = credentials;
    this.roles = roles;
    this.nanoClock = nanoClock;
    new SecureRandom().nextBytes(digestKey);
  }

  /** Authenticates the request's Authorization header and checks the role the endpoint needs. */
  public AuthDecision decide(String authorization, String method, String rawUri) {
    Optional<BasicCredentials> sent = BasicCredentials.parse(authorization);
    if (sent.isEmpty()) {
      return new AuthDecision.Unauthenticated(authorization == null
          ? "Unauthorized: this registry requires HTTP basic authentication (basic.auth.credentials.source=USER_INFO, basic.auth.user.info=USER:PASSWORD)"
          : "Unauthorized: the Authorization header is not valid HTTP basic credentials");
    }
    BasicCredentials c = sent.get();
    if (!authenticate(c)) {
      return new AuthDecision.Unauthenticated("Unauthorized: wrong user name or password");
    }
    Role needed = RequiredRole.of(method, rawUri);
    Optional<Role> held = roles.of(c.user());
    if (held.isEmpty()) {
      return new AuthDecision.Forbidden("User '" + c.user() + "' holds no registry role (authentication.roles.read, .write or .admin)");
    }
    if (!held.get().includes(needed)) {
      return new AuthDecision.Forbidden("User '" + c.user() + "' with role " + held.get() + " is not allowed " + method + " "
          + path(rawUri) + ": it needs the " + needed + " role");
    }
    return new AuthDecision.Allowed(c.user(), held.get());
  }

  /** Whether these credentials were verified a moment ago, so that deciding costs no SCRAM iterations. */
  public boolean isRemembered(String authorization) {
    Optional<BasicCredentials> sent = BasicCredentials.parse(authorization);
    if (sent.isEmpty()) {
      return true; // refused at once
    }
    Verified v = verified.get(digest(sent.get()));
    return v != null && v.expiresNanos() - nanoClock.getAsLong() > 0;
  }

  private boolean authenticate(BasicCredentials c) {
    String key = digest(c);
    Verified remembered = verified.get(key);
    long now = nanoClock.getAsLong();
    for (ScramMechanism mechanism : MECHANISMS) {
      ScramCredential stored = credentials.credential(c.user(), mechanism);
      if (stored == null) {
        continue;
      }
      String storedKey = Base64.getEncoder().encodeToString(stored.storedKey());
      if (remembered != null && remembered.storedKey().equals(storedKey) && remembered.expiresNanos() - now > 0) {
        return true;
      }
      if (matches(mechanism, stored, c.password())) {
        if (verified.size() >= MAX_VERIFIED_ENTRIES) {
          verified.clear();
        }
        verified.put(key, new Verified(storedKey, now + TimeUnit.MILLISECONDS.toNanos(VERIFIED_TTL_MS)));
        return true;
      }
    }
    verified.remove(key);
    return false;
  }

  private static boolean matches(ScramMechanism mechanism, ScramCredential stored, String password) {
    try {
      ScramFormatter f = new ScramFormatter(mechanism);
      byte[] salted = f.saltedPassword(password, stored.salt(), stored.iterations());
      return MessageDigest.isEqual(f.storedKey(f.clientKey(salted)), stored.storedKey());
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("SCRAM mechanism " + mechanism.mechanismName() + " unavailable", e);
    }
  }

  /** A keyed digest of the user and password: what is remembered, never the password itself. */
  private String digest(BasicCredentials c) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(digestKey);
      md.update(c.user().getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      md.update(c.password().getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String path(String rawUri) {
    int q = rawUri.indexOf('?');
    return q < 0 ? rawUri : rawUri.substring(0, q);
  }
}
