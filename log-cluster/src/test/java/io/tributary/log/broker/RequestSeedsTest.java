package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;

/** The fuzzer's generic seeds: every API at every stable version, readable by kafka-clients and filled. */
class RequestSeedsTest {
  static final RequestSeeds.Targets TARGETS =
      new RequestSeeds.Targets("fuzz", Uuid.randomUuid(), "fuzz-group", "fuzz-txn", 4_000L, (short) 3);
  final RequestSeeds seeds = new RequestSeeds(TARGETS);

  @Test
  void everyApiAtEveryStableVersionHasASeedKafkaClientsParses() {
    List<String> failures = new ArrayList<>();
    int count = 0;
    for (ApiKeys api : ApiKeys.values()) {
      for (short v = api.oldestVersion(); v <= api.latestVersion(false); v++) {
        try {
          ByteBuffer frame = seeds.frame(api, v, 42);
          RequestHeader header = RequestHeader.parse(frame);
          assertEquals(42, header.correlationId());
          AbstractRequest.parseRequest(api, v, frame);
          assertEquals(0, frame.remaining(), "the whole frame is read");
          count++;
        } catch (RuntimeException | AssertionError e) {
          failures.add(api + " v" + v + ": " + e);
        }
      }
    }
    assertTrue(failures.isEmpty(), "seeds kafka-clients cannot read back: " + failures);
    assertTrue(count > 300, count + " seeds");
  }

  @Test
  void fieldsAreFilledWhereTheVersionHasThem() {
    // As the broker reads them: fields a version lacks are not on the wire.
    FetchRequestData fetch12 = new FetchRequestData(new ByteBufferAccessor(
        MessageUtil.toByteBuffer(seeds.body(ApiKeys.FETCH, (short) 12), (short) 12)), (short) 12);
    assertEquals("fuzz", fetch12.topics().get(0).topic());
    assertEquals(0, fetch12.topics().get(0).partitions().get(0).partition());
    assertEquals(RequestSeeds.MAX_BYTES, fetch12.topics().get(0).partitions().get(0).partitionMaxBytes());
    assertEquals(Uuid.ZERO_UUID, fetch12.topics().get(0).topicId(), "v12 has no topic ids");
    FetchRequestData fetch13 = new FetchRequestData(new ByteBufferAccessor(
        MessageUtil.toByteBuffer(seeds.body(ApiKeys.FETCH, (short) 13), (short) 13)), (short) 13);
    assertEquals(TARGETS.topicId(), fetch13.topics().get(0).topicId());
    assertEquals("", fetch13.topics().get(0).topic(), "v13 has no topic names");

    ProduceRequestData produce = (ProduceRequestData) seeds.body(ApiKeys.PRODUCE, (short) 9);
    assertEquals(1, produce.acks(), "acks=0 would never be answered");
    assertEquals(null, produce.transactionalId());
    assertTrue(produce.topicData().find("fuzz").partitionData().get(0).records().sizeInBytes() > 0);

    OffsetCommitRequestData commit = (OffsetCommitRequestData) seeds.body(ApiKeys.OFFSET_COMMIT, (short) 8);
    assertEquals("fuzz-group", commit.groupId());
    assertEquals(null, commit.groupInstanceId());
    assertEquals("fuzz", commit.topics().get(0).name());

    AddPartitionsToTxnRequestData add = (AddPartitionsToTxnRequestData) seeds.body(ApiKeys.ADD_PARTITIONS_TO_TXN, (short) 3);
    assertEquals("fuzz-txn", add.v3AndBelowTransactionalId());
    assertEquals(4_000L, add.v3AndBelowProducerId());
    assertEquals(3, add.v3AndBelowProducerEpoch());

    IncrementalAlterConfigsRequestData alter =
        (IncrementalAlterConfigsRequestData) seeds.body(ApiKeys.INCREMENTAL_ALTER_CONFIGS, (short) 1);
    assertTrue(alter.validateOnly(), "admin seeds only validate");
    assertEquals("fuzz", alter.resources().iterator().next().resourceName());
    assertEquals("retention.ms", alter.resources().iterator().next().configs().iterator().next().name());
  }

  @Test
  void deleteTopicsNeverNamesTheTopicUnderTest() {
    for (short v = ApiKeys.DELETE_TOPICS.oldestVersion(); v <= ApiKeys.DELETE_TOPICS.latestVersion(false); v++) {
      DeleteTopicsRequestData delete = (DeleteTopicsRequestData) seeds.body(ApiKeys.DELETE_TOPICS, v);
      delete.topicNames().forEach(name -> assertEquals(RequestSeeds.ABSENT_TOPIC, name));
      for (DeleteTopicsRequestData.DeleteTopicState state : delete.topics()) {
        assertEquals(RequestSeeds.ABSENT_TOPIC, state.name());
        assertEquals(Uuid.ZERO_UUID, state.topicId());
      }
    }
  }
}
