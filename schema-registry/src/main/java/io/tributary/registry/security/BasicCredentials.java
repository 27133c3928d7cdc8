package io.tributary.registry.security;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/** A user and password sent as {@code Authorization: Basic base64(user:password)} (RFC 7617). */
public record BasicCredentials(String user, String password) {

  /** The credentials of an Authorization header; empty if it is missing, not Basic or malformed. */
  public static Optional<BasicCredentials> parse(String authorization) {
    if (authorization == null) {
      return Optional.empty();
    }
    String h = authorization.trim();
    if (h.length() < 6 || !h.substring(0, 6).toLowerCase(Locale.ROOT).equals("basic ")) {
      return Optional.empty();
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(h.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    int colon = decoded.indexOf(':');
    if (colon <= 0) {
      return Optional.empty();
    }
    return Optional.of(new BasicCredentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
  }

  /** The header value carrying these credentials. */
  public String header() {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "BasicCredentials[user=" + user + "]"; // never the password
  }
}
