package io.tributary.log.storage;

import static io.tributary.log.storage.TestRecords.idempotent;
import static io.tributary.log.storage.TestRecords.transactional;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * KIP-890 part 1 in one partition log: a client's transactional batch from a producer with no transaction open
 * here is written only with the partition's live verification guard; the guard ends when the transaction's first
 * batch is written or a marker closes the transaction, so a stale "verified" answer cannot open a hanging
 * transaction. Refused appends write nothing.
 */
class TransactionVerificationLogTest extends PartitionLogFixture {
  private static final short EPOCH = 0;
  private static final long PID = 7;

  TransactionVerificationLogTest() {
    super(new TopicPartition("verified", 0), Uuid.randomUuid());
  }

  @BeforeEach
  void openLog() throws IOException {
    open(Map.of());
  }

  @Test
  void aTransactionalBatchWithoutAGuardIsRefusedAndNothingIsWritten() {
    InvalidTxnStateException e = assertThrows(InvalidTxnStateException.class,
        () -> log.appendAsLeader(transactional(PID, EPOCH, 0, 2, 1L), 0, VerificationGuard.SENTINEL));
    assertEquals(true, e.getMessage().startsWith("Record was not part of an ongoing transaction"), e.getMessage());
    assertEquals(0, log.logEndOffset());
    assertEquals(false, log.hasOngoingTransaction(PID, EPOCH));
  }

  @Test
  void theLiveGuardOpensTheTransactionAndLaterBatchesNeedNone() throws IOException {
    VerificationGuard guard = log.maybeStartTransactionVerification(PID, EPOCH);
    assertNotSame(VerificationGuard.SENTINEL, guard);
    assertSame(guard, log.maybeStartTransactionVerification(PID, EPOCH), "concurrent verifications share the guard");
    log.appendAsLeader(transactional(PID, EPOCH, 0, 2, 1L), 0, guard);                        // 0..1
    assertEquals(true, log.hasOngoingTransaction(PID, EPOCH));
    assertSame(VerificationGuard.SENTINEL, log.maybeStartTransactionVerification(PID, EPOCH), "open here: nothing to ask");
    log.appendAsLeader(transactional(PID, EPOCH, 2, 1, 1L), 0, VerificationGuard.SENTINEL);   // 2
    assertEquals(3, log.logEndOffset());
    assertEquals(0, log.lastStableOffset(Long.MAX_VALUE));
  }

  @Test
  void aMarkerEndsTheVerificationSoAStaleAnswerCannotOpenAHangingTransaction() throws IOException {
    VerificationGuard guard = log.maybeStartTransactionVerification(PID, EPOCH);
    // The coordinator answered "in the transaction", then aborted it before the append: the ABORT marker lands first.
    log.appendMarkerAsLeader(TransactionMarkers.endTransaction(PID, EPOCH, 0, false, 1L), 0); // 0
    assertThrows(InvalidTxnStateException.class,
        () -> log.appendAsLeader(transactional(PID, EPOCH, 0, 2, 1L), 0, guard));
    // A new verification gets a new guard; the old one stays refused (the ABA case).
    VerificationGuard next = log.maybeStartTransactionVerification(PID, EPOCH);
    assertNotSame(guard, next);
    assertThrows(InvalidTxnStateException.class,
        () -> log.appendAsLeader(transactional(PID, EPOCH, 0, 2, 1L), 0, guard));
    assertEquals(1, log.logEndOffset());
    assertEquals(1, log.lastStableOffset(log.logEndOffset()), "no transaction hangs");
  }

  @Test
  void anAbortedTransactionIsNotOngoingForALateBatch() throws IOException {
    VerificationGuard guard = log.maybeStartTransactionVerification(PID, EPOCH);
    log.appendAsLeader(transactional(PID, EPOCH, 0, 2, 1L), 0, guard);                        // 0..1
    log.appendMarkerAsLeader(TransactionMarkers.endTransaction(PID, EPOCH, 0, false, 1L), 0); // 2: abort
    assertThrows(InvalidTxnStateException.class,
        () -> log.appendAsLeader(transactional(PID, EPOCH, 2, 1, 1L), 0, VerificationGuard.SENTINEL));
    assertEquals(3, log.logEndOffset());
    assertEquals(3, log.lastStableOffset(log.logEndOffset()));
  }

  @Test
  void idempotentBatchesAndAppendsWithoutVerificationAreNotChecked() throws IOException {
    log.appendAsLeader(idempotent(PID + 1, EPOCH, 0, 2, 1L), 0, VerificationGuard.SENTINEL);  // 0..1: not transactional
    log.appendAsLeader(transactional(PID, EPOCH, 0, 1, 1L), 0);                               // 2: coordinator/replay path
    assertEquals(3, log.logEndOffset());
    assertEquals(2, log.lastStableOffset(Long.MAX_VALUE));
  }

  @Test
  void aRetriedDuplicateIsAnsweredBeforeVerificationAsKafkaDoes() throws IOException {
    VerificationGuard guard = log.maybeStartTransactionVerification(PID, EPOCH);
    log.appendAsLeader(transactional(PID, EPOCH, 0, 2, 1L), 0, guard);                        // 0..1
    log.appendMarkerAsLeader(TransactionMarkers.endTransaction(PID, EPOCH, 0, true, 1L), 0);  // 2: commit
    AppendResult dup = log.appendAsLeader(transactional(PID, EPOCH, 0, 2, 1L), 0, VerificationGuard.SENTINEL);
    assertEquals(true, dup.duplicate());
    assertEquals(0, dup.firstOffset());
    assertEquals(3, log.logEndOffset());
  }
}
