package io.tributary.log.protocol;

import java.security.NoSuchAlgorithmException;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslClient;
import javax.security.sasl.SaslException;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.apache.kafka.common.security.scram.internals.ScramSaslClient;

/**
 * How a broker-to-broker client connects: TLS (with or without checking the peer's host name against its
 * certificate, {@code ssl.endpoint.identification.algorithm}) and a SASL login (PLAIN by the JDK's client,
 * SCRAM by kafka-clients' {@link ScramSaslClient}).
 *
 * @param tls null for PLAINTEXT and SASL_PLAINTEXT
 * @param saslMechanism null for PLAINTEXT and SSL
 */
public record ClientSecurity(SSLContext tls, boolean verifyHostName, String saslMechanism, String username, String password) {
  public static final ClientSecurity PLAINTEXT = new ClientSecurity(null, false, null, null, null);

  /** A fresh SASL client for one connection to {@code host}. */
  SaslClient newSaslClient(String host) throws SaslException {
    CallbackHandler login = this::login;
    if (ScramMechanism.isScram(saslMechanism)) {
      try {
        return new ScramSaslClient(ScramMechanism.forMechanismName(saslMechanism), login);
      } catch (NoSuchAlgorithmException e) {
        throw new SaslException("the JDK lacks " + saslMechanism, e);
      }
    }
    SaslClient client = Sasl.createSaslClient(new String[] {saslMechanism}, null, "kafka", host, Map.of(), login);
    if (client == null) {
      throw new SaslException("no SASL client for mechanism " + saslMechanism);
    }
    return client;
  }

  private void login(Callback[] callbacks) throws UnsupportedCallbackException {
    for (Callback callback : callbacks) {
      if (callback instanceof NameCallback name) {
        name.setName(username);
      } else if (callback instanceof PasswordCallback pw) {
        pw.setPassword(password.toCharArray());
      } else {
        throw new UnsupportedCallbackException(callback);
      }
    }
  }
}
