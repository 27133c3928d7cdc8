package io.tributary.registry.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Confluent's basic.auth.* keys: which Authorization header is sent, and the URL it is never sent in. */
class RegistryClientSecurityTest {
  static final String ALICE = "Basic YWxpY2U6czNjcmV0"; // alice:s3cret

  @Test
  void noKeysNoHeader() {
    assertEquals(Optional.empty(),
        RegistryClientSecurity.fromConfigs(Map.of("schema.registry.url", "http://a:8081, http://b:8081")).authorization());
  }

  @Test
  void userInfo() {
    assertEquals(Optional.of(ALICE), RegistryClientSecurity.fromConfigs(Map.of("schema.registry.url", "http://a:8081",
        "basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "alice:s3cret")).authorization());
    assertEquals(Optional.of(ALICE), RegistryClientSecurity.fromConfigs(Map.of("basic.auth.user.info", "alice:s3cret"))
        .authorization(), "a user info without a source is meant to be used");
  }

  @Test
  void credentialsInTheUrlAreTakenOutOfIt() {
    assertEquals(Optional.of(ALICE), RegistryClientSecurity.fromConfigs(Map.of(
        "schema.registry.url", "http://alice:s3cret@a:8081", "basic.auth.credentials.source", "URL")).authorization());
    assertEquals("http://a:8081", RegistryClientSecurity.withoutUserInfo("http://alice:s3cret@a:8081"));
  }

  @Test
  void badConfigurationsNameTheKey() {
    assertEquals("basic.auth.credentials.source=USER_INFO needs basic.auth.user.info=USER:PASSWORD",
        assertThrows(IllegalArgumentException.class, () -> RegistryClientSecurity.fromConfigs(
            Map.of("basic.auth.credentials.source", "USER_INFO"))).getMessage());
    assertEquals("basic.auth.credentials.source=SASL_INHERIT is not supported: use USER_INFO (with basic.auth.user.info) or URL",
        assertThrows(IllegalArgumentException.class, () -> RegistryClientSecurity.fromConfigs(
            Map.of("basic.auth.credentials.source", "SASL_INHERIT"))).getMessage());
    assertEquals("basic.auth.user.info must hold USER:PASSWORD (no ':' after a user name)",
        assertThrows(IllegalArgumentException.class, () -> RegistryClientSecurity.fromConfigs(
            Map.of("basic.auth.user.info", "alice"))).getMessage());
  }
}
