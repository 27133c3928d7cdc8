package io.tributary.registry.security;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.internals.BrokerSecurityConfigs;
import org.apache.kafka.common.security.ssl.DefaultSslEngineFactory;

/**
 * TLS of the registry's HTTPS listeners and of the client that forwards writes to the primary, with Kafka's
 * {@code ssl.*} keys and Kafka's own store loading (PKCS12, JKS, PEM files and inline PEM), so that one
 * certificate set serves brokers and registry alike.
 */
public final class RegistryTls {
  /** Confluent's name of Kafka's {@code ssl.client.auth}. */
  public static final String CLIENT_AUTHENTICATION = "ssl.client.authentication";

  private RegistryTls() {}

  /**
   * Kafka's SSL engine factory for these settings: {@code ssl.*} keys as Kafka's clients take them, plus
   * {@link #CLIENT_AUTHENTICATION} (NONE, REQUESTED or REQUIRED). Bad stores fail here, naming the key.
   */
  public static DefaultSslEngineFactory engines(Map<String, String> settings) {
    Map<String, String> ssl = new HashMap<>();
    settings.forEach((k, v) -> {
      if (k.startsWith("ssl.") && !k.equals(CLIENT_AUTHENTICATION) && v != null && !v.isEmpty()) {
        ssl.put(k, v);
      }
    });
    Map<String, Object> parsed;
    try {
      parsed = new HashMap<>(new ConfigDef().withClientSslSupport().parse(ssl));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("Invalid TLS setting: " + e.getMessage(), e);
    }
    parsed.put(BrokerSecurityConfigs.SSL_CLIENT_AUTH_CONFIG, clientAuth(settings.getOrDefault(CLIENT_AUTHENTICATION, "NONE")));
    DefaultSslEngineFactory factory = new DefaultSslEngineFactory();
    try {
      factory.configure(parsed);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("Invalid TLS key or trust store (ssl.keystore.*, ssl.truststore.*): " + e.getMessage(), e);
    }
    return factory;
  }

  /** Kafka's value of {@code ssl.client.auth} for Confluent's {@code ssl.client.authentication}. */
  static String clientAuth(String value) {
    String v = value == null || value.isBlank() ? "NONE" : value.trim().toUpperCase(Locale.ROOT);
    return switch (v) {
      case "NONE" -> "none";
      case "REQUESTED" -> "requested";
      case "REQUIRED" -> "required";
      default -> throw new IllegalArgumentException("Config " + CLIENT_AUTHENTICATION + "=" + value
          + " must be NONE, REQUESTED or REQUIRED");
    };
  }
}
