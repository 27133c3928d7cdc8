package io.tributary.log.broker;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.apache.kafka.common.requests.ResponseHeader;

/** A plain socket speaking just enough of the Kafka protocol for connection-level tests. */
final class RawConnection implements AutoCloseable {
  /** How long a read waits before the test calls the broker unresponsive. */
  static final int READ_TIMEOUT_MS = 10_000;

  final Socket socket;
  private final DataOutputStream out;
  private final DataInputStream in;

  private RawConnection(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(READ_TIMEOUT_MS);
    out = new DataOutputStream(socket.getOutputStream());
    in = new DataInputStream(socket.getInputStream());
  }

  /** Connects to the broker on 127.0.0.1:{@code port} from {@code localAddress} (any loopback address on lo). */
  static RawConnection open(String localAddress, int port) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
    s.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MS);
    return new RawConnection(s);
  }

  static RawConnection open(int port) throws IOException {
    return open("127.0.0.1", port);
  }

  /** A request (header and body, without the size prefix) as kafka-clients serialises it. */
  static ByteBuffer request(ApiKeys api, int version, ApiMessage body, int correlationId) {
    RequestHeader header = new RequestHeader(api, (short) version, "raw", correlationId);
    return RequestUtils.serialize(header.data(), header.headerVersion(), body, (short) version);
  }

  /** Sends an ApiVersions v3 request and returns the response's error code; throws if not answered. */
  short apiVersions(int correlationId) throws IOException {
    sendFrame(request(ApiKeys.API_VERSIONS, 3,
        new ApiVersionsRequestData().setClientSoftwareName("raw").setClientSoftwareVersion("1"), correlationId));
    ByteBuffer response = readFrame();
    ResponseHeader rh = ResponseHeader.parse(response, (short) 0);
    if (rh.correlationId() != correlationId) {
      throw new IOException("correlation id " + rh.correlationId() + ", expected " + correlationId);
    }
    return new ApiVersionsResponseData(new ByteBufferAccessor(response), (short) 3).errorCode();
  }

  void sendFrame(ByteBuffer frame) throws IOException {
    out.writeInt(frame.remaining());
    out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
    out.flush();
  }

  void write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  ByteBuffer readFrame() throws IOException {
    int size = in.readInt();
    byte[] body = new byte[size];
    in.readFully(body);
    return ByteBuffer.wrap(body);
  }

  /** Whether the broker has closed this connection, waiting up to {@code waitMs} for it to. */
  boolean closedByBroker(int waitMs) throws IOException {
    socket.setSoTimeout(waitMs);
    try {
      return in.read() == -1;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (SocketException reset) {
      return true;
    } finally {
      socket.setSoTimeout(READ_TIMEOUT_MS);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
