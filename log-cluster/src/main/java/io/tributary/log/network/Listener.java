package io.tributary.log.network;

import io.netty.handler.ssl.SslContext;
import io.tributary.log.security.SaslMechanisms;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * One listener the broker binds: its name ({@code listeners=NAME://host:port}), security protocol, and,
 * as the protocol needs them, its TLS context (SSL, SASL_SSL) and SASL mechanisms (SASL_PLAINTEXT, SASL_SSL).
 */
public record Listener(String name, SecurityProtocol protocol, String host, int port, SslContext tls, SaslMechanisms sasl) {

  public Listener {
    // The parameters, not the accessors: a compact constructor assigns the fields only after its body.
    if (usesTls(protocol) != (tls != null)) {
      throw new IllegalArgumentException("listener " + name + " (" + protocol + ") " + (tls == null ? "needs" : "takes no") + " TLS context");
    }
    if (usesSasl(protocol) != (sasl != null)) {
      throw new IllegalArgumentException("listener " + name + " (" + protocol + ") " + (sasl == null ? "needs" : "takes no") + " SASL mechanisms");
    }
  }

  /** A PLAINTEXT listener named PLAINTEXT: what a broker had before listeners had names. */
  public static Listener plaintext(String host, int port) {
    return new Listener(SecurityProtocol.PLAINTEXT.name, SecurityProtocol.PLAINTEXT, host, port, null, null);
  }

  public boolean usesTls() {
    return usesTls(protocol);
  }

  public boolean usesSasl() {
    return usesSasl(protocol);
  }

  public static boolean usesTls(SecurityProtocol protocol) {
    return protocol == SecurityProtocol.SSL || protocol == SecurityProtocol.SASL_SSL;
  }

  public static boolean usesSasl(SecurityProtocol protocol) {
    return protocol == SecurityProtocol.SASL_PLAINTEXT || protocol == SecurityProtocol.SASL_SSL;
  }
}
