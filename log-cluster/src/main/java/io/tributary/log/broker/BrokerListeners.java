package io.tributary.log.broker;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.tributary.log.cluster.ScramCredentialStore;
import io.tributary.log.network.Listener;
import io.tributary.log.security.JaasOptions;
import io.tributary.log.security.SaslMechanisms;
import io.tributary.log.security.SecuritySettings;
import io.tributary.log.security.SslContexts;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * The network listeners of a broker's config: each {@code listeners} entry with its TLS context (JDK
 * provider through Netty's {@link JdkSslContext}) and its SASL mechanisms, the listener's own
 * {@code listener.name.<l>.} keys winning over the plain ones.
 */
final class BrokerListeners {
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
    return new JdkSslContext(SslContexts.create(settings), false, clientAuth);
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
