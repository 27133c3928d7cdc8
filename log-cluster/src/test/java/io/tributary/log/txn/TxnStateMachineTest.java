package io.tributary.log.txn;

import static io.tributary.log.txn.TxnState.COMPLETE_ABORT;
import static io.tributary.log.txn.TxnState.COMPLETE_COMMIT;
import static io.tributary.log.txn.TxnState.DEAD;
import static io.tributary.log.txn.TxnState.EMPTY;
import static io.tributary.log.txn.TxnState.ONGOING;
import static io.tributary.log.txn.TxnState.PREPARE_ABORT;
import static io.tributary.log.txn.TxnState.PREPARE_COMMIT;
import static io.tributary.log.txn.TxnState.PREPARE_EPOCH_FENCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.txn.TxnStateMachine.Step;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** The transaction coordinator's decisions, from tables of states and requests. */
class TxnStateMachineTest {
  static final String ID = "app-1";
  static final long PID = 1000;
  static final long NEW_PID = 2000;
  static final int TIMEOUT_MS = 60_000;
  static final int MAX_TIMEOUT_MS = 900_000;
  static final long NOW = 1_000_000;
  static final TopicPartition A0 = new TopicPartition("a", 0);
  static final TopicPartition B1 = new TopicPartition("b", 1);
  static final LongSupplier NEW_IDS = () -> NEW_PID;

  static TxnMetadata meta(TxnState state, short epoch, TopicPartition... partitions) {
    TreeSet<TopicPartition> set = new TreeSet<>(TxnMetadata::compare);
    set.addAll(List.of(partitions));
    long start = state.isIdle() ? -1 : NOW - 10;
    return new TxnMetadata(ID, PID, -1, epoch, (short) (epoch - 1), TIMEOUT_MS, state, set, start, NOW - 10);
  }

  @Test
  void everyTransitionIsKafkasAndNoOther() {
    // from -> the states it may go to (Kafka's TransactionState.validPreviousStates, read the other way round)
    record Edges(TxnState from, Set<TxnState> to) {}
    List<Edges> table = List.of(
        // Transactions v2 (KIP-890 part 2): an abort with no partition added starts from an idle state.
        new Edges(EMPTY, EnumSet.of(EMPTY, ONGOING, PREPARE_ABORT, DEAD)),
        new Edges(ONGOING, EnumSet.of(ONGOING, PREPARE_COMMIT, PREPARE_ABORT, PREPARE_EPOCH_FENCE)),
        new Edges(PREPARE_COMMIT, EnumSet.of(COMPLETE_COMMIT)),
        new Edges(PREPARE_ABORT, EnumSet.of(COMPLETE_ABORT)),
        new Edges(COMPLETE_COMMIT, EnumSet.of(EMPTY, ONGOING, PREPARE_ABORT, DEAD)),
        new Edges(COMPLETE_ABORT, EnumSet.of(EMPTY, ONGOING, PREPARE_ABORT, DEAD)),
        new Edges(PREPARE_EPOCH_FENCE, EnumSet.of(PREPARE_ABORT)),
        new Edges(DEAD, EnumSet.noneOf(TxnState.class)));
    assertEquals(TxnState.values().length, table.size());
    for (Edges e : table) {
      for (TxnState to : TxnState.values()) {
        assertEquals(e.to().contains(to), to.canFollow(e.from()), e.from() + " -> " + to);
      }
    }
  }

  record InitCase(String name, TxnMetadata current, int timeoutMs, long expectedPid, short expectedEpoch,
                  Errors error, TxnState written, long answerPid, short answerEpoch) {}

