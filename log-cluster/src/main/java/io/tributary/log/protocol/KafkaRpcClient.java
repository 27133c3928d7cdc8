package io.tributary.log.protocol;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.security.sasl.SaslClient;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.SaslAuthenticateRequest;
import org.apache.kafka.common.requests.SaslAuthenticateResponse;
import org.apache.kafka.common.requests.SaslHandshakeRequest;
import org.apache.kafka.common.requests.SaslHandshakeResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * A blocking, one-request-at-a-time Kafka-protocol client for broker-to-broker calls (a follower's
 * fetches from its leader), over the inter-broker listener's TLS and SASL as {@link ClientSecurity} says. Requests and responses are encoded by kafka-clients' message classes.
 */
public final class KafkaRpcClient implements Closeable {
  /** The largest response accepted; larger sizes mean a broken stream. */
  static final int MAX_RESPONSE_BYTES = 256 << 20;

  private final String host;
  private final int port;
  private final String clientId;
  private final int timeoutMs;
  private final ClientSecurity security;
  private Socket socket;
  private DataInputStream in;
  private DataOutputStream out;
  private int correlationId;

  public KafkaRpcClient(String host, int port, String clientId, int timeoutMs) {
    this(host, port, clientId, timeoutMs, ClientSecurity.PLAINTEXT);
  }

  /** A client that connects with TLS and/or logs in with SASL as {@code security} says. */
  public KafkaRpcClient(String host, int port, String clientId, int timeoutMs, ClientSecurity security) {
    this.security = security;
    this.host = host;
    this.port = port;
    this.clientId = clientId;
    this.timeoutMs = timeoutMs;
  }

  private void connect() throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(timeoutMs);
    socket.connect(new InetSocketAddress(host, port), timeoutMs);
    if (security.tls() != null) {
      SSLSocket tls = (SSLSocket) security.tls().getSocketFactory().createSocket(socket, host, port, true);
      if (security.verifyHostName()) {
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(parameters);
      }
      tls.startHandshake();
      socket = tls;
    }
    in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
    out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 64 * 1024));
  }

  /** Sends a request and waits for its response; any I/O failure closes the connection. */
  public synchronized <T extends AbstractResponse> T send(AbstractRequest request) throws IOException {
    if (socket == null) {
      try {
        connect();
        if (security.saslMechanism() != null) {
          authenticate();
        }
      } catch (IOException | RuntimeException e) {
        close();
        throw e;
      }
    }
    return exchange(request);
  }

  /** SaslHandshake v1, then SaslAuthenticate rounds until the client's mechanism completes. */
  private void authenticate() throws IOException {
    SaslHandshakeResponse handshake = exchange(new SaslHandshakeRequest.Builder(
        new SaslHandshakeRequestData().setMechanism(security.saslMechanism())).build((short) 1));
    if (handshake.error() != Errors.NONE) {
      throw new IOException("SASL handshake with " + host + ":" + port + " failed: " + handshake.error()
          + " (the broker enables " + handshake.data().mechanisms() + ")");
    }
    SaslClient client = security.newSaslClient(host);
    try {
      byte[] token = client.hasInitialResponse() ? client.evaluateChallenge(new byte[0]) : new byte[0];
      while (true) {
        SaslAuthenticateResponse answer = exchange(new SaslAuthenticateRequest.Builder(
            new SaslAuthenticateRequestData().setAuthBytes(token)).build((short) 2));
        if (answer.error() != Errors.NONE) {
          throw new SaslAuthenticationException("SASL authentication with " + host + ":" + port + " failed: " + answer.errorMessage());
        }
        if (client.isComplete()) {
          return;
        }
        token = client.evaluateChallenge(answer.saslAuthBytes());
        if (client.isComplete() && (token == null || token.length == 0)) {
          return;
        }
      }
    } finally {
      client.dispose();
    }
  }

  @SuppressWarnings("unchecked")
  private <T extends AbstractResponse> T exchange(AbstractRequest request) throws IOException {
    ApiKeys api = request.apiKey();
    short version = request.version();
    int id = correlationId++;
    try {
      ByteBuffer frame = request.serializeWithHeader(new RequestHeader(api, version, clientId, id));
      out.writeInt(frame.remaining());
      out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
      out.flush();
      int size = in.readInt();
      if (size < 0 || size > MAX_RESPONSE_BYTES) {
        throw new IOException("response of " + size + " bytes from " + host + ":" + port + " is not valid");
      }
      byte[] body = new byte[size];
      in.readFully(body);
      ByteBuffer buf = ByteBuffer.wrap(body);
      ResponseHeader header = ResponseHeader.parse(buf, api.responseHeaderVersion(version));
      if (header.correlationId() != id) {
        throw new IOException("correlation id " + header.correlationId() + " from " + host + ":" + port + ", expected " + id);
      }
      return (T) AbstractResponse.parseResponse(api, buf, version);
    } catch (IOException | RuntimeException e) {
      close();
      throw e instanceof IOException io ? io : new IOException(e);
    }
  }

  @Override
  public synchronized void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
      socket = null;
    }
  }
}
