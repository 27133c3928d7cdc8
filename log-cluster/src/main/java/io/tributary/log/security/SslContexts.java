package io.tributary.log.security;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Locale;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.ConfigException;

/**
 * Builds the JDK {@link SSLContext} of a listener (or of a client) from Kafka's {@code ssl.*} keys: key and
 * trust stores of type PKCS12, JKS or PEM ({@code ssl.keystore.location}, or the PEM text in
 * {@code ssl.keystore.certificate.chain} / {@code ssl.keystore.key} / {@code ssl.truststore.certificates}).
 * Without a trust store the JDK's default trust applies.
 */
public final class SslContexts {
  public static final String KEYSTORE_TYPE = "ssl.keystore.type";
  public static final String KEYSTORE_LOCATION = "ssl.keystore.location";
  public static final String KEYSTORE_PASSWORD = "ssl.keystore.password";
  public static final String KEY_PASSWORD = "ssl.key.password";
  public static final String KEYSTORE_CERTIFICATE_CHAIN = "ssl.keystore.certificate.chain";
  public static final String KEYSTORE_KEY = "ssl.keystore.key";
  public static final String TRUSTSTORE_TYPE = "ssl.truststore.type";
  public static final String TRUSTSTORE_LOCATION = "ssl.truststore.location";
  public static final String TRUSTSTORE_PASSWORD = "ssl.truststore.password";
  public static final String TRUSTSTORE_CERTIFICATES = "ssl.truststore.certificates";
  public static final String CLIENT_AUTH = "ssl.client.auth";
  public static final String PROTOCOL = "ssl.protocol";

  /** Kafka's defaults. */
  static final String DEFAULT_STORE_TYPE = "JKS";
  static final String DEFAULT_PROTOCOL = "TLSv1.3";

  /** {@code ssl.client.auth}: whether a listener asks clients for a certificate. */
  public enum ClientAuth { NONE, REQUESTED, REQUIRED }

  private SslContexts() {}

  public static SSLContext create(SecuritySettings settings) {
    try {
      SSLContext context = SSLContext.getInstance(settings.get(PROTOCOL, DEFAULT_PROTOCOL));
      context.init(keyManagers(settings), trustManagers(settings), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new ConfigException("listener " + settings.listenerName() + ": cannot build its TLS context: " + e.getMessage());
    }
  }

  public static ClientAuth clientAuth(SecuritySettings settings) {
    String value = settings.get(CLIENT_AUTH, "none");
    try {
      return ClientAuth.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(CLIENT_AUTH, value, "must be none, requested or required");
    }
  }

  /** The key and trust managers of {@link #create}, for a TLS implementation other than the JDK's. */
  public record Managers(KeyManager[] keys, TrustManager[] trust) {}

  public static Managers managers(SecuritySettings settings) {
    try {
      return new Managers(keyManagers(settings), trustManagers(settings));
    } catch (GeneralSecurityException | IOException e) {
      throw new ConfigException("listener " + settings.listenerName() + ": cannot build its TLS context: " + e.getMessage());
    }
  }

  /** Null (no key: a client without a certificate) when no key store is configured. */
  private static KeyManager[] keyManagers(SecuritySettings s) throws GeneralSecurityException, IOException {
    String type = s.get(KEYSTORE_TYPE, DEFAULT_STORE_TYPE).toUpperCase(Locale.ROOT);
    String location = s.get(KEYSTORE_LOCATION);
    KeyStore store;
    char[] keyPassword;
    if (type.equals("PEM")) {
      String chain = s.get(KEYSTORE_CERTIFICATE_CHAIN);
      String key = s.get(KEYSTORE_KEY);
      if (location != null) {
        String pem = Files.readString(Path.of(location));
        chain = pem;
        key = pem;
      }
      if (chain == null || key == null) {
        return null;
      }
      store = PemStores.keyStore(chain, key, s.get(KEY_PASSWORD));
      keyPassword = PemStores.storedKeyPassword();
    } else {
      if (location == null) {
        return null;
      }
      String storePassword = s.get(KEYSTORE_PASSWORD);
      store = load(type, location, storePassword);
      String keyPass = s.get(KEY_PASSWORD, storePassword);
      keyPassword = keyPass == null ? new char[0] : keyPass.toCharArray();
    }
    KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, keyPassword);
    return factory.getKeyManagers();
  }

  /** Null (the JDK's default trust) when no trust store is configured. */
  private static TrustManager[] trustManagers(SecuritySettings s) throws GeneralSecurityException, IOException {
    String type = s.get(TRUSTSTORE_TYPE, DEFAULT_STORE_TYPE).toUpperCase(Locale.ROOT);
    String location = s.get(TRUSTSTORE_LOCATION);
    KeyStore store;
    if (type.equals("PEM")) {
      String pem = location != null ? Files.readString(Path.of(location)) : s.get(TRUSTSTORE_CERTIFICATES);
      if (pem == null) {
        return null;
      }
      store = PemStores.trustStore(pem);
    } else {
      if (location == null) {
        return null;
      }
      store = load(type, location, s.get(TRUSTSTORE_PASSWORD));
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return factory.getTrustManagers();
  }

  private static KeyStore load(String type, String location, String password) throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance(type);
    try (InputStream in = Files.newInputStream(Path.of(location))) {
      store.load(in, password == null ? null : password.toCharArray());
    }
    return store;
  }
}