  @Test
  void initProducerId() {
    List<InitCase> cases = List.of(
        new InitCase("a new id: new producer id at epoch 0", null, TIMEOUT_MS, -1, (short) -1,
            Errors.NONE, EMPTY, NEW_PID, (short) 0),
        new InitCase("timeout above transaction.max.timeout.ms", null, MAX_TIMEOUT_MS + 1, -1, (short) -1,
            Errors.INVALID_TRANSACTION_TIMEOUT, null, -1, (short) -1),
        new InitCase("timeout zero", null, 0, -1, (short) -1, Errors.INVALID_TRANSACTION_TIMEOUT, null, -1, (short) -1),
        new InitCase("a known idle id: same producer id, next epoch (fences the old producer)", meta(EMPTY, (short) 3),
            TIMEOUT_MS, -1, (short) -1, Errors.NONE, EMPTY, PID, (short) 4),
        new InitCase("after a commit", meta(COMPLETE_COMMIT, (short) 3), TIMEOUT_MS, -1, (short) -1,
            Errors.NONE, EMPTY, PID, (short) 4),
        new InitCase("an open transaction is fenced: aborted with the next epoch, the client retries",
            meta(ONGOING, (short) 3, A0), TIMEOUT_MS, -1, (short) -1, Errors.CONCURRENT_TRANSACTIONS, PREPARE_ABORT, -1,
            (short) -1),
        new InitCase("markers being written: retry", meta(PREPARE_COMMIT, (short) 3, A0), TIMEOUT_MS, -1, (short) -1,
            Errors.CONCURRENT_TRANSACTIONS, null, -1, (short) -1),
        new InitCase("exhausted epoch: a new producer id", meta(EMPTY, (short) (Short.MAX_VALUE - 1)), TIMEOUT_MS, -1,
            (short) -1, Errors.NONE, EMPTY, NEW_PID, (short) 0),
        new InitCase("KIP-360: the current producer bumps its own epoch", meta(EMPTY, (short) 3), TIMEOUT_MS, PID,
            (short) 3, Errors.NONE, EMPTY, PID, (short) 4),
        new InitCase("KIP-360: a retry of a bump already written is answered again", meta(EMPTY, (short) 4),
            TIMEOUT_MS, PID, (short) 3, Errors.NONE, null, PID, (short) 4),
        new InitCase("KIP-360: an older epoch is a zombie", meta(EMPTY, (short) 5), TIMEOUT_MS, PID, (short) 2,
            Errors.PRODUCER_FENCED, null, -1, (short) -1),
        new InitCase("KIP-360: another producer id is a zombie", meta(EMPTY, (short) 5), TIMEOUT_MS, 77, (short) 5,
            Errors.PRODUCER_FENCED, null, -1, (short) -1),
        new InitCase("a dead id starts over", meta(DEAD, (short) 5), TIMEOUT_MS, -1, (short) -1,
            Errors.NONE, EMPTY, NEW_PID, (short) 0));
    for (InitCase c : cases) {
      Step s = TxnStateMachine.initProducerId(c.current(), ID, c.timeoutMs(), MAX_TIMEOUT_MS, c.expectedPid(),
          c.expectedEpoch(), NOW, NEW_IDS);
      assertEquals(c.error(), s.error(), c.name());
      assertEquals(c.written(), s.write() == null ? null : s.write().state(), c.name());
      if (c.error() == Errors.NONE) {
        assertEquals(c.answerPid(), s.answer().producerId(), c.name());
        assertEquals(c.answerEpoch(), s.answer().producerEpoch(), c.name());
      }
    }
  }

  @Test
  void fencingAnOpenTransactionAbortsItWithTheNextEpochAndSendsMarkers() {
    Step s = TxnStateMachine.initProducerId(meta(ONGOING, (short) 3, A0, B1), ID, TIMEOUT_MS, MAX_TIMEOUT_MS, -1,
        (short) -1, NOW, NEW_IDS);
    assertTrue(s.sendMarkers());
    assertEquals(4, s.write().producerEpoch(), "markers carry the bumped epoch: the zombie's writes are refused");
    assertEquals(Set.of(A0, B1), s.write().partitions());
    assertEquals(PID, s.write().producerId());
  }

  record AddCase(String name, TxnMetadata current, long pid, short epoch, Errors error, TxnState written,
                 Set<TopicPartition> partitionsAfter) {}

