package io.tributary.log.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.sasl.SaslServer;
import org.apache.kafka.common.security.plain.PlainAuthenticateCallback;
import org.apache.kafka.common.security.plain.internals.PlainSaslServer;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.ScramCredentialCallback;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.apache.kafka.common.security.scram.internals.ScramSaslServer;

/**
 * The SASL mechanisms one listener enables ({@code sasl.enabled.mechanisms}) and where each finds its
 * users: PLAIN in the listener's JAAS config ({@code user_NAME="password"}, as Kafka's PlainLoginModule),
 * SCRAM-SHA-256/512 in the salted credentials kept in ZooKeeper. The SASL exchanges themselves are
 * kafka-clients' {@link PlainSaslServer} and {@link ScramSaslServer}.
 */
public final class SaslMechanisms {
  private final List<String> enabled;
  private final Map<String, String> plainUsers;
  private final BiFunction<String, ScramMechanism, ScramCredential> scramCredentials;

  /**
   * @param plainUsers PLAIN's user names and passwords
   * @param scramCredentials a user's credential for a mechanism, or null if it has none
   */
  public SaslMechanisms(List<String> enabled, Map<String, String> plainUsers,
      BiFunction<String, ScramMechanism, ScramCredential> scramCredentials) {
    for (String mechanism : enabled) {
      if (!mechanism.equals(PlainSaslServer.PLAIN_MECHANISM) && !ScramMechanism.isScram(mechanism)) {
        throw new IllegalArgumentException("SASL mechanism " + mechanism + " is not supported (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 are)");
      }
    }
    this.enabled = List.copyOf(enabled);
    this.plainUsers = Map.copyOf(plainUsers);
    this.scramCredentials = scramCredentials;
  }

  public List<String> enabled() {
    return enabled;
  }

  /** A fresh server for one connection's exchange; {@code mechanism} must be enabled. */
  public SaslServer newServer(String mechanism) {
    if (!enabled.contains(mechanism)) {
      throw new IllegalArgumentException(mechanism + " is not enabled");
    }
    if (mechanism.equals(PlainSaslServer.PLAIN_MECHANISM)) {
      return new PlainSaslServer(this::plainCallbacks);
    }
    ScramMechanism scram = ScramMechanism.forMechanismName(mechanism);
    try {
      return new ScramSaslServer(scram, Map.of(), callbacks -> scramCallbacks(scram, callbacks));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks " + scram.hashAlgorithm(), e);
    }
  }

  private void plainCallbacks(Callback[] callbacks) throws UnsupportedCallbackException {
    String user = null;
    for (Callback callback : callbacks) {
      if (callback instanceof NameCallback name) {
        user = name.getDefaultName();
      } else if (callback instanceof PlainAuthenticateCallback authenticate) {
        String expected = user == null ? null : plainUsers.get(user);
        // Compared in constant time, so that the answer's timing does not tell how much of a guess was right.
        authenticate.authenticated(expected != null && MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.UTF_8), new String(authenticate.password()).getBytes(StandardCharsets.UTF_8)));
      } else {
        throw new UnsupportedCallbackException(callback);
      }
    }
  }

  private void scramCallbacks(ScramMechanism mechanism, Callback[] callbacks) throws UnsupportedCallbackException {
    String user = null;
    for (Callback callback : callbacks) {
      if (callback instanceof NameCallback name) {
        user = name.getDefaultName();
      } else if (callback instanceof ScramCredentialCallback credential) {
        credential.scramCredential(user == null ? null : scramCredentials.apply(user, mechanism));
      } else {
        // Delegation tokens (the tokenauth extension) are not served.
        throw new UnsupportedCallbackException(callback);
      }
    }
  }
}
