package io.tributary.log.broker;

import io.tributary.log.cluster.ClusterImage;
import io.tributary.log.cluster.TopicInfo;
import io.tributary.log.protocol.KafkaRequest;
import io.tributary.log.storage.AbortedTxn;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Records;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetch with long polling: answers at once when {@code min.bytes} are available or an error occurred,
 * otherwise parks the request until data arrives or {@code max.wait.ms} passes. Records go out as file
 * slices (zero copy). A read_committed consumer ({@code isolation_level=1}) reads up to the last stable offset and
 * gets the aborted transactions of what it read, whose records it then skips itself (as with Kafka). Replica fetchers
 * get incremental fetch sessions ({@link FetchSessions}); consumers are answered with session id 0, which clients accept
 * by sending full requests.
 */
final class FetchHandler {
  private static final Logger log = LoggerFactory.getLogger(FetchHandler.class);
  private final ReplicaManager replicas;
  /** Replica fetchers' incremental fetch sessions (KIP-227). */
  private final FetchSessions<Wanted> sessions = new FetchSessions<>();

  FetchHandler(ReplicaManager replicas) {
    this.replicas = replicas;
  }

  /** One partition of the request, resolved to a name. */
  private record Wanted(TopicPartition tp, Uuid topicId, FetchRequestData.FetchPartition request, Errors resolveError) {}

  CompletableFuture<ApiMessage> handle(KafkaRequest request, TopicAccess access) {
    FetchRequestData data = request.data();
    short version = request.version();
    ClusterImage image = replicas.image();
    int replicaId = version <= 14 ? data.replicaId() : data.replicaState().replicaId();
    boolean isReplica = replicaId >= 0;
    // A fetch with a replica id moves the leader's view of the follower (and so the high watermark): only a
    // principal with CLUSTER_ACTION may send one; anyone else gets every partition refused, as from Kafka.
    boolean forgedReplica = isReplica && !access.mayActAsBroker();
    List<Wanted> wanted = new ArrayList<>();
    for (FetchRequestData.FetchTopic topic : data.topics()) {
      String name = topic.topic();
      Errors err = Errors.NONE;
      if (version >= 13) {
        TopicInfo info = image.topicById(topic.topicId()).orElse(null);
        name = info == null ? "" : info.name();
        if (info == null) {
          err = Errors.UNKNOWN_TOPIC_ID;
        }
      }
      if (forgedReplica || (!isReplica && err == Errors.NONE && !access.mayRead(name))) {
        err = Errors.TOPIC_AUTHORIZATION_FAILED;
      }
      for (FetchRequestData.FetchPartition p : topic.partitions()) {
        wanted.add(new Wanted(new TopicPartition(name, p.partition()), topic.topicId(), p, err));
      }
    }
    FetchSessions.Context<Wanted> session = sessions.open(isReplica && !forgedReplica ? replicaId : -1,
        version >= 7 ? data.sessionId() : FetchSessions.NO_SESSION,
        version >= 7 ? data.sessionEpoch() : FetchSessions.FINAL_EPOCH, requested(wanted),
        version >= 7 ? forgotten(data, version, image) : List.of(), System.currentTimeMillis());
    if (session instanceof FetchSessions.Refused<Wanted> refused) {
      return CompletableFuture.completedFuture(new FetchResponseData().setErrorCode(refused.error().code()).setSessionId(0));
    }
    List<Wanted> toRead = session instanceof FetchSessions.InSession<Wanted> in ? in.toRead() : wanted;
    if (isReplica && !forgedReplica) {
      // A follower's fetch offset is its log end: the leader's state machine learns it first (unless the
      // fetch names another leader epoch, which the read below refuses). In a session, every partition of the
      // session counts as fetched again at its last named position, as in Kafka: a caught-up follower that has
      // nothing new to name stays caught up.
      for (Wanted w : toRead) {
        if (w.resolveError() == Errors.NONE) {
          replicas.onFollowerFetch(w.tp(), replicaId, w.request().fetchOffset(), version >= 9 ? w.request().currentLeaderEpoch() : -1);
          replicas.onFollowerLogStartOffset(w.tp(), replicaId, w.request().logStartOffset());
        }
      }
    }
    int maxBytes = version >= 3 ? data.maxBytes() : Integer.MAX_VALUE;
    int minBytes = data.minBytes();

    FetchIsolation isolation = FetchIsolation.of(isReplica, version >= 4 ? data.isolationLevel() : 0);
    int follower = isReplica && !forgedReplica ? replicaId : -1;
    Attempt first = read(toRead, maxBytes, isolation, version, follower);
    if (first.bytes >= minBytes || first.hasError || data.maxWaitMs() <= 0 || toRead.isEmpty()) {
      return CompletableFuture.completedFuture(sent(first, isReplica, session));
    }
    CompletableFuture<ApiMessage> future = new CompletableFuture<>();
    List<TopicPartition> tps = toRead.stream().map(Wanted::tp).toList();
    Purgatory.Waiter waiter = new Purgatory.Waiter(tps,
        () -> {
          Attempt again = read(toRead, maxBytes, isolation, version, follower);
          if (again.bytes >= minBytes || again.hasError) {
            future.complete(sent(again, isReplica, session));
            return true;
          }
          return false;
        },
        () -> future.complete(sent(read(toRead, maxBytes, isolation, version, follower), isReplica, session)));
    if (!replicas.fetchPurgatory().park(waiter, data.maxWaitMs())) {
      return CompletableFuture.completedFuture(sent(first, isReplica, session));
    }
    return future;
  }

