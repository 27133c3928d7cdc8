package io.tributary.log.broker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * Incremental fetch sessions (KIP-227) for replica fetchers. A follower's first fetch (epoch 0) names every
 * partition it follows here and opens a session; each later fetch names only the partitions whose fetch
 * position changed (and forgets those it stopped following), and the answer holds only the partitions with
 * something new: records, an error, or a moved high watermark, last stable offset or log start. With
 * {@code __consumer_offsets} and {@code __transaction_state} a follower fetches some 40 partitions from each
 * leader, and a transaction makes several fetch rounds: without sessions every round encodes, decodes and
 * walks all of them on both sides.
 *
 * <p>The decisions are Kafka's ({@code FetchManager.newContext}): epoch -1 is a sessionless full fetch (and
 * closes the named session); epoch 0 opens a session (closing the named one); a positive epoch must name a
 * live session at exactly its next epoch, else FETCH_SESSION_ID_NOT_FOUND or INVALID_FETCH_SESSION_EPOCH,
 * to which kafka-clients' {@code FetchSessionHandler} answers with a new full fetch. Consumers are answered
 * without a session (session id 0), which clients accept by sending full fetches.
 *
 * <p>No I/O: {@code W} is what the fetch handler keeps per partition (its resolved request).
 */
final class FetchSessions<W> {
  /** Kafka's {@code max.incremental.fetch.session.cache.slots} default. */
  static final int MAX_SESSIONS = 1_000;
  /** A full cache gives up a session only when it has been unused this long (Kafka: min.incremental.fetch.session.eviction.ms). */
  static final long EVICTABLE_AFTER_MS = 120_000;
  static final int INITIAL_EPOCH = 0;
  static final int FINAL_EPOCH = -1;
  static final int NO_SESSION = 0;

  /** What the handler does with one fetch. */
  sealed interface Context<W> {}

  /** Read the request's partitions and answer all of them, with session id 0. */
  record Sessionless<W>() implements Context<W> {}

  /** Answer this top-level error at once, with no partitions. */
  record Refused<W>(Errors error) implements Context<W> {}

  /**
   * Read {@code session}'s partitions (in {@code toRead}), answer through {@link Session#filter}: all of them
   * when {@code full} (the session was just opened), else only those with something new.
   */
  record InSession<W>(Session<W> session, List<W> toRead, boolean full) implements Context<W> {}

  /** What a partition's last answer in a session told the follower. */
  record Sent(long highWatermark, long lastStableOffset, long logStartOffset) {}

  /** One follower's session: the partitions it fetches and what it was last told about each. */
  static final class Session<W> {
    final int id;
    final int replicaId;
    /** The epoch the next incremental fetch must carry (the fetch that opens the session moves it to 1). */
    private int nextEpoch = INITIAL_EPOCH;
    private long lastUsedMs;
    private final LinkedHashMap<TopicPartition, W> partitions = new LinkedHashMap<>();
    private final Map<TopicPartition, Sent> sent = new HashMap<>();

    Session(int id, int replicaId, long nowMs) {
      this.id = id;
      this.replicaId = replicaId;
      this.lastUsedMs = nowMs;
    }

    synchronized int size() {
      return partitions.size();
    }

    synchronized int nextEpoch() {
      return nextEpoch;
    }

    /**
     * Whether the answer must carry a partition (and if so records what it says): always in a full answer;
     * in an incremental one when it has records or an error, or its high watermark, last stable offset or
     * log start moved since the last answer that carried it.
     */
    synchronized boolean mustAnswer(TopicPartition tp, boolean full, boolean hasRecordsOrError, Sent now) {
      if (!partitions.containsKey(tp)) {
        return true; // forgotten meanwhile by a newer request: answered (the client ignores it), not recorded
      }
      Sent before = sent.put(tp, now);
      return full || hasRecordsOrError || !now.equals(before);
    }

    private synchronized List<W> update(Map<TopicPartition, W> requested, Collection<TopicPartition> forgotten, long nowMs) {
      partitions.putAll(requested);
      for (TopicPartition tp : forgotten) {
        partitions.remove(tp);
        sent.remove(tp);
      }
      nextEpoch = nextEpoch == Integer.MAX_VALUE ? 1 : nextEpoch + 1;
      lastUsedMs = nowMs;
      return new ArrayList<>(partitions.values());
    }
  }

  private final Map<Integer, Session<W>> sessions = new LinkedHashMap<>(16, 0.75f, true); // access order: LRU first
  private final int maxSessions;
  private final long evictableAfterMs;

  FetchSessions() {
    this(MAX_SESSIONS, EVICTABLE_AFTER_MS);
  }

  FetchSessions(int maxSessions, long evictableAfterMs) {
    this.maxSessions = maxSessions;
    this.evictableAfterMs = evictableAfterMs;
  }

  synchronized int size() {
    return sessions.size();
  }

  /**
   * The context of a fetch from {@code replicaId} (negative for a consumer) carrying session {@code sessionId}
   * at {@code epoch}, naming {@code requested} and forgetting {@code forgotten}.
   */
  synchronized Context<W> open(int replicaId, int sessionId, int epoch, Map<TopicPartition, W> requested,
      Collection<TopicPartition> forgotten, long nowMs) {
    if (epoch == INITIAL_EPOCH || epoch == FINAL_EPOCH) {
      if (sessionId != NO_SESSION) {
        sessions.remove(sessionId); // the client closes it (and may open another)
      }
      if (epoch == FINAL_EPOCH || replicaId < 0 || !makeRoom(nowMs)) {
        return new Sessionless<>();
      }
      Session<W> session = new Session<>(newId(), replicaId, nowMs);
      sessions.put(session.id, session);
      return new InSession<>(session, session.update(requested, List.of(), nowMs), true);
    }
    Session<W> session = sessions.get(sessionId);
    if (session == null || session.replicaId != replicaId) {
      return new Refused<>(Errors.FETCH_SESSION_ID_NOT_FOUND);
    }
    if (session.nextEpoch() != epoch) {
      return new Refused<>(Errors.INVALID_FETCH_SESSION_EPOCH);
    }
    return new InSession<>(session, session.update(requested, forgotten, nowMs), false);
  }

  /** Room for one more session: true when there is, or when the least recently used one was idle long enough. */
  private boolean makeRoom(long nowMs) {
    if (sessions.size() < maxSessions) {
      return true;
    }
    Iterator<Session<W>> lru = sessions.values().iterator();
    Session<W> oldest = lru.next();
    if (nowMs - oldest.lastUsedMs < evictableAfterMs) {
      return false;
    }
    lru.remove();
    return true;
  }

  private int newId() {
    int id;
    do {
      id = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
    } while (sessions.containsKey(id));
    return id;
  }
}
