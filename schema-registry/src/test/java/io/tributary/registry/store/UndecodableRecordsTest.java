package io.tributary.registry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Issue 15: a record of _schemas that cannot be decoded or applied is skipped; the records after it apply. */
class UndecodableRecordsTest {
  private static final TopicPartition SCHEMAS_0 = new TopicPartition("_schemas", 0);

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void apply(RegistryState state, long offset, StoreRecord rec) {
    KafkaLogStore.applyRecord(state, SCHEMAS_0, offset, rec.keyBytes(), rec.valueBytes());
  }

  @Test
  void recordsAfterAnUndecodableOneStillApply() {
    RegistryState state = new RegistryState();
    apply(state, 0, StoreRecord.schema("s", 1, 1, RegistryStateTest.S1, false));
    // What a plain producer can write: a key that is not JSON, a SCHEMA key whose value is not JSON,
    // and a SCHEMA tombstone whose key names no subject.
    KafkaLogStore.applyRecord(state, SCHEMAS_0, 1, utf8("not json"), utf8("{}"));
    KafkaLogStore.applyRecord(state, SCHEMAS_0, 2, StoreRecord.schema("s", 2, 2, RegistryStateTest.S2, false).keyBytes(),
        utf8("{not json either"));
    KafkaLogStore.applyRecord(state, SCHEMAS_0, 3, utf8("{\"keytype\":\"SCHEMA\",\"version\":1,\"magic\":1}"), null);
    apply(state, 4, StoreRecord.schema("t", 1, 2, RegistryStateTest.S2, false));

    assertEquals(4, state.appliedOffset());
    assertEquals(List.of("s", "t"), state.subjects(false));
    assertEquals(1, state.version("s", 1).id());
    assertEquals(2, state.version("t", 1).id());
  }
}