  private static Map<TopicPartition, Wanted> requested(List<Wanted> wanted) {
    Map<TopicPartition, Wanted> out = new LinkedHashMap<>();
    for (Wanted w : wanted) {
      out.put(w.tp(), w);
    }
    return out;
  }

  /** The partitions an incremental fetch stops fetching (by name up to v12, by topic id from v13). */
  private static List<TopicPartition> forgotten(FetchRequestData data, short version, ClusterImage image) {
    List<TopicPartition> out = new ArrayList<>();
    for (FetchRequestData.ForgottenTopic t : data.forgottenTopicsData()) {
      String name = version >= 13 ? image.topicById(t.topicId()).map(TopicInfo::name).orElse("") : t.topic();
      for (int p : t.partitions()) {
        out.add(new TopicPartition(name, p));
      }
    }
    return out;
  }

  /**
   * One read of the wanted partitions; {@code topicBytes} is what it holds per topic, for the bytes-out meter;
   * {@code order} names the response's partitions in order.
   */
  private record Attempt(FetchResponseData response, long bytes, boolean hasError, Map<String, Long> topicBytes,
      List<TopicPartition> order) {}

  /**
   * The attempt that is answered: counted as bytes out when a consumer (not a follower) fetched it; in a fetch
   * session, without the partitions that have nothing new, and with the session's id.
   */
  private FetchResponseData sent(Attempt attempt, boolean isReplica, FetchSessions.Context<Wanted> session) {
    if (!isReplica) {
      attempt.topicBytes.forEach((topic, bytes) -> replicas.metrics().sentToConsumers(topic, bytes));
    }
    if (session instanceof FetchSessions.InSession<Wanted> in) {
      int i = 0;
      for (Iterator<FetchResponseData.FetchableTopicResponse> topics = attempt.response.responses().iterator(); topics.hasNext(); ) {
        FetchResponseData.FetchableTopicResponse topic = topics.next();
        for (Iterator<FetchResponseData.PartitionData> it = topic.partitions().iterator(); it.hasNext(); ) {
          FetchResponseData.PartitionData p = it.next();
          boolean news = p.errorCode() != Errors.NONE.code() || (p.records() != null && p.records().sizeInBytes() > 0);
          if (!in.session().mustAnswer(attempt.order.get(i++), in.full(), news,
              new FetchSessions.Sent(p.highWatermark(), p.lastStableOffset(), p.logStartOffset()))) {
            it.remove();
          }
        }
        if (topic.partitions().isEmpty()) {
          topics.remove();
        }
      }
      attempt.response.setSessionId(in.session().id);
    }
    return attempt.response;
  }

