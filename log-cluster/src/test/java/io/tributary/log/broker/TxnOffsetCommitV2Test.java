package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** What a TxnOffsetCommit v5 answers when its offsets partition was not added to the transaction. */
class TxnOffsetCommitV2Test {

  @Test
  void addErrorsBecomeWhatTheClientRetriesOrTreatsAsFenced() {
    record Case(Errors added, Errors answered) {}
    List<Case> cases = List.of(
        new Case(Errors.NONE, Errors.NONE),
        new Case(Errors.CONCURRENT_TRANSACTIONS, Errors.COORDINATOR_NOT_AVAILABLE),
        new Case(Errors.NETWORK_EXCEPTION, Errors.COORDINATOR_NOT_AVAILABLE),
        new Case(Errors.COORDINATOR_LOAD_IN_PROGRESS, Errors.COORDINATOR_NOT_AVAILABLE),
        new Case(Errors.COORDINATOR_NOT_AVAILABLE, Errors.COORDINATOR_NOT_AVAILABLE),
        new Case(Errors.NOT_COORDINATOR, Errors.COORDINATOR_NOT_AVAILABLE),
        new Case(Errors.INVALID_PRODUCER_EPOCH, Errors.INVALID_PRODUCER_EPOCH),
        new Case(Errors.INVALID_PRODUCER_ID_MAPPING, Errors.INVALID_PRODUCER_ID_MAPPING),
        new Case(Errors.INVALID_TXN_STATE, Errors.INVALID_TXN_STATE));
    for (Case c : cases) {
      assertEquals(c.answered(), TxnOffsetCommitV2.commitError(c.added()), c.added().name());
    }
  }
}
