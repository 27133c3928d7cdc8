package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.broker.FetchSessions.Context;
import io.tributary.log.broker.FetchSessions.InSession;
import io.tributary.log.broker.FetchSessions.Refused;
import io.tributary.log.broker.FetchSessions.Sent;
import io.tributary.log.broker.FetchSessions.Sessionless;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** The fetch-session decisions (KIP-227, Kafka's FetchManager.newContext) as a table, and the answer filter. */
class FetchSessionsTest {
  private static final int FOLLOWER = 2;
  private static final int CONSUMER = -1;
  private static final TopicPartition A0 = new TopicPartition("a", 0);
  private static final TopicPartition A1 = new TopicPartition("a", 1);
  private static final TopicPartition B0 = new TopicPartition("b", 0);

  private static Map<TopicPartition, String> named(TopicPartition... tps) {
    Map<TopicPartition, String> out = new LinkedHashMap<>();
    for (TopicPartition tp : tps) {
      out.put(tp, tp + "@request");
    }
    return out;
  }

  /** One row: who asks, with which session id and epoch, and what the context must be. */
  private record Row(String why, int replicaId, int sessionId, int epoch, Class<?> expected, Errors error) {}

  @Test
  void decisionsForEachKindOfFetch() {
    FetchSessions<String> sessions = new FetchSessions<>();
    InSession<String> open = (InSession<String>) sessions.open(FOLLOWER, 0, 0, named(A0, A1), List.of(), 0);
    int id = open.session().id;
    List<Row> rows = List.of(
        new Row("a consumer's first fetch: no session for consumers", CONSUMER, 0, 0, Sessionless.class, null),
        new Row("a consumer's sessionless fetch", CONSUMER, 0, -1, Sessionless.class, null),
        new Row("a consumer naming a session it was never given", CONSUMER, id, 1, Refused.class, Errors.FETCH_SESSION_ID_NOT_FOUND),
        new Row("another replica naming this follower's session", 3, id, 1, Refused.class, Errors.FETCH_SESSION_ID_NOT_FOUND),
        new Row("an unknown session", FOLLOWER, id + 1, 1, Refused.class, Errors.FETCH_SESSION_ID_NOT_FOUND),
        new Row("an epoch ahead of the session's", FOLLOWER, id, 2, Refused.class, Errors.INVALID_FETCH_SESSION_EPOCH),
        new Row("the next epoch", FOLLOWER, id, 1, InSession.class, null),
        new Row("the same epoch again (a retried request)", FOLLOWER, id, 1, Refused.class, Errors.INVALID_FETCH_SESSION_EPOCH),
        new Row("the epoch after", FOLLOWER, id, 2, InSession.class, null),
        new Row("epoch -1 closes the session: a sessionless full fetch", FOLLOWER, id, -1, Sessionless.class, null),
        new Row("the closed session is gone", FOLLOWER, id, 3, Refused.class, Errors.FETCH_SESSION_ID_NOT_FOUND));
    for (Row row : rows) {
      Context<String> c = sessions.open(row.replicaId(), row.sessionId(), row.epoch(), named(A0), List.of(), 1);
      assertInstanceOf(row.expected(), c, row.why());
      if (row.error() != null) {
        assertEquals(row.error(), ((Refused<String>) c).error(), row.why());
      }
      if (c instanceof InSession<String> in) {
        assertFalse(in.full(), row.why() + ": incremental");
        assertEquals(id, in.session().id, row.why());
      }
    }
    assertEquals(0, sessions.size());
  }

  @Test
  void epochZeroOpensASessionWithEveryPartitionAndClosesTheNamedOne() {
    FetchSessions<String> sessions = new FetchSessions<>();
    InSession<String> first = (InSession<String>) sessions.open(FOLLOWER, 0, 0, named(A0, A1), List.of(), 0);
    assertTrue(first.full());
    assertEquals(List.of("a-0@request", "a-1@request"), first.toRead());
    assertEquals(1, first.session().nextEpoch());

    // kafka-clients' FetchSessionHandler after an error: epoch 0 with the old id closes it and opens another.
    InSession<String> second = (InSession<String>) sessions.open(FOLLOWER, first.session().id, 0, named(B0), List.of(), 1);
    assertNotEquals(first.session().id, second.session().id);
    assertEquals(List.of("b-0@request"), second.toRead());
    assertEquals(1, sessions.size());
    assertInstanceOf(Refused.class, sessions.open(FOLLOWER, first.session().id, 1, named(), List.of(), 2));
  }

  @Test
  void anIncrementalFetchUpdatesAddsAndForgetsPartitionsAndReadsTheWholeSession() {
    FetchSessions<String> sessions = new FetchSessions<>();
    int id = ((InSession<String>) sessions.open(FOLLOWER, 0, 0, named(A0, A1), List.of(), 0)).session().id;
    Map<TopicPartition, String> changed = new LinkedHashMap<>();
    changed.put(A1, "a-1@moved");
    changed.put(B0, "b-0@new");
    InSession<String> next = (InSession<String>) sessions.open(FOLLOWER, id, 1, changed, List.of(A0), 1);
    assertEquals(List.of("a-1@moved", "b-0@new"), next.toRead(), "A0 forgotten, A1 updated in place, B0 added");
    InSession<String> unchanged = (InSession<String>) sessions.open(FOLLOWER, id, 2, named(), List.of(), 2);
    assertEquals(List.of("a-1@moved", "b-0@new"), unchanged.toRead(), "nothing named: the session's positions");
  }

  @Test
  void theAnswerCarriesAPartitionOnlyWhenItHasSomethingNew() {
    FetchSessions<String> sessions = new FetchSessions<>();
    InSession<String> open = (InSession<String>) sessions.open(FOLLOWER, 0, 0, named(A0, A1), List.of(), 0);
    FetchSessions.Session<String> s = open.session();
    Sent start = new Sent(10, 10, 0);
    assertTrue(s.mustAnswer(A0, true, false, start), "a full answer carries everything");
    assertTrue(s.mustAnswer(A1, true, false, start));

    assertFalse(s.mustAnswer(A0, false, false, start), "nothing moved");
    assertTrue(s.mustAnswer(A0, false, true, start), "records or an error");
    assertTrue(s.mustAnswer(A0, false, false, new Sent(11, 10, 0)), "the high watermark moved");
    assertFalse(s.mustAnswer(A0, false, false, new Sent(11, 10, 0)), "and was told");
    assertTrue(s.mustAnswer(A0, false, false, new Sent(11, 11, 0)), "the last stable offset moved");
    assertTrue(s.mustAnswer(A0, false, false, new Sent(11, 11, 5)), "the log start moved");
    assertFalse(s.mustAnswer(A1, false, false, start), "the other partition did not move");
  }

  @Test
  void aForgottenAndReAddedPartitionIsAnsweredAgain() {
    FetchSessions<String> sessions = new FetchSessions<>();
    InSession<String> open = (InSession<String>) sessions.open(FOLLOWER, 0, 0, named(A0), List.of(), 0);
    Sent state = new Sent(10, 10, 0);
    open.session().mustAnswer(A0, true, false, state);
    int id = open.session().id;
    sessions.open(FOLLOWER, id, 1, named(), List.of(A0), 1);
    sessions.open(FOLLOWER, id, 2, named(A0), List.of(), 2);
    assertTrue(open.session().mustAnswer(A0, false, false, state), "what it was told before it left no longer counts");
  }

  @Test
  void aFullCacheEvictsOnlyASessionIdleLongEnough() {
    FetchSessions<String> sessions = new FetchSessions<>(2, 1_000);
    int first = ((InSession<String>) sessions.open(FOLLOWER, 0, 0, named(A0), List.of(), 0)).session().id;
    sessions.open(3, 0, 0, named(A0), List.of(), 500);
    assertInstanceOf(Sessionless.class, sessions.open(4, 0, 0, named(A0), List.of(), 900),
        "full, and the least recently used session was used 900 ms ago: answered without a session");
    assertInstanceOf(InSession.class, sessions.open(4, 0, 0, named(A0), List.of(), 1_000), "idle 1 s: evicted");
    assertEquals(2, sessions.size());
    assertEquals(Errors.FETCH_SESSION_ID_NOT_FOUND,
        ((Refused<String>) sessions.open(FOLLOWER, first, 1, named(), List.of(), 1_001)).error());
  }
}
