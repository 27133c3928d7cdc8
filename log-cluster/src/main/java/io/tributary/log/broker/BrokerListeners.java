package io.tributary.log.broker;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.tributary.log.cluster.ScramCredentialStore;
import io.tributary.log.network.Listener;
import io.tributary.log.security.JaasOptions;
import io.tributary.log.security.SaslMechanisms;
import io.tributary.log.security.SecuritySettings;
import io.tributary.log.security.SslContexts;
import io.tributary.log.security.TlsEngine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network listeners of a broker's config: each {@code listeners} entry with its TLS context (BoringSSL
 * through netty-tcnative, or the JDK's engine through Netty's {@link JdkSslContext}: {@link TlsEngine}) and
 * its SASL mechanisms, the listener's own {@code listener.name.<l>.} keys winning over the plain ones.
 */
final class BrokerListeners {
  private static final Logger log = LoggerFactory.getLogger(BrokerListeners.class);
  /** The protocols netty-tcnative's BoringSSL speaks that the JDK's context may enable (older ones are off in both). */
  private static final Set<String> OPENSSL_PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

  private BrokerListeners() {}

  static List<Listener> of(BrokerConfig config, ScramCredentialStore scram) {
    List<Listener> out = new ArrayList<>();
    for (ListenerAddresses.Endpoint e : config.listeners()) {
      SecuritySettings settings = new SecuritySettings(e.name(), config.asMap());
      boolean tls = Listener.usesTls(e.protocol());
      boolean sasl = Listener.usesSasl(e.protocol());
      out.add(new Listener(e.name(), e.protocol(), e.host(), e.port(), tls ? tlsContext(settings) : null,
          sasl ? mechanisms(settings, scram) : null));
    }
    return out;
  }

  private static SslContext tlsContext(SecuritySettings settings) {
    if (settings.get(SslContexts.KEYSTORE_LOCATION) == null && settings.get(SslContexts.KEYSTORE_KEY) == null) {
      throw new ConfigException("listener " + settings.listenerName() + " uses TLS: set ssl.keystore.location (or, with "
          + "ssl.keystore.type=PEM, ssl.keystore.certificate.chain and ssl.keystore.key)");
    }
    ClientAuth clientAuth = switch (SslContexts.clientAuth(settings)) {
      case NONE -> ClientAuth.NONE;
      case REQUESTED -> ClientAuth.OPTIONAL;
      case REQUIRED -> ClientAuth.REQUIRE;
    };
    SSLContext jdk = SslContexts.create(settings);
    TlsEngine engine = TlsEngine.choose(settings.get(TlsEngine.KEY), OpenSsl.isAvailable() ? null : OpenSsl.unavailabilityCause());
    // The protocols ssl.protocol enables in the JDK's context (TLSv1.3: TLSv1.3 and TLSv1.2), for either engine.
    String[] protocols = Arrays.stream(jdk.getDefaultSSLParameters().getProtocols()).filter(OPENSSL_PROTOCOLS::contains)
        .toArray(String[]::new);
    if (engine == TlsEngine.JDK || protocols.length == 0) {
      return new JdkSslContext(jdk, false, clientAuth);
    }
    SslContexts.Managers managers = SslContexts.managers(settings);
    SslContextBuilder builder = SslContextBuilder.forServer(managers.keys()[0])
        .sslProvider(SslProvider.OPENSSL)
        .protocols(protocols)
        .clientAuth(clientAuth);
    if (managers.trust() != null) {
      builder.trustManager(managers.trust()[0]);
    }
    try {
      SslContext context = builder.build();
      log.info("listener {}: TLS by {} ({}), protocols {}", settings.listenerName(), OpenSsl.versionString(), TlsEngine.KEY,
          String.join(",", protocols));
      return context;
    } catch (SSLException e) {
      throw new ConfigException("listener " + settings.listenerName() + ": cannot build its OpenSSL TLS context ("
          + TlsEngine.KEY + "=jdk avoids it): " + e.getMessage());
    }
  }

  private static SaslMechanisms mechanisms(SecuritySettings settings, ScramCredentialStore scram) {
    List<String> enabled = Arrays.stream(settings.get(SecurityKeys.SASL_ENABLED_MECHANISMS.name(), "").split(","))
        .map(String::trim).filter(m -> !m.isEmpty()).toList();
    Map<String, String> plainUsers = new HashMap<>();
    String jaas = settings.jaasConfig("PLAIN");
    if (enabled.contains("PLAIN") && jaas != null) {
      plainUsers.putAll(JaasOptions.parse(jaas).plainUsers());
    }
    try {
      return new SaslMechanisms(enabled, plainUsers, scram::credential);
    } catch (IllegalArgumentException ex) {
      throw new ConfigException(SecurityKeys.SASL_ENABLED_MECHANISMS.name(), enabled, ex.getMessage());
    }
  }
}