  @Test
  void addPartitions() {
    List<AddCase> cases = List.of(
        new AddCase("the first partition opens the transaction", meta(EMPTY, (short) 2), PID, (short) 2, Errors.NONE,
            ONGOING, Set.of(A0)),
        new AddCase("after a commit", meta(COMPLETE_COMMIT, (short) 2), PID, (short) 2, Errors.NONE, ONGOING, Set.of(A0)),
        new AddCase("a partition already in: nothing written", meta(ONGOING, (short) 2, A0), PID, (short) 2, Errors.NONE,
            null, Set.of(A0)),
        new AddCase("another partition joins", meta(ONGOING, (short) 2, B1), PID, (short) 2, Errors.NONE, ONGOING,
            Set.of(A0, B1)),
        new AddCase("an older epoch is fenced", meta(ONGOING, (short) 2, B1), PID, (short) 1, Errors.PRODUCER_FENCED,
            null, null),
        new AddCase("another producer id", meta(ONGOING, (short) 2, B1), 9, (short) 2,
            Errors.INVALID_PRODUCER_ID_MAPPING, null, null),
        new AddCase("unknown transactional id", null, PID, (short) 2, Errors.INVALID_PRODUCER_ID_MAPPING, null, null),
        new AddCase("while committing: retry", meta(PREPARE_COMMIT, (short) 2, B1), PID, (short) 2,
            Errors.CONCURRENT_TRANSACTIONS, null, null),
        new AddCase("while aborting: retry", meta(PREPARE_ABORT, (short) 2, B1), PID, (short) 2,
            Errors.CONCURRENT_TRANSACTIONS, null, null));
    for (AddCase c : cases) {
      Step s = TxnStateMachine.addPartitions(c.current(), c.pid(), c.epoch(), List.of(A0), NOW);
      assertEquals(c.error(), s.error(), c.name());
      assertEquals(c.written(), s.write() == null ? null : s.write().state(), c.name());
      assertFalse(s.sendMarkers(), c.name());
      if (c.partitionsAfter() != null) {
        TxnMetadata after = s.write() != null ? s.write() : s.answer();
        assertEquals(c.partitionsAfter(), after.partitions(), c.name());
      }
    }
  }

  @Test
  void aTransactionStartsWhenItsFirstPartitionIsAddedAndKeepsThatStart() {
    TxnMetadata opened = TxnStateMachine.addPartitions(meta(EMPTY, (short) 0), PID, (short) 0, List.of(A0), NOW).write();
    assertEquals(NOW, opened.txnStartMs());
    TxnMetadata more = TxnStateMachine.addPartitions(opened, PID, (short) 0, List.of(B1), NOW + 500).write();
    assertEquals(NOW, more.txnStartMs());
  }

  record EndCase(String name, TxnMetadata current, short epoch, boolean commit, Errors error, TxnState written) {}

  @Test
  void endTxn() {
    List<EndCase> cases = List.of(
        new EndCase("commit an open transaction", meta(ONGOING, (short) 2, A0), (short) 2, true, Errors.NONE,
            PREPARE_COMMIT),
        new EndCase("abort an open transaction", meta(ONGOING, (short) 2, A0), (short) 2, false, Errors.NONE,
            PREPARE_ABORT),
        new EndCase("a zombie's commit is fenced", meta(ONGOING, (short) 3, A0), (short) 2, true, Errors.PRODUCER_FENCED,
            null),
        new EndCase("a retried commit that completed", meta(COMPLETE_COMMIT, (short) 2), (short) 2, true, Errors.NONE,
            null),
        new EndCase("a retried abort that completed", meta(COMPLETE_ABORT, (short) 2), (short) 2, false, Errors.NONE,
            null),
        new EndCase("a retried commit still writing markers", meta(PREPARE_COMMIT, (short) 2, A0), (short) 2, true,
            Errors.CONCURRENT_TRANSACTIONS, null),
        new EndCase("abort after a commit", meta(COMPLETE_COMMIT, (short) 2), (short) 2, false, Errors.INVALID_TXN_STATE,
            null),
        new EndCase("commit while aborting", meta(PREPARE_ABORT, (short) 2, A0), (short) 2, true,
            Errors.INVALID_TXN_STATE, null),
        new EndCase("nothing open", meta(EMPTY, (short) 2), (short) 2, true, Errors.INVALID_TXN_STATE, null));
    for (EndCase c : cases) {
      Step s = TxnStateMachine.endTxn(c.current(), PID, c.epoch(), c.commit(), NOW);
      assertEquals(c.error(), s.error(), c.name());
      assertEquals(c.written(), s.write() == null ? null : s.write().state(), c.name());
      assertEquals(c.written() != null, s.sendMarkers(), c.name() + ": markers follow a Prepare write");
    }
  }