  /**
   * One read; {@code follower} is the fetching replica's id (-1 for consumers). For a follower not in a partition's ISR,
   * a partition under the leader replication throttle gets no more than the leader quota's allowance, shared by the
   * held-back partitions of this answer (nothing while the allowance is empty).
   */
  private Attempt read(List<Wanted> wanted, int maxBytes, FetchIsolation isolation, short version, int follower) {
    ReplicationThrottles throttles = replicas.throttles();
    long now = System.currentTimeMillis();
    long throttledBytes = 0;
    long heldBackBudget = -1; // the leader quota's allowance for this answer's held-back partitions, read once
    FetchResponseData response = new FetchResponseData().setSessionId(0);
    FetchResponseData.FetchableTopicResponse current = null;
    long total = 0;
    Map<String, Long> topicBytes = new HashMap<>();
    List<TopicPartition> order = new ArrayList<>(wanted.size());
    boolean hasError = false;
    int remaining = maxBytes;
    for (Wanted w : wanted) {
      if (current == null || !sameTopic(current, w, version)) {
        current = new FetchResponseData.FetchableTopicResponse();
        if (version >= 13) {
          current.setTopicId(w.topicId());
        } else {
          current.setTopic(w.tp().topic());
        }
        response.responses().add(current);
      }
      FetchResponseData.PartitionData out = new FetchResponseData.PartitionData()
          .setPartitionIndex(w.tp().partition())
          .setRecords(MemoryRecords.EMPTY);
      if (w.resolveError() != Errors.NONE) {
        out.setErrorCode(w.resolveError().code()).setHighWatermark(-1);
        hasError = true;
      } else {
        try {
          int epoch = version >= 9 ? w.request().currentLeaderEpoch() : -1;
          int partitionMax = Math.min(w.request().partitionMaxBytes(), Math.max(remaining, 0));
          // At least one whole batch for the first partition with data, so that a batch larger than
          // the limits still makes progress (KIP-74).
          boolean minOne = version >= 3 && total == 0;
          boolean leaderThrottled = follower >= 0 && throttles.isLeaderThrottled(w.tp());
          boolean heldBack = leaderThrottled && throttles.isLeaderHeldBack(w.tp(), follower);
          if (heldBack) {
            if (heldBackBudget < 0) {
              heldBackBudget = throttles.leaderAllowance(now);
            }
            // No more than the leader quota has left for held-back replicas; nothing (not even KIP-74's one batch)
            // while it has nothing left.
            partitionMax = (int) Math.min(partitionMax, heldBackBudget);
            minOne &= partitionMax > 0;
          }
          ReplicaManager.ReadResult r = replicas.read(w.tp(), epoch, w.request().fetchOffset(), partitionMax, minOne, isolation);
          Records records = r.records();
          int size = records.sizeInBytes();
          if (leaderThrottled) {
            throttledBytes += size;
          }
          if (heldBack) {
            heldBackBudget = Math.max(0, heldBackBudget - size);
          }
          total += size;
          if (size > 0) {
            topicBytes.merge(w.tp().topic(), (long) size, Long::sum);
          }
          remaining -= size;
          out.setHighWatermark(r.highWatermark()).setRecords(records);
          if (version >= 4) {
            out.setLastStableOffset(r.lastStableOffset());
            if (isolation == FetchIsolation.TXN_COMMITTED) {
              out.setAbortedTransactions(abortedTransactions(r.abortedTransactions()));
            }
          }
          if (version >= 5) {
            out.setLogStartOffset(r.logStartOffset());
          }
        } catch (Exception e) {
          Errors error = Errors.forException(e);
          if (error == Errors.UNKNOWN_SERVER_ERROR) {
            log.error("fetch of {} failed", w.tp(), e);
          }
          out.setErrorCode(error.code()).setHighWatermark(-1);
          hasError = true;
        }
      }
      current.partitions().add(out);
      order.add(w.tp());
    }
    if (throttledBytes > 0) {
      // Kafka counts what a read returns; a long poll that re-reads counts only the answer it sends (close enough:
      // an unanswered read returned less than min.bytes).
      throttles.leaderSent(throttledBytes, now);
    }
    return new Attempt(response, total, hasError, topicBytes, order);
  }

  private static List<FetchResponseData.AbortedTransaction> abortedTransactions(List<AbortedTxn> aborted) {
    List<FetchResponseData.AbortedTransaction> out = new ArrayList<>(aborted.size());
    for (AbortedTxn txn : aborted) {
      out.add(new FetchResponseData.AbortedTransaction().setProducerId(txn.producerId()).setFirstOffset(txn.firstOffset()));
    }
    return out;
  }

  private static boolean sameTopic(FetchResponseData.FetchableTopicResponse current, Wanted w, short version) {
    return version >= 13 ? current.topicId().equals(w.topicId()) : current.topic().equals(w.tp().topic());
  }
}
