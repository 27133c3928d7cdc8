package io.tributary.log.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.List;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.EndTxnRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.junit.jupiter.api.Test;

/**
 * Transactions v2 on the wire with the 3.9 codec: the versions it does not know are read and written as the ones
 * they equal, EndTxn v5's answer carries the producer id and epoch, and ApiVersions finalizes
 * {@code transaction.version} 2 only in a table that serves it.
 */
class TransactionsV2VersionsTest {

  @Test
  void newVersionsAreHandledAsTheOnesTheyEqualOnTheWire() {
    record Case(ApiKeys api, short version, short codec) {}
    List<Case> cases = List.of(
        new Case(ApiKeys.PRODUCE, (short) 12, (short) 11),
        new Case(ApiKeys.PRODUCE, (short) 11, (short) 11),
        new Case(ApiKeys.TXN_OFFSET_COMMIT, (short) 5, (short) 4),
        new Case(ApiKeys.TXN_OFFSET_COMMIT, (short) 3, (short) 3),
        new Case(ApiKeys.END_TXN, (short) 5, (short) 4),
        new Case(ApiKeys.END_TXN, (short) 4, (short) 4),
        new Case(ApiKeys.FETCH, (short) 12, (short) 12));
    for (Case c : cases) {
      assertEquals(c.codec(), TransactionsV2Versions.codecVersion(c.api(), c.version()), c.api() + " v" + c.version());
    }
    assertTrue(TransactionsV2Versions.produceAddsPartitions((short) 12));
    assertFalse(TransactionsV2Versions.produceAddsPartitions((short) 11));
    assertTrue(TransactionsV2Versions.endTxnBumpsEpoch((short) 5));
    assertFalse(TransactionsV2Versions.endTxnBumpsEpoch((short) 4));
  }

  @Test
  void endTxnV5ResponseIsV4WithTheProducerIdAndEpochBeforeTheTaggedFields() {
    EndTxnV5Response r = EndTxnV5Response.of(new EndTxnResponseData().setThrottleTimeMs(7)
        .setErrorCode(Errors.NONE.code()), 1234567890123L, (short) 42);
    ObjectSerializationCache cache = new ObjectSerializationCache();
    int size = r.size(cache, EndTxnV5Response.VERSION);
    ByteBuffer buf = ByteBuffer.allocate(size);
    r.write(new ByteBufferAccessor(buf), cache, EndTxnV5Response.VERSION);
    buf.flip();
    assertEquals(4 + 2 + 8 + 2 + 1, size);
    assertEquals(7, buf.getInt());
    assertEquals(0, buf.getShort());
    assertEquals(1234567890123L, buf.getLong());
    assertEquals(42, buf.getShort());
    assertEquals(0, buf.get(), "no tagged fields");
    buf.rewind();
    EndTxnV5Response read = new EndTxnV5Response();
    read.read(new ByteBufferAccessor(buf), EndTxnV5Response.VERSION);
    assertEquals(1234567890123L, read.producerId());
    assertEquals(42, read.producerEpoch());
  }

  @Test
  void anEndTxnV5RequestIsDecodedWithTheHeaderVersionKept() throws Exception {
    EndTxnRequestData body = new EndTxnRequestData().setTransactionalId("tx").setProducerId(5).setProducerEpoch((short) 3)
        .setCommitted(true);
    RequestHeader header = new RequestHeader(ApiKeys.END_TXN, (short) 5, "client", 9);
    ByteBuffer frame = RequestUtils.serialize(header.data(), header.headerVersion(), body, (short) 4);
    ApiVersionTable table = ApiVersionTable.of(EnumSet.of(ApiKeys.END_TXN)).withTransactionsV2();
    RequestDecoder.Decoded decoded = new RequestDecoder(table).decode(frame, 0);
    KafkaRequest request = ((RequestDecoder.Request) decoded).request();
    assertEquals(5, request.version());
    EndTxnRequestData read = request.data();
    assertEquals("tx", read.transactionalId());
    assertEquals(3, read.producerEpoch());
    assertTrue(request.body() instanceof EndTxnRequest);
  }

  @Test
  void apiVersionsFinalizesTransactionVersion2OnlyWhereServed() {
    ApiVersionTable plain = ApiVersionTable.of(EnumSet.of(ApiKeys.API_VERSIONS, ApiKeys.PRODUCE, ApiKeys.END_TXN,
        ApiKeys.TXN_OFFSET_COMMIT));
    ApiVersionsResponseData without = plain.toResponse();
    assertTrue(without.finalizedFeatures().isEmpty());
    assertEquals(11, without.apiKeys().find(ApiKeys.PRODUCE.id).maxVersion());

    ApiVersionsResponseData with = plain.withTransactionsV2().toResponse();
    assertEquals(12, with.apiKeys().find(ApiKeys.PRODUCE.id).maxVersion());
    assertEquals(5, with.apiKeys().find(ApiKeys.END_TXN.id).maxVersion());
    assertEquals(5, with.apiKeys().find(ApiKeys.TXN_OFFSET_COMMIT.id).maxVersion());
    assertEquals(2, with.finalizedFeatures().find("transaction.version").maxVersionLevel());
    assertEquals(2, with.finalizedFeatures().find("transaction.version").minVersionLevel());
    assertEquals(0, with.supportedFeatures().find("transaction.version").minVersion());
    assertEquals(2, with.supportedFeatures().find("transaction.version").maxVersion());
    assertTrue(with.finalizedFeaturesEpoch() >= 0, "clients take finalized features only above epoch -1");
    // A table without the transaction APIs raises nothing.
    ApiVersionsResponseData noTxn = ApiVersionTable.of(EnumSet.of(ApiKeys.API_VERSIONS)).withTransactionsV2().toResponse();
    assertNull(noTxn.apiKeys().find(ApiKeys.PRODUCE.id));
  }
}
