package io.tributary.registry.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Confluent's basic.auth.* keys: which URLs are called and which Authorization header is sent. */
class BasicAuthTest {
  static final String ALICE = "Basic YWxpY2U6czNjcmV0"; // alice:s3cret

  @Test
  void noKeysNoHeader() {
    assertEquals(new BasicAuth(List.of("http://a:8081", "http://b:8081"), Optional.empty()),
        BasicAuth.of("http://a:8081, http://b:8081", Map.of()));
  }

  @Test
  void userInfo() {
    assertEquals(new BasicAuth(List.of("http://a:8081"), Optional.of(ALICE)), BasicAuth.of("http://a:8081",
        Map.of("basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "alice:s3cret")));
  }

  @Test
  void credentialsInTheUrlAreTakenOutOfIt() {
    assertEquals(new BasicAuth(List.of("http://a:8081"), Optional.of(ALICE)),
        BasicAuth.of("http://alice:s3cret@a:8081", Map.of("basic.auth.credentials.source", "URL")));
  }

  @Test
  void badConfigurationsNameTheKey() {
    assertEquals("basic.auth.credentials.source=USER_INFO needs basic.auth.user.info as user:password",
        assertThrows(IllegalArgumentException.class, () -> BasicAuth.of("http://a",
            Map.of("basic.auth.credentials.source", "USER_INFO"))).getMessage());
    assertEquals("basic.auth.credentials.source 'SASL_INHERIT' is not supported: use USER_INFO or URL",
        assertThrows(IllegalArgumentException.class, () -> BasicAuth.of("http://a",
            Map.of("basic.auth.credentials.source", "SASL_INHERIT"))).getMessage());
  }
}
