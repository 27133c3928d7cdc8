package io.tributary.log.replication;

import io.tributary.log.cluster.BrokerInfo;
import io.tributary.log.protocol.ClientSecurity;
import io.tributary.log.protocol.KafkaRpcClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.FetchSessionHandler;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Records;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;
import org.apache.kafka.common.utils.LogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The follower side of replication: one fetcher thread per leader broker, fetching every partition this
 * broker follows on that leader. Before its first fetch after a leadership change a partition is
 * truncated to the leader-epoch boundary (OffsetForLeaderEpoch), so divergent tails never survive. The
 * decisions are {@link FollowerFetchState}'s (one per partition); the threads here only do the I/O.
 */
public final class ReplicaFetcherManager implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReplicaFetcherManager.class);
  /** Fetch API version used between brokers: the last one that names topics rather than ids. */
  static final short FETCH_VERSION = 12;
  static final short OFFSET_FOR_LEADER_EPOCH_VERSION = 4;
  static final long BACKOFF_MS = 200;
  /** Fetch errors that only mean leadership is moving: back off quietly until the new metadata arrives. */
  private static final Set<Errors> EXPECTED_ON_LEADER_CHANGE = EnumSet.of(Errors.FENCED_LEADER_EPOCH,
      Errors.NOT_LEADER_OR_FOLLOWER, Errors.UNKNOWN_LEADER_EPOCH, Errors.UNKNOWN_TOPIC_OR_PARTITION);
  /** A leader's refusal of a fetch session: the next fetch is a full one, at once. */
  private static final Set<Errors> SESSION_ERRORS = EnumSet.of(Errors.FETCH_SESSION_ID_NOT_FOUND,
      Errors.INVALID_FETCH_SESSION_EPOCH);

  /** What the fetchers read and write locally. */
  public interface Sink {
    long logEndOffset(TopicPartition tp);

    long logStartOffset(TopicPartition tp);

    OptionalInt latestEpoch(TopicPartition tp);

    long endOffsetForEpoch(TopicPartition tp, int epoch);

    void truncateTo(TopicPartition tp, long offset) throws IOException;

    void truncateFullyAndStartAt(TopicPartition tp, long offset) throws IOException;

    void append(TopicPartition tp, MemoryRecords records, long leaderHighWatermark, long leaderLogStartOffset) throws IOException;
  }

  private final ClientSecurity security;
  private final int brokerId;
  private final int fetchMaxBytes;
  private final int fetchWaitMaxMs;
  private final int socketTimeoutMs;
  private final Sink sink;
  private final Map<Integer, FetcherThread> threads = new HashMap<>();
  private final Map<TopicPartition, Integer> leaderOf = new ConcurrentHashMap<>();
  private volatile FollowerThrottle throttle = FollowerThrottle.NONE;

  public ReplicaFetcherManager(int brokerId, int fetchMaxBytes, int fetchWaitMaxMs, int socketTimeoutMs, Sink sink) {
    this(brokerId, fetchMaxBytes, fetchWaitMaxMs, socketTimeoutMs, ClientSecurity.PLAINTEXT, sink);
  }

  /** Fetchers that connect to leaders' inter-broker listeners with {@code security} (TLS, SASL). */
  public ReplicaFetcherManager(int brokerId, int fetchMaxBytes, int fetchWaitMaxMs, int socketTimeoutMs, ClientSecurity security,
      Sink sink) {
    this.security = security;
    this.brokerId = brokerId;
    this.fetchMaxBytes = fetchMaxBytes;
    this.fetchWaitMaxMs = fetchWaitMaxMs;
    this.socketTimeoutMs = Math.max(socketTimeoutMs, fetchWaitMaxMs + 5000);
    this.sink = sink;
  }

  /** Limits the fetching of throttled replicas (follower.replication.throttled.rate). */
  public void setThrottle(FollowerThrottle throttle) {
    this.throttle = throttle;
  }

  /** Starts (or restarts, with truncation first) fetching {@code tp} from {@code leader} at {@code leaderEpoch}. */
  public synchronized void addPartition(TopicPartition tp, BrokerInfo leader, int leaderEpoch) {
    removePartition(tp);
    FetcherThread t = threads.get(leader.id());
    if (t != null && !t.leader.equals(leader)) {
      t.shutdown();
      threads.remove(leader.id());
      t.partitions.keySet().forEach(leaderOf::remove);
      t = null;
    }
    if (t == null) {
      t = new FetcherThread(leader);
      threads.put(leader.id(), t);
      t.start();
    }
    t.partitions.put(tp, new FollowerFetchState(leaderEpoch));
    leaderOf.put(tp, leader.id());
  }

  public synchronized void removePartition(TopicPartition tp) {
    Integer leader = leaderOf.remove(tp);
    if (leader != null) {
      FetcherThread t = threads.get(leader);
      if (t != null) {
        t.partitions.remove(tp);
      }
    }
  }

  public boolean isFetching(TopicPartition tp) {
    return leaderOf.containsKey(tp);
  }

  @Override
  public synchronized void close() {
    threads.values().forEach(FetcherThread::shutdown);
    threads.clear();
    leaderOf.clear();
  }

  /** The local log of {@code tp} as the pure fetch state machine reads it. */
  private LocalLogView localLog(TopicPartition tp) {
    return new LocalLogView(sink, tp);
  }

  private record LocalLogView(Sink sink, TopicPartition tp) implements FollowerFetchState.LocalLog {
    @Override
    public long logEndOffset() {
      return sink.logEndOffset(tp);
    }

    @Override
    public long logStartOffset() {
      return sink.logStartOffset(tp);
    }

    @Override
    public OptionalInt latestEpoch() {
      return sink.latestEpoch(tp);
    }

    @Override
    public long endOffsetForEpoch(int epoch) {
      return sink.endOffsetForEpoch(tp, epoch);
    }
  }

  private final class FetcherThread extends Thread {
    final BrokerInfo leader;
    final Map<TopicPartition, FollowerFetchState> partitions = new ConcurrentHashMap<>();
    final KafkaRpcClient client;
    /** This thread's incremental fetch session with the leader (KIP-227): kafka-clients' own bookkeeping. */
    final FetchSessionHandler session;
    volatile boolean running = true;

    FetcherThread(BrokerInfo leader) {
      super("replica-fetcher-" + brokerId + "-from-" + leader.id());
      setDaemon(true);
      this.leader = leader;
      this.client = new KafkaRpcClient(leader.host(), leader.port(), "replica-fetcher-" + brokerId, socketTimeoutMs, security);
      this.session = new FetchSessionHandler(new LogContext("[" + getName() + "] "), leader.id());
    }

    void shutdown() {
      running = false;
      interrupt();
      client.close();
    }

    @Override
    public void run() {
      while (running) {
        try {
          if (partitions.isEmpty()) {
            Thread.sleep(50);
            continue;
          }
          truncateWhereNeeded();
          fetchOnce();
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          if (!running) {
            return;
          }
          log.debug("fetch from broker {} failed: {}", leader.id(), e.toString());
          try {
            Thread.sleep(BACKOFF_MS);
          } catch (InterruptedException ie) {
            return;
          }
        }
      }
    }

    /** Sends one OffsetForLeaderEpoch for every partition whose state machine asks for one, and truncates. */
    private void truncateWhereNeeded() throws IOException {
      OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection topics = new OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection();
      Map<TopicPartition, FollowerFetchState> asked = new LinkedHashMap<>();
      for (Map.Entry<TopicPartition, FollowerFetchState> e : partitions.entrySet()) {
        TopicPartition tp = e.getKey();
        if (!(e.getValue().next(localLog(tp)) instanceof FollowerFetchState.AskEpochEnd ask)) {
          continue;
        }
        OffsetForLeaderEpochRequestData.OffsetForLeaderTopic topic = topics.find(tp.topic());
        if (topic == null) {
          topic = new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic(tp.topic());
          topics.add(topic);
        }
        topic.partitions().add(new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition()
            .setPartition(tp.partition()).setCurrentLeaderEpoch(ask.currentLeaderEpoch()).setLeaderEpoch(ask.ourLatestEpoch()));
        asked.put(tp, e.getValue());
      }
      if (asked.isEmpty()) {
        return;
      }
      OffsetsForLeaderEpochResponse response = client.send(
          OffsetsForLeaderEpochRequest.Builder.forFollower(OFFSET_FOR_LEADER_EPOCH_VERSION, topics, brokerId).build(OFFSET_FOR_LEADER_EPOCH_VERSION));
      for (OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult t : response.data().topics()) {
        for (OffsetForLeaderEpochResponseData.EpochEndOffset p : t.partitions()) {
          TopicPartition tp = new TopicPartition(t.topic(), p.partition());
          FollowerFetchState state = asked.get(tp);
          if (state == null || partitions.get(tp) != state) {
            continue;
          }
          Errors error = Errors.forCode(p.errorCode());
          FollowerFetchState.Action action = state.onEpochEndOffset(error, p.leaderEpoch(), p.endOffset(), localLog(tp));
          if (action instanceof FollowerFetchState.TruncateTo cut) {
            sink.truncateTo(tp, cut.offset());
          } else {
            // Asked again on the next round; fetchOnce skips the partition meanwhile.
            log.debug("OffsetForLeaderEpoch of {} from broker {}: {}", tp, leader.id(), error);
          }
        }
      }
    }

    /** Sends one Fetch for every partition whose state machine is ready to fetch, and carries out the answers. */
    private void fetchOnce() throws IOException, InterruptedException {
      FetchSessionHandler.Builder fetchData = session.newBuilder(partitions.size(), false);
      Map<TopicPartition, FollowerFetchState> sent = new HashMap<>();
      long heldBackBudget = -1; // what the follower quota lets this fetch's held-back partitions ask for together
      for (Map.Entry<TopicPartition, FollowerFetchState> e : partitions.entrySet()) {
        TopicPartition tp = e.getKey();
        int maxBytes = fetchMaxBytes;
        if (throttle.isHeldBack(tp)) {
          if (heldBackBudget < 0) {
            heldBackBudget = throttle.allowance(System.currentTimeMillis());
          }
          if (heldBackBudget == 0) {
            continue; // the follower quota has nothing left: left out until its allowance grows
          }
          maxBytes = (int) Math.min(fetchMaxBytes, heldBackBudget);
        }
        if (!(e.getValue().next(localLog(tp)) instanceof FollowerFetchState.Fetch f)) {
          continue;
        }
        if (throttle.isHeldBack(tp)) {
          heldBackBudget -= maxBytes;
        }
        fetchData.add(tp, new FetchRequest.PartitionData(Uuid.ZERO_UUID, f.fetchOffset(), f.logStartOffset(), maxBytes,
            Optional.of(f.currentLeaderEpoch()),
            f.lastFetchedEpoch().isPresent() ? Optional.of(f.lastFetchedEpoch().getAsInt()) : Optional.empty()));
        sent.put(tp, e.getValue());
      }
      if (sent.isEmpty()) {
        Thread.sleep(BACKOFF_MS);
        return;
      }
      // In the leader's fetch session only what changed is sent: new positions, and the partitions no longer fetched.
      FetchSessionHandler.FetchRequestData inSession = fetchData.build();
      FetchRequest request = FetchRequest.Builder.forReplica(FETCH_VERSION, brokerId, -1, fetchWaitMaxMs, 1, inSession.toSend())
          .removed(inSession.toForget()).replaced(inSession.toReplace()).metadata(inSession.metadata())
          .build(FETCH_VERSION);
      FetchResponse response;
      try {
        response = client.send(request);
      } catch (IOException | RuntimeException e) {
        session.handleError(e); // the next fetch is a full one
        throw e;
      }
      if (!session.handleResponse(response, FETCH_VERSION)) {
        // The leader lost or refused the session (a restart, an eviction), or answered outside it: the next fetch
        // opens a new session with every partition.
        if (!SESSION_ERRORS.contains(response.error())) {
          log.warn("fetch from broker {} answered outside its fetch session ({}): fetching everything again",
              leader.id(), response.error());
          Thread.sleep(BACKOFF_MS);
        }
        return;
      }
      boolean backoff = false;
      for (FetchResponseData.FetchableTopicResponse t : response.data().responses()) {
        for (FetchResponseData.PartitionData p : t.partitions()) {
          TopicPartition tp = new TopicPartition(t.topic(), p.partitionIndex());
          FollowerFetchState state = sent.get(tp);
          if (state == null || partitions.get(tp) != state) {
            continue; // removed or re-added meanwhile
          }
          Errors error = Errors.forCode(p.errorCode());
          FollowerFetchState.Action action = state.onFetchResponse(error);
          if (action instanceof FollowerFetchState.Append) {
            Records records = FetchResponse.recordsOrFail(p);
            MemoryRecords memory = records instanceof MemoryRecords m ? m : MemoryRecords.readableRecords(ByteBuffer.allocate(0));
            sink.append(tp, memory, p.highWatermark(), p.logStartOffset());
            throttle.fetched(tp, memory.sizeInBytes(), System.currentTimeMillis());
          } else if (action instanceof FollowerFetchState.AskLogStart ask) {
            askLogStart(tp, state, ask);
          } else if (action instanceof FollowerFetchState.Backoff b) {
            if (!EXPECTED_ON_LEADER_CHANGE.contains(b.reason())) {
              log.warn("fetch of {} from broker {} failed: {}", tp, leader.id(), b.reason());
            }
            backoff = true;
          } else {
            throw new IllegalStateException("unexpected fetch action " + action);
          }
        }
      }
      if (backoff) {
        Thread.sleep(BACKOFF_MS);
      }
    }

    /** OFFSET_OUT_OF_RANGE: the leader's log start decides between starting over there and truncating again. */
    private void askLogStart(TopicPartition tp, FollowerFetchState state, FollowerFetchState.AskLogStart ask) throws IOException {
      ListOffsetsRequestData.ListOffsetsTopic topic = new ListOffsetsRequestData.ListOffsetsTopic().setName(tp.topic());
      topic.partitions().add(new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(tp.partition())
          .setCurrentLeaderEpoch(ask.currentLeaderEpoch()).setTimestamp(ListOffsetsRequest.EARLIEST_TIMESTAMP));
      ListOffsetsResponse response = client.send(ListOffsetsRequest.Builder.forReplica((short) 4, brokerId)
          .setTargetTimes(new ArrayList<>(List.of(topic))).build((short) 4));
      long leaderStart = response.data().topics().get(0).partitions().get(0).offset();
      if (state.onLogStart(leaderStart, localLog(tp)) instanceof FollowerFetchState.TruncateFullyAndStartAt start) {
        sink.truncateFullyAndStartAt(tp, start.offset());
      }
    }
  }
}