  @Test
  void markersWrittenCompleteTheTransactionAndEmptyIt() {
    TxnMetadata prepared = TxnStateMachine.endTxn(meta(ONGOING, (short) 2, A0, B1), PID, (short) 2, true, NOW).write();
    TxnMetadata done = TxnStateMachine.markersWritten(prepared, NOW + 1);
    assertEquals(COMPLETE_COMMIT, done.state());
    assertTrue(done.partitions().isEmpty());
    assertEquals(-1, done.txnStartMs());
    assertThrows(IllegalStateException.class, () -> TxnStateMachine.markersWritten(meta(ONGOING, (short) 2, A0), NOW));
  }

  @Test
  void verifyOnlyAcceptsOnlyAPartitionOfTheOpenTransaction() {
    record VerifyCase(String name, TxnMetadata current, short epoch, TopicPartition tp, Errors error) {}
    List<VerifyCase> cases = new ArrayList<>(List.of(
        new VerifyCase("in the transaction", meta(ONGOING, (short) 2, A0), (short) 2, A0, Errors.NONE),
        new VerifyCase("not added", meta(ONGOING, (short) 2, A0), (short) 2, B1, Errors.INVALID_TXN_STATE),
        new VerifyCase("no transaction open", meta(EMPTY, (short) 2), (short) 2, A0, Errors.INVALID_TXN_STATE),
        new VerifyCase("being committed", meta(PREPARE_COMMIT, (short) 2, A0), (short) 2, A0, Errors.INVALID_TXN_STATE),
        new VerifyCase("an older epoch", meta(ONGOING, (short) 2, A0), (short) 1, A0, Errors.PRODUCER_FENCED),
        new VerifyCase("unknown id", null, (short) 1, A0, Errors.INVALID_PRODUCER_ID_MAPPING)));
    for (VerifyCase c : cases) {
      assertEquals(c.error(), TxnStateMachine.verify(c.current(), PID, c.epoch(), c.tp()), c.name());
    }
  }

  @Test
  void aTransactionOpenPastItsTimeoutIsAbortedWithTheNextEpoch() {
    TxnMetadata open = TxnStateMachine.addPartitions(meta(EMPTY, (short) 2), PID, (short) 2, List.of(A0), NOW).write();
    assertNull(TxnStateMachine.abortIfTimedOut(open, NOW + TIMEOUT_MS), "not past the timeout yet");
    TxnMetadata abort = TxnStateMachine.abortIfTimedOut(open, NOW + TIMEOUT_MS + 1);
    assertEquals(PREPARE_ABORT, abort.state());
    assertEquals(3, abort.producerEpoch());
    assertEquals(Set.of(A0), abort.partitions());
    assertNull(TxnStateMachine.abortIfTimedOut(meta(EMPTY, (short) 2), NOW + 10 * TIMEOUT_MS), "nothing open");
  }

  @Test
  void anIdleIdExpiresAfterTransactionalIdExpiration() {
    long expirationMs = 7_000;
    TxnMetadata idle = meta(COMPLETE_COMMIT, (short) 2);
    assertNull(TxnStateMachine.expireIfIdle(idle, idle.lastUpdateMs() + expirationMs - 1, expirationMs));
    assertEquals(DEAD, TxnStateMachine.expireIfIdle(idle, idle.lastUpdateMs() + expirationMs, expirationMs).state());
    assertNull(TxnStateMachine.expireIfIdle(meta(ONGOING, (short) 2, A0), NOW + 10 * expirationMs, expirationMs),
        "an open transaction never expires (it times out)");
  }

