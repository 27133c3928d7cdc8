package io.tributary.log.broker;

import io.tributary.log.network.Listener;
import io.tributary.log.protocol.ClientSecurity;
import io.tributary.log.security.JaasOptions;
import io.tributary.log.security.SecuritySettings;
import io.tributary.log.security.SslContexts;
import javax.net.ssl.SSLContext;
import org.apache.kafka.common.config.ConfigException;

/**
 * How this broker connects to other brokers: over {@code inter.broker.listener.name}'s protocol, trusting
 * that listener's trust store, logging in with {@code sasl.mechanism.inter.broker.protocol} as the
 * {@code username}/{@code password} of that mechanism's JAAS config on the listener (as Kafka does).
 */
final class InterBrokerSecurity {
  private InterBrokerSecurity() {}

  static ClientSecurity clientSecurity(BrokerConfig config) {
    String name = config.interBrokerListener();
    ListenerAddresses.Endpoint listener = config.listeners().stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
    SecuritySettings settings = new SecuritySettings(name, config.asMap());
    boolean tls = Listener.usesTls(listener.protocol());
    boolean sasl = Listener.usesSasl(listener.protocol());
    SSLContext context = tls ? SslContexts.create(settings) : null;
    boolean verifyHostName = "https".equalsIgnoreCase(settings.get(SecurityKeys.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM.name(), ""));
    if (!sasl) {
      return new ClientSecurity(context, verifyHostName, null, null, null);
    }
    String mechanism = config.get(SecurityKeys.SASL_MECHANISM_INTER_BROKER_PROTOCOL);
    String jaas = settings.jaasConfig(mechanism);
    JaasOptions options = jaas == null ? null : JaasOptions.parse(jaas);
    if (options == null || options.option("username") == null || options.option("password") == null) {
      throw new ConfigException("the inter-broker listener " + name + " is " + listener.protocol() + ": its " + mechanism
          + " sasl.jaas.config needs username and password for the broker's own login");
    }
    return new ClientSecurity(context, verifyHostName, mechanism, options.option("username"), options.option("password"));
  }
}
