package io.tributary.log.network;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

/**
 * The principal of an SSL connection, by Kafka's default rules ({@code ssl.principal.mapping.rules=DEFAULT}):
 * {@code User:} and the client certificate's distinguished name, or ANONYMOUS without a client certificate.
 */
final class TlsPrincipal {
  private TlsPrincipal() {}

  static KafkaPrincipal of(SSLEngine engine) {
    try {
      return new KafkaPrincipal(KafkaPrincipal.USER_TYPE, engine.getSession().getPeerPrincipal().getName());
    } catch (SSLPeerUnverifiedException e) {
      return KafkaPrincipal.ANONYMOUS;
    }
  }
}