  @Test
  void olderClientsAreToldInvalidProducerEpochInsteadOfProducerFenced() {
    record VersionCase(ApiKeys api, short version, Errors expected) {}
    List<VersionCase> cases = List.of(
        new VersionCase(ApiKeys.INIT_PRODUCER_ID, (short) 3, Errors.INVALID_PRODUCER_EPOCH),
        new VersionCase(ApiKeys.INIT_PRODUCER_ID, (short) 4, Errors.PRODUCER_FENCED),
        new VersionCase(ApiKeys.END_TXN, (short) 1, Errors.INVALID_PRODUCER_EPOCH),
        new VersionCase(ApiKeys.END_TXN, (short) 2, Errors.PRODUCER_FENCED),
        new VersionCase(ApiKeys.ADD_PARTITIONS_TO_TXN, (short) 1, Errors.INVALID_PRODUCER_EPOCH),
        new VersionCase(ApiKeys.ADD_OFFSETS_TO_TXN, (short) 3, Errors.PRODUCER_FENCED));
    for (VersionCase c : cases) {
      assertEquals(c.expected(), TxnCoordinator.forVersion(Errors.PRODUCER_FENCED, c.api(), c.version()), c.api() + " v" + c.version());
    }
  }

  record EndV2Case(String name, TxnMetadata current, long pid, short epoch, boolean commit, Errors error,
                   TxnState written, long answerPid, short answerEpoch) {}

  /** A value whose producer id is {@code pid} and whose previous one is {@code previousPid}. */
  static TxnMetadata withIds(TxnMetadata m, long pid, long previousPid) {
    return new TxnMetadata(m.transactionalId(), pid, previousPid, m.producerEpoch(), m.lastProducerEpoch(), m.timeoutMs(),
        m.state(), m.partitions(), m.txnStartMs(), m.lastUpdateMs());
  }

