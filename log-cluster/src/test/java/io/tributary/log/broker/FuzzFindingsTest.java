package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.embedded.EmbeddedCluster;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.IncrementalAlterConfigsRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.TxnOffsetCommitRequest;
import org.apache.kafka.common.utils.Crc32C;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frames FuzzedFramesTest found answered with UNKNOWN_SERVER_ERROR (and a stack trace logged at ERROR), byte for
 * byte as sent (header and body, without the size prefix; correlation id 7, client id "fuzz"). Each now gets a
 * clear Kafka error, and the broker goes on serving.
 */
class FuzzFindingsTest {
  static final String TOPIC = "fuzz";

  @TempDir static Path dir;
  static EmbeddedCluster cluster;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    cluster = EmbeddedCluster.start(1, dir);
    cluster.createTopic(TOPIC, 1, 1, Map.of());
    port = cluster.broker(0).boundPort();
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  @AfterEach
  void aNormalProducerIsServed() throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(cluster.producerProps())) {
      assertTrue(producer.send(new ProducerRecord<>(TOPIC, "after".getBytes())).get().offset() >= 0);
    }
  }

  /** WriteTxnMarkers v1, producer id 1000 with epoch -2 (0xfffe) on fuzz-0: the marker builder threw. */
  @Test
  void aTransactionMarkerWithANegativeEpochIsAnInvalidRequest() throws Exception {
    ByteBuffer response = send("001b000100000007000466757a7a000200000000000003e8fffe00020566757a7a020000000000000000000000");
    ResponseHeader.parse(response, ApiKeys.WRITE_TXN_MARKERS.responseHeaderVersion((short) 1));
    WriteTxnMarkersResponseData data = new WriteTxnMarkersResponseData(new ByteBufferAccessor(response), (short) 1);
    assertEquals(Errors.INVALID_REQUEST.code(), data.markers().get(0).topics().get(0).partitions().get(0).errorCode());
  }

  /** AlterPartitionReassignments v0 of partition 0 of a topic named 0xe6 "uzz" (not UTF-8): Curator threw on the path. */
  @Test
  void aReassignmentOfAnIllegalTopicNameIsAnUnknownPartition() throws Exception {
    ByteBuffer response = send("002d000000000007000466757a7a00000003e80205e6757a7a02000000000200000000000000");
    ResponseHeader.parse(response, ApiKeys.ALTER_PARTITION_REASSIGNMENTS.responseHeaderVersion((short) 0));
    AlterPartitionReassignmentsResponseData data =
        new AlterPartitionReassignmentsResponseData(new ByteBufferAccessor(response), (short) 0);
    assertEquals(Errors.NONE.code(), data.errorCode());
    assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
        data.responses().get(0).partitions().get(0).errorCode());
  }

  /**
   * Found by the 10^6-frame run (seed 61714830778316), rebuilt here with kafka-clients: a Produce v9 whose batch
   * names compression type 7. kafka-clients' own validation threw IllegalArgumentException: UNKNOWN_SERVER_ERROR.
   */
  @Test
  void aBatchWithAnUnknownCompressionTypeIsACorruptMessage() throws Exception {
    MemoryRecords records = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("v".getBytes()));
    ByteBuffer batch = records.buffer().duplicate();
    int attributesAt = 21; // DefaultRecordBatch: base offset 8, length 4, leader epoch 4, magic 1, crc 4
    batch.putShort(attributesAt, (short) ((batch.getShort(attributesAt) & ~0x7) | 7));
    // A valid CRC over the patched batch (CRC-32C from the attributes on, stored just before them), as the frame had.
    batch.putInt(attributesAt - 4, (int) Crc32C.compute(batch, attributesAt, batch.limit() - attributesAt));
    ProduceRequestData data = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(10_000);
    data.topicData().add(new ProduceRequestData.TopicProduceData().setName(TOPIC).setPartitionData(List.of(
        new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(MemoryRecords.readableRecords(batch)))));
    ByteBuffer response = send(new ProduceRequest(data, (short) 9));
    ResponseHeader.parse(response, ApiKeys.PRODUCE.responseHeaderVersion((short) 9));
    ProduceResponseData answer = new ProduceResponseData(new ByteBufferAccessor(response), (short) 9);
    ProduceResponseData.PartitionProduceResponse partition = answer.responses().iterator().next().partitionResponses().get(0);
    assertEquals(Errors.CORRUPT_MESSAGE.code(), partition.errorCode(), partition.errorMessage());
    assertTrue(partition.errorMessage().contains("compression type id: 7"), partition.errorMessage());
  }

  /** Found by the same run: a TxnOffsetCommit v3 with producer epoch -1; building its batch threw. */
  @Test
  void aTransactionalOffsetCommitWithANegativeEpochIsRefused() throws Exception {
    TxnOffsetCommitRequestData data = new TxnOffsetCommitRequestData().setTransactionalId("fuzz-txn").setGroupId("fuzz-group")
        .setProducerId(1000).setProducerEpoch((short) -1).setGenerationId(-1).setMemberId("");
    data.topics().add(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic().setName(TOPIC).setPartitions(List.of(
        new TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(1))));
    ByteBuffer response = send(new TxnOffsetCommitRequest(data, (short) 3));
    ResponseHeader.parse(response, ApiKeys.TXN_OFFSET_COMMIT.responseHeaderVersion((short) 3));
    TxnOffsetCommitResponseData answer = new TxnOffsetCommitResponseData(new ByteBufferAccessor(response), (short) 3);
    assertEquals(Errors.INVALID_PRODUCER_EPOCH.code(), answer.topics().get(0).partitions().get(0).errorCode());
  }

  /**
   * Found by the same run: IncrementalAlterConfigs SET retention.ms with a null value was written to the topic's
   * config znode as JSON null, which every broker then refused to read ("must be a string"). Refused now as Kafka
   * refuses it, as is a null config in CreateTopics, and the topic's configs stay readable.
   */
  @Test
  void aNullTopicConfigValueIsRefusedAndTheConfigStaysReadable() throws Exception {
    IncrementalAlterConfigsRequestData alter = new IncrementalAlterConfigsRequestData();
    alter.resources().add(new IncrementalAlterConfigsRequestData.AlterConfigsResource()
        .setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName(TOPIC).setConfigs(
            new IncrementalAlterConfigsRequestData.AlterableConfigCollection(List.of(
                new IncrementalAlterConfigsRequestData.AlterableConfig().setName("retention.ms").setConfigOperation((byte) 0)
                    .setValue(null)).iterator())));
    ByteBuffer response = send(new IncrementalAlterConfigsRequest(alter, (short) 1));
    ResponseHeader.parse(response, ApiKeys.INCREMENTAL_ALTER_CONFIGS.responseHeaderVersion((short) 1));
    IncrementalAlterConfigsResponseData altered = new IncrementalAlterConfigsResponseData(new ByteBufferAccessor(response), (short) 1);
    assertEquals(Errors.INVALID_REQUEST.code(), altered.responses().get(0).errorCode(), altered.responses().get(0).errorMessage());
    assertTrue(altered.responses().get(0).errorMessage().contains("retention.ms"), altered.responses().get(0).errorMessage());

    CreateTopicsRequestData create = new CreateTopicsRequestData().setTimeoutMs(10_000);
    create.topics().add(new CreateTopicsRequestData.CreatableTopic().setName("fuzz-null-config").setNumPartitions(1)
        .setReplicationFactor((short) 1).setConfigs(new CreateTopicsRequestData.CreatableTopicConfigCollection(List.of(
            new CreateTopicsRequestData.CreatableTopicConfig().setName("retention.ms").setValue(null)).iterator())));
    ByteBuffer created = send(new CreateTopicsRequest(create, (short) 5));
    ResponseHeader.parse(created, ApiKeys.CREATE_TOPICS.responseHeaderVersion((short) 5));
    CreateTopicsResponseData createAnswer = new CreateTopicsResponseData(new ByteBufferAccessor(created), (short) 5);
    assertEquals(Errors.INVALID_CONFIG.code(), createAnswer.topics().iterator().next().errorCode());

    try (Admin admin = cluster.admin()) {
      ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, TOPIC);
      assertTrue(admin.describeConfigs(List.of(topic)).all().get().get(topic).get("retention.ms") != null);
    }
  }

  private static ByteBuffer send(AbstractRequest request) throws Exception {
    ByteBuffer frame = request.serializeWithHeader(new RequestHeader(request.apiKey(), request.version(), "fuzz", 7));
    try (RawConnection c = RawConnection.open(port)) {
      c.sendFrame(frame);
      ByteBuffer response = c.readFrame();
      assertEquals(7, response.getInt(0), "the answer's correlation id");
      return response;
    }
  }

  private static ByteBuffer send(String hex) throws Exception {
    try (RawConnection c = RawConnection.open(port)) {
      c.sendFrame(ByteBuffer.wrap(HexFormat.of().parseHex(hex)));
      ByteBuffer response = c.readFrame();
      assertEquals(7, response.getInt(0), "the answer's correlation id");
      return response;
    }
  }
}
