package io.tributary.log.network;

import io.tributary.log.protocol.KafkaRequest;
import io.tributary.log.security.SaslMechanisms;
import java.nio.ByteBuffer;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

/**
 * One connection's SASL exchange (KIP-152): ApiVersions and SaslHandshake, then SaslAuthenticate rounds
 * (or, after a v0 handshake, raw size-prefixed tokens) until the mechanism completes. Until then nothing else
 * is served: any other request closes the connection, as Kafka does. Runs on the connection's event loop;
 * credentials are looked up in memory (PLAIN's JAAS users, SCRAM's cache of ZooKeeper), so no step blocks.
 */
final class SaslAuthenticator {

  enum State { HANDSHAKE, AUTHENTICATE, RAW_TOKENS, COMPLETE, FAILED }

  private final SaslMechanisms mechanisms;
  private State state = State.HANDSHAKE;
  private SaslServer server;
  private KafkaPrincipal principal;

  SaslAuthenticator(SaslMechanisms mechanisms) {
    this.mechanisms = mechanisms;
  }

  State state() {
    return state;
  }

  /** The authenticated principal, once {@link State#COMPLETE}. */
  KafkaPrincipal principal() {
    return principal;
  }

  /** Whether {@code api} may be served in the current state (anything else closes the connection). */
  boolean admits(ApiKeys api) {
    return switch (state) {
      case HANDSHAKE -> api == ApiKeys.API_VERSIONS || api == ApiKeys.SASL_HANDSHAKE;
      case AUTHENTICATE -> api == ApiKeys.SASL_AUTHENTICATE;
      case COMPLETE -> true;
      case RAW_TOKENS, FAILED -> false;
    };
  }

  ApiMessage handshake(KafkaRequest request) {
    SaslHandshakeRequestData data = request.data();
    SaslHandshakeResponseData response = new SaslHandshakeResponseData().setMechanisms(mechanisms.enabled());
    if (state != State.HANDSHAKE) {
      return response.setErrorCode(Errors.ILLEGAL_SASL_STATE.code());
    }
    if (!mechanisms.enabled().contains(data.mechanism())) {
      state = State.FAILED;
      return response.setErrorCode(Errors.UNSUPPORTED_SASL_MECHANISM.code());
    }
    server = mechanisms.newServer(data.mechanism());
    // v0: the tokens follow as raw frames; v1: wrapped in SaslAuthenticate requests.
    state = request.version() == 0 ? State.RAW_TOKENS : State.AUTHENTICATE;
    return response;
  }

  ApiMessage authenticate(KafkaRequest request) {
    SaslAuthenticateResponseData response = new SaslAuthenticateResponseData();
    if (state != State.AUTHENTICATE) {
      return response.setErrorCode(Errors.ILLEGAL_SASL_STATE.code())
          .setErrorMessage("SaslAuthenticate is not expected in state " + state);
    }
    SaslAuthenticateRequestData data = request.data();
    try {
      byte[] challenge = evaluate(data.authBytes());
      return response.setAuthBytes(challenge == null ? new byte[0] : challenge);
    } catch (SaslException | SaslAuthenticationException e) {
      state = State.FAILED;
      return response.setErrorCode(Errors.SASL_AUTHENTICATION_FAILED.code()).setErrorMessage(failureMessage(e));
    }
  }

  /** One raw token after a v0 handshake; the challenge to send back, or null when authentication failed. */
  byte[] rawToken(ByteBuffer frame) {
    byte[] token = new byte[frame.remaining()];
    frame.get(token);
    try {
      byte[] challenge = evaluate(token);
      return challenge == null ? new byte[0] : challenge;
    } catch (SaslException | SaslAuthenticationException e) {
      state = State.FAILED;
      return null;
    }
  }

  private byte[] evaluate(byte[] token) throws SaslException {
    byte[] challenge = server.evaluateResponse(token);
    if (server.isComplete()) {
      principal = new KafkaPrincipal(KafkaPrincipal.USER_TYPE, server.getAuthorizationID());
      state = State.COMPLETE;
      server.dispose();
    }
    return challenge;
  }

  /** Kafka's message for a wrong user or password, which does not say which of the two was wrong. */
  private String failureMessage(Exception e) {
    String message = e.getMessage();
    return message != null && message.startsWith("Authentication failed") ? message
        : "Authentication failed during authentication due to invalid credentials with SASL mechanism " + server.getMechanismName();
  }
}
