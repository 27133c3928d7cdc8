package io.tributary.log.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.replication.FollowerFetchState.Action;
import io.tributary.log.replication.FollowerFetchState.Append;
import io.tributary.log.replication.FollowerFetchState.AskEpochEnd;
import io.tributary.log.replication.FollowerFetchState.AskLogStart;
import io.tributary.log.replication.FollowerFetchState.Backoff;
import io.tributary.log.replication.FollowerFetchState.Fetch;
import io.tributary.log.replication.FollowerFetchState.Idle;
import io.tributary.log.replication.FollowerFetchState.Retry;
import io.tributary.log.replication.FollowerFetchState.TruncateFullyAndStartAt;
import io.tributary.log.replication.FollowerFetchState.TruncateTo;
import java.util.Map;
import java.util.OptionalInt;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** The follower fetch loop's decisions, one table row per situation. */
class FollowerFetchStateTest {

  /** A local log: start, end, and epoch -> end offset (the latest epoch is the largest key). */
  private record Log(long start, long end, Map<Integer, Long> epochEnds) implements FollowerFetchState.LocalLog {
    @Override
    public long logEndOffset() {
      return end;
    }

    @Override
    public long logStartOffset() {
      return start;
    }

    @Override
    public OptionalInt latestEpoch() {
      return epochEnds.keySet().stream().mapToInt(Integer::intValue).max();
    }

    @Override
    public long endOffsetForEpoch(int epoch) {
      return epochEnds.getOrDefault(epoch, -1L);
    }
  }

  private static final Log EMPTY = new Log(0, 0, Map.of());
  private static final Log EPOCH_3_TO_150 = new Log(0, 150, Map.of(3, 150L));

  @Test
  void aNewLeaderEpochFirstAsksWhereOurEpochEnds() {
    FollowerFetchState s = new FollowerFetchState(5);
    assertEquals(new AskEpochEnd(5, 3), s.next(EPOCH_3_TO_150));
    assertTrue(s.needsTruncation());
  }

  @Test
  void anEmptyEpochHistoryFetchesAtOnce() {
    FollowerFetchState s = new FollowerFetchState(5);
    assertEquals(new Fetch(0, 0, 5, OptionalInt.empty()), s.next(EMPTY));
    assertFalse(s.needsTruncation());
  }

  @Test
  void noLocalLogMeansNothingToSend() {
    assertEquals(new Idle(), new FollowerFetchState(1).next(new Log(-1, -1, Map.of())));
  }

  @Test
  void theEpochAnswerTruncatesThenFetchesFromTheNewEnd() {
    FollowerFetchState s = new FollowerFetchState(5);
    s.next(EPOCH_3_TO_150);
    // The leader's epoch 3 ended at 120: our 120..149 never reached it.
    assertEquals(new TruncateTo(120), s.onEpochEndOffset(Errors.NONE, 3, 120, EPOCH_3_TO_150));
    assertEquals(new Fetch(120, 0, 5, OptionalInt.of(3)), s.next(new Log(0, 120, Map.of(3, 120L))));
  }

  @Test
  void anEpochQueryErrorKeepsTruncationPending() {
    for (Errors e : new Errors[] {Errors.FENCED_LEADER_EPOCH, Errors.UNKNOWN_LEADER_EPOCH, Errors.NOT_LEADER_OR_FOLLOWER}) {
      FollowerFetchState s = new FollowerFetchState(5);
      s.next(EPOCH_3_TO_150);
      assertEquals(new Backoff(e), s.onEpochEndOffset(e, -1, -1, EPOCH_3_TO_150));
      assertEquals(new AskEpochEnd(5, 3), s.next(EPOCH_3_TO_150), e.name());
    }
  }

  @Test
  void fetchAnswersTable() {
    Object[][] rows = {
        {Errors.NONE, new Append()},
        {Errors.OFFSET_OUT_OF_RANGE, new AskLogStart(5)},
        {Errors.FENCED_LEADER_EPOCH, new Backoff(Errors.FENCED_LEADER_EPOCH)},
        {Errors.UNKNOWN_LEADER_EPOCH, new Backoff(Errors.UNKNOWN_LEADER_EPOCH)},
        {Errors.NOT_LEADER_OR_FOLLOWER, new Backoff(Errors.NOT_LEADER_OR_FOLLOWER)},
        {Errors.UNKNOWN_TOPIC_OR_PARTITION, new Backoff(Errors.UNKNOWN_TOPIC_OR_PARTITION)},
        {Errors.KAFKA_STORAGE_ERROR, new Backoff(Errors.KAFKA_STORAGE_ERROR)},
    };
    for (Object[] row : rows) {
      assertEquals(row[1], new FollowerFetchState(5).onFetchResponse((Errors) row[0]), row[0].toString());
    }
  }

  @Test
  void leaderLogStartBeyondOursStartsOverThere() {
    FollowerFetchState s = new FollowerFetchState(5);
    Action a = s.onLogStart(500, new Log(0, 40, Map.of(2, 40L)));
    assertEquals(new TruncateFullyAndStartAt(500), a);
  }

  @Test
  void ourLogEndPastTheLeadersTruncatesAgain() {
    FollowerFetchState s = new FollowerFetchState(5);
    s.next(EMPTY); // truncation done
    assertEquals(new Retry(), s.onLogStart(0, EPOCH_3_TO_150));
    assertTrue(s.needsTruncation());
    assertEquals(new AskEpochEnd(5, 3), s.next(EPOCH_3_TO_150));
  }
}
