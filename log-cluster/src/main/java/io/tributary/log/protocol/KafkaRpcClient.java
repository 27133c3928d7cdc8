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
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * A blocking, one-request-at-a-time Kafka-protocol client for broker-to-broker calls (a follower's
 * fetches from its leader). Requests and responses are encoded by kafka-clients' message classes.
 */
public final class KafkaRpcClient implements Closeable {
  /** The largest response accepted; larger sizes mean a broken stream. */
  static final int MAX_RESPONSE_BYTES = 256 << 20;

  private final String host;
  private final int port;
  private final String clientId;
  private final int timeoutMs;
  private Socket socket;
  private DataInputStream in;
  private DataOutputStream out;
  private int correlationId;

  public KafkaRpcClient(String host, int port, String clientId, int timeoutMs) {
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
    in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
    out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 64 * 1024));
  }

  /** Sends a request and waits for its response; any I/O failure closes the connection. */
  @SuppressWarnings("unchecked")
  public synchronized <T extends AbstractResponse> T send(AbstractRequest request) throws IOException {
    if (socket == null) {
      connect();
    }
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