  @Test
  void endTxnV2BumpsTheEpochOnEveryCommitAndAbort() {
    short last = TxnStateMachine.MAX_USABLE_EPOCH;
    List<EndV2Case> cases = List.of(
        new EndV2Case("commit: Prepare at the next epoch, answered with it", meta(ONGOING, (short) 2, A0), PID, (short) 2,
            true, Errors.NONE, PREPARE_COMMIT, PID, (short) 3),
        new EndV2Case("abort: the same", meta(ONGOING, (short) 2, A0), PID, (short) 2, false, Errors.NONE, PREPARE_ABORT,
            PID, (short) 3),
        new EndV2Case("abort with no partition added (the produce never arrived)", meta(EMPTY, (short) 2), PID, (short) 2,
            false, Errors.NONE, PREPARE_ABORT, PID, (short) 3),
        new EndV2Case("abort after a completed commit, same epoch: the next transaction, empty",
            meta(COMPLETE_COMMIT, (short) 3), PID, (short) 3, false, Errors.NONE, PREPARE_ABORT, PID, (short) 4),
        new EndV2Case("abort after a completed abort, same epoch: the next transaction, empty",
            meta(COMPLETE_ABORT, (short) 3), PID, (short) 3, false, Errors.NONE, PREPARE_ABORT, PID, (short) 4),
        new EndV2Case("commit with nothing open", meta(EMPTY, (short) 2), PID, (short) 2, true, Errors.INVALID_TXN_STATE,
            null, -1, (short) -1),
        new EndV2Case("a retried commit (epoch one below) that completed", meta(COMPLETE_COMMIT, (short) 3), PID, (short) 2,
            true, Errors.NONE, null, PID, (short) 3),
        new EndV2Case("a retried abort that completed", meta(COMPLETE_ABORT, (short) 3), PID, (short) 2, false,
            Errors.NONE, null, PID, (short) 3),
        new EndV2Case("a retried commit still writing markers", meta(PREPARE_COMMIT, (short) 3, A0), PID, (short) 2, true,
            Errors.CONCURRENT_TRANSACTIONS, null, -1, (short) -1),
        new EndV2Case("a retried abort of a completed commit", meta(COMPLETE_COMMIT, (short) 3), PID, (short) 2, false,
            Errors.INVALID_TXN_STATE, null, -1, (short) -1),
        new EndV2Case("commit at the same epoch as a completed commit", meta(COMPLETE_COMMIT, (short) 3), PID, (short) 3,
            true, Errors.INVALID_TXN_STATE, null, -1, (short) -1),
        new EndV2Case("a zombie (older epoch) is fenced", meta(ONGOING, (short) 5, A0), PID, (short) 3, true,
            Errors.PRODUCER_FENCED, null, -1, (short) -1),
        new EndV2Case("two epochs below a completed one is fenced", meta(COMPLETE_COMMIT, (short) 5), PID, (short) 3, true,
            Errors.PRODUCER_FENCED, null, -1, (short) -1),
        new EndV2Case("another producer id", meta(ONGOING, (short) 2, A0), PID + 1, (short) 2, true,
            Errors.INVALID_PRODUCER_ID_MAPPING, null, -1, (short) -1),
        new EndV2Case("unknown id", null, PID, (short) 0, true, Errors.INVALID_PRODUCER_ID_MAPPING, null, -1, (short) -1),
        new EndV2Case("the last usable epoch: a new producer id at epoch 0 for the client",
            meta(ONGOING, last, A0), PID, last, true, Errors.NONE, PREPARE_COMMIT, NEW_PID, (short) 0),
        new EndV2Case("a retry after the new id: the old id at the last usable epoch is answered again",
            withIds(meta(COMPLETE_COMMIT, (short) 0), NEW_PID, PID), PID, last, true, Errors.NONE, null, NEW_PID, (short) 0));
    for (EndV2Case c : cases) {
      Step s = TxnStateMachine.endTxnV2(c.current(), c.pid(), c.epoch(), c.commit(), NOW, NEW_IDS);
      assertEquals(c.error(), s.error(), c.name());
      assertEquals(c.written(), s.write() == null ? null : s.write().state(), c.name());
      assertEquals(c.written() != null, s.sendMarkers(), c.name() + ": markers follow a Prepare write");
      if (c.written() != null) {
        assertEquals(c.current().producerEpoch() + 1, s.write().producerEpoch(), c.name() + ": markers carry the bumped epoch");
        assertEquals(c.current().producerEpoch(), s.write().lastProducerEpoch(), c.name());
      }
      if (c.answerPid() >= 0) {
        assertEquals(c.answerPid(), s.answer().producerId(), c.name());
        assertEquals(c.answerEpoch(), s.answer().producerEpoch(), c.name());
      }
    }
  }

  @Test
  void anExhaustedEpochHandsOverToTheNewProducerIdWhenTheMarkersAreWritten() {
    short last = TxnStateMachine.MAX_USABLE_EPOCH;
    TxnMetadata prepared = TxnStateMachine.endTxnV2(meta(ONGOING, last, A0), PID, last, false, NOW, NEW_IDS).write();
    // The markers go out with the old id at the epoch above the last usable one, which fences everything before.
    assertEquals(PID, prepared.producerId());
    assertEquals(Short.MAX_VALUE, prepared.producerEpoch());
    assertEquals(NEW_PID, prepared.nextProducerId());
    TxnMetadata done = TxnStateMachine.markersWritten(prepared, NOW + 1);
    assertEquals(COMPLETE_ABORT, done.state());
    assertEquals(NEW_PID, done.producerId());
    assertEquals(PID, done.previousProducerId());
    assertEquals(0, done.producerEpoch());
    assertEquals(-1, done.nextProducerId());
    assertThrows(IllegalArgumentException.class, () -> new TxnMetadata(ID, PID, -1, (short) 0, (short) -1, TIMEOUT_MS,
        COMPLETE_COMMIT, new TreeSet<>(), -1, NOW, NEW_PID), "only a Prepare state hands over to a new id");
  }
}
