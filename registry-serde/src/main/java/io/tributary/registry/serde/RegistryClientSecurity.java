package io.tributary.registry.serde;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.security.ssl.DefaultSslEngineFactory;

/**
 * How a registry client proves who it is and whom it trusts, from Confluent's client keys:
 * {@code basic.auth.credentials.source} (USER_INFO: {@code basic.auth.user.info=USER:PASSWORD}; URL: the user
 * info of {@code schema.registry.url}, {@code https://USER:PASSWORD@host:port}) and
 * {@code schema.registry.ssl.*} (Kafka's {@code ssl.*} client keys with that prefix: trust store and, for
 * mutual TLS, key store, of type PKCS12, JKS or PEM). Bad values fail here with the key's name.
 */
public record RegistryClientSecurity(Optional<String> authorization, Optional<SSLContext> sslContext) {
  public static final String CREDENTIALS_SOURCE = "basic.auth.credentials.source";
  public static final String USER_INFO = "basic.auth.user.info";
  /** Confluent's older spelling of {@link #USER_INFO}, still accepted. */
  public static final String PREFIXED_USER_INFO = "schema.registry.basic.auth.user.info";
  public static final String SSL_PREFIX = "schema.registry.";

  /** No credentials, the JDK's default trust. */
  public static final RegistryClientSecurity NONE = new RegistryClientSecurity(Optional.empty(), Optional.empty());

  @Override
  public String toString() {
    return "RegistryClientSecurity[basic auth " + (authorization.isPresent() ? "set" : "none") + ", tls "
        + (sslContext.isPresent() ? "custom" : "default") + "]";
  }

  /** The security settings among {@code configs} (other keys are ignored). */
  public static RegistryClientSecurity fromConfigs(Map<String, ?> configs) {
    return new RegistryClientSecurity(authorization(configs), sslContext(configs));
  }

  private static Optional<String> authorization(Map<String, ?> configs) {
    String userInfo = string(configs, USER_INFO);
    if (userInfo == null) {
      userInfo = string(configs, PREFIXED_USER_INFO);
    }
    String source = string(configs, CREDENTIALS_SOURCE);
    if (source == null) {
      // Confluent's default source is URL; a user info given without a source is meant to be used
      source = userInfo != null ? "USER_INFO" : "URL";
    }
    switch (source.trim().toUpperCase(Locale.ROOT)) {
      case "USER_INFO":
        if (userInfo == null || userInfo.isBlank()) {
          throw new IllegalArgumentException(CREDENTIALS_SOURCE + "=USER_INFO needs " + USER_INFO + "=USER:PASSWORD");
        }
        return Optional.of(header(userInfo, USER_INFO));
      case "URL": {
        String urls = string(configs, SerdeConfig.SCHEMA_REGISTRY_URL);
        if (urls != null) {
          for (String u : urls.split(",")) {
            String info = userInfoOf(u.trim());
            if (info != null) {
              return Optional.of(header(info, SerdeConfig.SCHEMA_REGISTRY_URL));
            }
          }
        }
        return Optional.empty();
      }
      default:
        throw new IllegalArgumentException(CREDENTIALS_SOURCE + "=" + source
            + " is not supported: use USER_INFO (with " + USER_INFO + ") or URL");
    }
  }

  /** The user info of a URL ({@code user:password} of {@code https://user:password@host}), or null. */
  static String userInfoOf(String url) {
    if (url.isEmpty()) {
      return null;
    }
    try {
      return URI.create(url).getRawUserInfo();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The URL without its user info (which must not travel in the request line). */
  static String withoutUserInfo(String url) {
    String info = userInfoOf(url);
    return info == null ? url : url.replace(info + "@", "");
  }

  /** The Authorization header for {@code user:password}; a URL's user info is percent-decoded first. */
  private static String header(String userInfo, String key) {
    String decoded = key.equals(SerdeConfig.SCHEMA_REGISTRY_URL)
        ? java.net.URLDecoder.decode(userInfo.replace("+", "%2B"), StandardCharsets.UTF_8) : userInfo;
    int colon = decoded.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(key + " must hold USER:PASSWORD (no ':' after a user name)");
    }
    return "Basic " + Base64.getEncoder().encodeToString(decoded.getBytes(StandardCharsets.UTF_8));
  }

  private static Optional<SSLContext> sslContext(Map<String, ?> configs) {
    Map<String, Object> ssl = new HashMap<>();
    configs.forEach((k, v) -> {
      if (k.startsWith(SSL_PREFIX + "ssl.") && v != null && !v.toString().isEmpty()) {
        ssl.put(k.substring(SSL_PREFIX.length()), v.toString());
      }
    });
    if (ssl.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Object> parsed;
    try {
      parsed = new HashMap<>(new ConfigDef().withClientSslSupport().parse(ssl));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("Invalid " + SSL_PREFIX + "ssl.* setting: " + e.getMessage(), e);
    }
    DefaultSslEngineFactory factory = new DefaultSslEngineFactory();
    try {
      factory.configure(parsed);
      return Optional.of(factory.sslContext());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("Invalid registry trust or key store (" + SSL_PREFIX + "ssl.truststore.*, "
          + SSL_PREFIX + "ssl.keystore.*): " + e.getMessage(), e);
    }
  }

  private static String string(Map<String, ?> configs, String key) {
    Object v = configs.get(key);
    return v == null ? null : v.toString();
  }
}
