package io.tributary.log.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How a verify-only AddPartitionsToTxn answer becomes each partition's error for the produce path (table). */
class AddPartitionsToTxnManagerTest {
  static final TopicPartition A = new TopicPartition("t", 0);
  static final TopicPartition B = new TopicPartition("t", 1);

  @ParameterizedTest(name = "top={0} a={1} b={2} -> a={3} b={4}")
  @CsvSource({
      // top-level,                 answer a,          answer b,           a gets,                  b gets
      "NONE,                        NONE,              NONE,               NONE,                    NONE",
      "NONE,                        INVALID_TXN_STATE, NONE,               INVALID_TXN_STATE,       NONE",
      "NONE,                        PRODUCER_FENCED,   PRODUCER_FENCED,    INVALID_PRODUCER_EPOCH,  INVALID_PRODUCER_EPOCH",
      "NONE,                        NOT_COORDINATOR,   NOT_COORDINATOR,    NOT_COORDINATOR,         NOT_COORDINATOR",
      "NONE,                        INVALID_PRODUCER_ID_MAPPING, ABSENT,   INVALID_PRODUCER_ID_MAPPING, NONE",
      "CLUSTER_AUTHORIZATION_FAILED, ABSENT,           ABSENT,             INVALID_TXN_STATE,       INVALID_TXN_STATE",
      "COORDINATOR_NOT_AVAILABLE,   ABSENT,            ABSENT,             COORDINATOR_NOT_AVAILABLE, COORDINATOR_NOT_AVAILABLE",
      "UNSUPPORTED_VERSION,         ABSENT,            ABSENT,             NONE,                    NONE",
  })
  void partitionErrors(Errors top, String a, String b, Errors aGets, Errors bGets) {
    Map<TopicPartition, Errors> answered = new java.util.HashMap<>();
    if (!a.equals("ABSENT")) {
      answered.put(A, Errors.valueOf(a));
    }
    if (!b.equals("ABSENT")) {
      answered.put(B, Errors.valueOf(b));
    }
    assertEquals(Map.of(A, aGets, B, bGets), AddPartitionsToTxnManager.partitionErrors(top.code(), answered, List.of(A, B)));
  }
}
