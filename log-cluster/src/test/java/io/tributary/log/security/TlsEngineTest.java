package io.tributary.log.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code ssl.engine}: the value and whether netty-tcnative loaded decide the TLS implementation. */
class TlsEngineTest {
  static final Throwable NOT_LOADED = new UnsatisfiedLinkError("no netty_tcnative_linux_x86_64 in java.library.path");

  @ParameterizedTest(name = "ssl.engine={0}, OpenSSL loads={1} -> {2}")
  @CsvSource(nullValues = "null", value = {
      "null,    true,  OPENSSL",
      "null,    false, JDK",
      "auto,    true,  OPENSSL",
      "auto,    false, JDK",
      "' AUTO ', true, OPENSSL",
      "openssl, true,  OPENSSL",
      "OpenSSL, true,  OPENSSL",
      "jdk,     true,  JDK",
      "jdk,     false, JDK",
  })
  void choice(String configured, boolean loads, TlsEngine expected) {
    assertEquals(expected, TlsEngine.choose(configured, loads ? null : NOT_LOADED));
  }

  @Test
  void openSslRequiredButNotLoadingNamesTheKeyAndTheCause() {
    ConfigException e = assertThrows(ConfigException.class, () -> TlsEngine.choose("openssl", NOT_LOADED));
    assertTrue(e.getMessage().contains("ssl.engine") && e.getMessage().contains("no netty_tcnative"), e.getMessage());
  }

  @Test
  void anUnknownValueIsRefusedWithTheAllowedOnes() {
    ConfigException e = assertThrows(ConfigException.class, () -> TlsEngine.choose("boringssl", null));
    assertTrue(e.getMessage().contains("ssl.engine") && e.getMessage().contains("auto, openssl or jdk"), e.getMessage());
  }
}
