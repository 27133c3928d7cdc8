package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.embedded.EmbeddedCluster;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed input over a raw socket never harms the broker: each frame gets the right Kafka error or a
 * closed connection, and a normal client is served afterwards.
 */
class MalformedRequestTest {
  static final int MAX_REQUEST_BYTES = 1 << 20;
  static final String TOPIC = "malformed";

  @TempDir static Path dir;
  static EmbeddedCluster cluster;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    cluster = EmbeddedCluster.start(1, dir, Map.of("socket.request.max.bytes", Integer.toString(MAX_REQUEST_BYTES)));
    port = cluster.broker(0).boundPort();
    cluster.createTopic(TOPIC, 1, 1, Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  @AfterEach
  void brokerStillServesNormalClients() throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(cluster.producerProps())) {
      RecordMetadata md = producer.send(new ProducerRecord<>(TOPIC, 0, null, "still-alive".getBytes())).get();
      assertTrue(md.offset() >= 0);
    }
  }

  private static Socket connect() throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(10_000);
    return s;
  }

  /** True when the broker closed the connection (read returns EOF or the socket is reset). */
  private static boolean closedByBroker(Socket s) throws IOException {
    try {
      return s.getInputStream().read() == -1;
    } catch (SocketException e) {
      return true;
    }
  }

  private static void sendFrame(Socket s, int declaredSize, byte[] body) throws IOException {
    DataOutputStream out = new DataOutputStream(s.getOutputStream());
    out.writeInt(declaredSize);
    out.write(body);
    out.flush();
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.get(a);
    return a;
  }

  private static ByteBuffer readResponse(Socket s) throws IOException {
    DataInputStream in = new DataInputStream(s.getInputStream());
    int size = in.readInt();
    byte[] body = new byte[size];
    in.readFully(body);
    return ByteBuffer.wrap(body);
  }

  @Test
  void negativeFrameSizeClosesConnection() throws Exception {
    try (Socket s = connect()) {
      sendFrame(s, -5, new byte[16]);
      assertTrue(closedByBroker(s));
    }
  }

  @Test
  void frameLargerThanSocketRequestMaxBytesClosesConnection() throws Exception {
    try (Socket s = connect()) {
      sendFrame(s, MAX_REQUEST_BYTES + 1, new byte[64]);
      assertTrue(closedByBroker(s));
    }
  }

  @Test
  void unknownApiKeyClosesConnection() throws Exception {
    ByteBuffer b = ByteBuffer.allocate(12).putShort((short) 999).putShort((short) 0).putInt(7).putShort((short) -1).putShort((short) 0);
    try (Socket s = connect()) {
      sendFrame(s, 12, b.array());
      assertTrue(closedByBroker(s));
    }
  }

  @Test
  void unsupportedVersionClosesConnection() throws Exception {
    // Produce v99: a version no broker serves.
    ByteBuffer b = ByteBuffer.allocate(10).putShort(ApiKeys.PRODUCE.id).putShort((short) 99).putInt(8).putShort((short) -1);
    try (Socket s = connect()) {
      sendFrame(s, 10, b.array());
      assertTrue(closedByBroker(s));
    }
  }

  @Test
  void tooNewApiVersionsIsAnsweredWithSupportedRanges() throws Exception {
    // KIP-511: a client newer than the broker learns the ranges from a v0 response.
    ApiVersionsRequest req = new ApiVersionsRequest.Builder(new ApiVersionsRequestData(), (short) 3, (short) 3).build((short) 3);
    RequestHeader header = new RequestHeader(ApiKeys.API_VERSIONS, (short) 3, "test", 41);
    ByteBuffer frame = req.serializeWithHeader(header);
    // Rewrite the version to one beyond what the broker serves; v3's body reads fine as the header says.
    frame.putShort(2, (short) 127);
    try (Socket s = connect()) {
      byte[] payload = bytes(frame);
      sendFrame(s, payload.length, payload);
      ByteBuffer resp = readResponse(s);
      ResponseHeader rh = ResponseHeader.parse(resp, (short) 0);
      assertEquals(41, rh.correlationId());
      ApiVersionsResponseData data = new ApiVersionsResponseData(new ByteBufferAccessor(resp), (short) 0);
      assertEquals(Errors.UNSUPPORTED_VERSION.code(), data.errorCode());
      assertTrue(data.apiKeys().find(ApiKeys.PRODUCE.id) != null, "the ranges served are listed");
      assertTrue(data.apiKeys().find(ApiKeys.SASL_HANDSHAKE.id) == null, "nothing unserved is advertised");
    }
  }

  @Test
  void truncatedBodyClosesConnection() throws Exception {
    MetadataRequest req = new MetadataRequest.Builder(new MetadataRequestData().setTopics(
        List.of(new MetadataRequestData.MetadataRequestTopic().setName("some-topic-name-long-enough")))).build((short) 12);
    RequestHeader header = new RequestHeader(ApiKeys.METADATA, (short) 12, "test", 5);
    byte[] full = bytes(req.serializeWithHeader(header));
    byte[] truncated = java.util.Arrays.copyOf(full, full.length - 12);
    try (Socket s = connect()) {
      sendFrame(s, truncated.length, truncated);
      assertTrue(closedByBroker(s));
    }
  }

  @Test
  void frameShorterThanDeclaredThenEofIsHarmless() throws Exception {
    try (Socket s = connect()) {
      sendFrame(s, 1000, new byte[10]);
      s.shutdownOutput();
      assertTrue(closedByBroker(s), "a client that hangs up mid-frame is disconnected");
    }
  }

  @Test
  void batchWithBadCrcIsRefusedAndNothingIsWritten() throws Exception {
    long endBefore = logEndOffset();
    MemoryRecords records = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("k".getBytes(), "corrupted-value".getBytes()));
    ByteBuffer buf = records.buffer().duplicate();
    // Flip a byte of the record payload: the CRC32C no longer matches.
    int last = buf.limit() - 3;
    buf.put(last, (byte) (buf.get(last) ^ 0x5A));
    MemoryRecords corrupt = MemoryRecords.readableRecords(buf);
    ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(10_000);
    ProduceRequestData.TopicProduceData td = new ProduceRequestData.TopicProduceData().setName(TOPIC);
    td.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(corrupt));
    data.topicData().add(td);
    short version = 9;
    ProduceRequest req = ProduceRequest.forCurrentMagic(data).build(version);
    RequestHeader header = new RequestHeader(ApiKeys.PRODUCE, version, "test", 77);
    try (Socket s = connect()) {
      byte[] payload = bytes(req.serializeWithHeader(header));
      sendFrame(s, payload.length, payload);
      ByteBuffer resp = readResponse(s);
      ResponseHeader.parse(resp, ApiKeys.PRODUCE.responseHeaderVersion(version));
      ProduceResponseData pr = new ProduceResponseData(new ByteBufferAccessor(resp), version);
      ProduceResponseData.PartitionProduceResponse p = pr.responses().iterator().next().partitionResponses().get(0);
      assertEquals(Errors.CORRUPT_MESSAGE.code(), p.errorCode(), "error was " + Errors.forCode(p.errorCode()));
      // The connection stays usable after a refused batch.
      assertFalse(s.isClosed());
    }
    assertEquals(endBefore, logEndOffset(), "nothing of the corrupt batch was written");
  }

  private static long logEndOffset() throws Exception {
    try (Admin admin = cluster.admin()) {
      TopicPartition tp = new TopicPartition(TOPIC, 0);
      return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset();
    }
  }

  @Test
  void garbageBytesClosesConnection() throws Exception {
    try (Socket s = connect()) {
      byte[] junk = new byte[64];
      new java.util.Random(42).nextBytes(junk);
      junk[0] = 0;
      junk[1] = 3; // Metadata
      junk[2] = 0;
      junk[3] = 12;
      sendFrame(s, junk.length, junk);
      // Either an error response or a close (the check after each test shows the broker lives on).
      boolean answeredOrClosed;
      try {
        answeredOrClosed = readResponse(s).remaining() >= 0;
      } catch (EOFException | SocketException e) {
        answeredOrClosed = true;
      }
      assertTrue(answeredOrClosed);
    }
  }
}
