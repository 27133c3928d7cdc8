package io.tributary.log.replication;

import io.tributary.log.cluster.BrokerInfo;
import io.tributary.log.protocol.ClientSecurity;
import io.tributary.log.protocol.KafkaRpcClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The follower side of replication: one fetcher thread per leader broker, fetching every partition this
 * broker follows on that leader. Before its first fetch after a leadership change a partition is
 * truncated to the leader-epoch boundary (OffsetForLeaderEpoch), so divergent tails never survive.
 */
public final class ReplicaFetcherManager implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReplicaFetcherManager.class);
  /** Fetch API version used between brokers: the last one that names topics rather than ids. */
  static final short FETCH_VERSION = 12;
  static final short OFFSET_FOR_LEADER_EPOCH_VERSION = 4;
  static final long BACKOFF_MS = 200;

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
    t.partitions.put(tp, new FetchState(leaderEpoch));
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

  private static final class FetchState {
    final int leaderEpoch;
    volatile boolean needsTruncation = true;

    FetchState(int leaderEpoch) {
      this.leaderEpoch = leaderEpoch;
    }
  }

  private final class FetcherThread extends Thread {
    final BrokerInfo leader;
    final Map<TopicPartition, FetchState> partitions = new ConcurrentHashMap<>();
    final KafkaRpcClient client;
    volatile boolean running = true;

    FetcherThread(BrokerInfo leader) {
      super("replica-fetcher-" + brokerId + "-from-" + leader.id());
      setDaemon(true);
      this.leader = leader;
      this.client = new KafkaRpcClient(leader.host(), leader.port(), "replica-fetcher-" + brokerId, socketTimeoutMs, security);
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

    private void truncateWhereNeeded() throws IOException {
      OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection topics = new OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection();
      Map<TopicPartition, FetchState> asked = new LinkedHashMap<>();
      for (Map.Entry<TopicPartition, FetchState> e : partitions.entrySet()) {
        if (!e.getValue().needsTruncation) {
          continue;
        }
        TopicPartition tp = e.getKey();
        OptionalInt ours = sink.latestEpoch(tp);
        if (ours.isEmpty()) {
          e.getValue().needsTruncation = false;
          continue;
        }
        OffsetForLeaderEpochRequestData.OffsetForLeaderTopic topic = topics.find(tp.topic());
        if (topic == null) {
          topic = new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic(tp.topic());
          topics.add(topic);
        }
        topic.partitions().add(new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition()
            .setPartition(tp.partition()).setCurrentLeaderEpoch(e.getValue().leaderEpoch).setLeaderEpoch(ours.getAsInt()));
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
          FetchState state = asked.get(tp);
          if (state == null || partitions.get(tp) != state) {
            continue;
          }
          if (p.errorCode() != Errors.NONE.code()) {
            log.debug("OffsetForLeaderEpoch of {} from broker {}: {}", tp, leader.id(), Errors.forCode(p.errorCode()));
            continue;
          }
          long leo = sink.logEndOffset(tp);
          long cut = Truncation.truncationOffset(sink.latestEpoch(tp), leo, p.leaderEpoch(), p.endOffset(),
              epoch -> sink.endOffsetForEpoch(tp, epoch));
          sink.truncateTo(tp, cut);
          state.needsTruncation = false;
        }
      }
    }

    private void fetchOnce() throws IOException, InterruptedException {
      Map<TopicPartition, FetchRequest.PartitionData> fetchData = new LinkedHashMap<>();
      Map<TopicPartition, FetchState> sent = new HashMap<>();
      for (Map.Entry<TopicPartition, FetchState> e : partitions.entrySet()) {
        if (e.getValue().needsTruncation) {
          continue;
        }
        TopicPartition tp = e.getKey();
        if (throttle.shouldThrottle(tp, System.currentTimeMillis())) {
          continue; // over the follower quota: left out until the measured rate falls
        }
        long leo = sink.logEndOffset(tp);
        if (leo < 0) {
          continue;
        }
        OptionalInt lastEpoch = sink.latestEpoch(tp);
        fetchData.put(tp, new FetchRequest.PartitionData(Uuid.ZERO_UUID, leo, sink.logStartOffset(tp), fetchMaxBytes,
            Optional.of(e.getValue().leaderEpoch),
            lastEpoch.isPresent() ? Optional.of(lastEpoch.getAsInt()) : Optional.empty()));
        sent.put(tp, e.getValue());
      }
      if (fetchData.isEmpty()) {
        Thread.sleep(BACKOFF_MS);
        return;
      }
      FetchRequest request = FetchRequest.Builder.forReplica(FETCH_VERSION, brokerId, -1, fetchWaitMaxMs, 1, fetchData)
          .build(FETCH_VERSION);
      FetchResponse response = client.send(request);
      boolean backoff = false;
      for (FetchResponseData.FetchableTopicResponse t : response.data().responses()) {
        for (FetchResponseData.PartitionData p : t.partitions()) {
          TopicPartition tp = new TopicPartition(t.topic(), p.partitionIndex());
          FetchState state = sent.get(tp);
          if (state == null || partitions.get(tp) != state) {
            continue; // removed or re-added meanwhile
          }
          Errors error = Errors.forCode(p.errorCode());
          switch (error) {
            case NONE -> {
              Records records = FetchResponse.recordsOrFail(p);
              MemoryRecords memory = records instanceof MemoryRecords m ? m : MemoryRecords.readableRecords(ByteBuffer.allocate(0));
              sink.append(tp, memory, p.highWatermark(), p.logStartOffset());
              throttle.fetched(tp, memory.sizeInBytes(), System.currentTimeMillis());
            }
            case OFFSET_OUT_OF_RANGE -> handleOutOfRange(tp, state);
            case FENCED_LEADER_EPOCH, NOT_LEADER_OR_FOLLOWER, UNKNOWN_LEADER_EPOCH, UNKNOWN_TOPIC_OR_PARTITION -> backoff = true;
            default -> {
              log.warn("fetch of {} from broker {} failed: {}", tp, leader.id(), error);
              backoff = true;
            }
          }
        }
      }
      if (backoff) {
        Thread.sleep(BACKOFF_MS);
      }
    }

    /** Our log end is outside the leader's log: start over at the leader's log start, or truncate again. */
    private void handleOutOfRange(TopicPartition tp, FetchState state) throws IOException {
      ListOffsetsRequestData.ListOffsetsTopic topic = new ListOffsetsRequestData.ListOffsetsTopic().setName(tp.topic());
      topic.partitions().add(new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(tp.partition())
          .setCurrentLeaderEpoch(state.leaderEpoch).setTimestamp(ListOffsetsRequest.EARLIEST_TIMESTAMP));
      ListOffsetsResponse response = client.send(ListOffsetsRequest.Builder.forReplica((short) 4, brokerId)
          .setTargetTimes(new ArrayList<>(List.of(topic))).build((short) 4));
      long leaderStart = response.data().topics().get(0).partitions().get(0).offset();
      long ours = sink.logEndOffset(tp);
      if (leaderStart > ours) {
        sink.truncateFullyAndStartAt(tp, leaderStart);
      } else {
        state.needsTruncation = true;
      }
    }
  }
}
