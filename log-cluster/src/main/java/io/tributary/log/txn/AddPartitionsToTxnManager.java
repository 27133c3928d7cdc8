package io.tributary.log.txn;

import io.tributary.log.cluster.BrokerInfo;
import io.tributary.log.cluster.ClusterImage;
import io.tributary.log.cluster.PartitionState;
import io.tributary.log.protocol.ClientSecurity;
import io.tributary.log.protocol.KafkaRpcClient;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partition leader's side of KIP-890 part 1, as Kafka's {@code AddPartitionsToTxnManager}: asks the
 * transaction coordinator of a transactional id whether partitions are in its producer's ongoing transaction
 * (AddPartitionsToTxn v4 with {@code verifyOnly}, broker to broker). Requests are batched per coordinator
 * broker: one request in flight per broker, and everything queued meanwhile (one entry per transactional id;
 * a second one for the same id waits for the next request) goes in the next. Blocking calls on threads of its
 * own; the answer is each partition's error as the coordinator gave it, adjusted as Kafka adjusts it for
 * producers ({@link #partitionErrors}).
 */
public final class AddPartitionsToTxnManager implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AddPartitionsToTxnManager.class);
  /** The broker form (verify-only, or a v2 add) exists from this version on. */
  static final short VERIFY_ONLY_VERSION = 4;
  /** Socket timeout of one verification request (Kafka's inter-broker request.timeout.ms). */
  static final int REQUEST_TIMEOUT_MS = 30_000;
  /** Threads sending verifications; each drains one coordinator broker's queue at a time. */
  static final int THREADS = 2;

  private final Supplier<ClusterImage> image;
  private final int brokerId;
  private final ClientSecurity security;
  private final ExecutorService threads;
  private final Map<String, Destination> destinations = new HashMap<>();

  /**
   * One verification (or, for transactions v2, addition) asked for: its transaction and the promise of its
   * partitions' errors.
   */
  private record Pending(String transactionalId, long producerId, short producerEpoch, List<TopicPartition> partitions,
      boolean verifyOnly, CompletableFuture<Map<TopicPartition, Errors>> result) {}

  /** The queue of one coordinator broker (id and address: a broker that moved gets a new one). */
  private static final class Destination {
    final BrokerInfo broker;
    final Deque<Pending> queue = new ArrayDeque<>();
    KafkaRpcClient client;
    boolean sending;

    Destination(BrokerInfo broker) {
      this.broker = broker;
    }
  }

  public AddPartitionsToTxnManager(Supplier<ClusterImage> image, int brokerId, ClientSecurity security) {
    this.image = image;
    this.brokerId = brokerId;
    this.security = security;
    this.threads = Executors.newFixedThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "txn-verification-" + brokerId);
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Completes with the error of each partition: NONE when it is in the producer's ongoing transaction.
   * COORDINATOR_NOT_AVAILABLE when the coordinator cannot be found, NETWORK_EXCEPTION when it cannot be reached.
   */
  public CompletableFuture<Map<TopicPartition, Errors>> verifyTransaction(String transactionalId, long producerId,
      short producerEpoch, List<TopicPartition> partitions) {
    return enqueue(transactionalId, producerId, producerEpoch, partitions, true);
  }

  /**
   * Transactions v2 (KIP-890 part 2): asks the coordinator to add the partitions to the producer's transaction
   * (AddPartitionsToTxn v4+ without {@code verifyOnly}, as Kafka's brokers send it for Produce v12 and
   * TxnOffsetCommit v5), opening it if none is open. Completes as {@link #verifyTransaction} does.
   */
  public CompletableFuture<Map<TopicPartition, Errors>> addToTransaction(String transactionalId, long producerId,
      short producerEpoch, List<TopicPartition> partitions) {
    return enqueue(transactionalId, producerId, producerEpoch, partitions, false);
  }

  private CompletableFuture<Map<TopicPartition, Errors>> enqueue(String transactionalId, long producerId,
      short producerEpoch, List<TopicPartition> partitions, boolean verifyOnly) {
    CompletableFuture<Map<TopicPartition, Errors>> result = new CompletableFuture<>();
    BrokerInfo coordinator = coordinatorOf(transactionalId);
    if (coordinator == null) {
      result.complete(allWith(partitions, Errors.COORDINATOR_NOT_AVAILABLE));
      return result;
    }
    Pending pending = new Pending(transactionalId, producerId, producerEpoch, List.copyOf(partitions), verifyOnly, result);
    Destination d;
    boolean start;
    synchronized (destinations) {
      d = destinations.computeIfAbsent(coordinator.id() + "@" + coordinator.host() + ":" + coordinator.port(),
          k -> new Destination(coordinator));
      d.queue.add(pending);
      start = !d.sending;
      d.sending = true;
    }
    if (start) {
      try {
        threads.execute(() -> drain(d));
      } catch (RuntimeException rejected) { // closed
        result.complete(allWith(partitions, Errors.COORDINATOR_NOT_AVAILABLE));
      }
    }
    return result;
  }

  /** The live leader of the transactional id's partition of {@code __transaction_state}, or null. */
  private BrokerInfo coordinatorOf(String transactionalId) {
    ClusterImage current = image.get();
    int partitions = current.topic(TxnLogFormat.TOPIC).map(t -> t.partitionCount()).orElse(0);
    if (partitions <= 0) {
      return null;
    }
    TopicPartition tp = new TopicPartition(TxnLogFormat.TOPIC, TxnLogFormat.partitionFor(transactionalId, partitions));
    PartitionState state = current.partition(tp).orElse(null);
    if (state == null || state.leader() < 0 || !current.isLive(state.leader())) {
      return null;
    }
    return current.brokers().get(state.leader());
  }

  /** Sends the queue's entries, a batch per request, until it is empty. */
  private void drain(Destination d) {
    while (true) {
      List<Pending> batch = new ArrayList<>();
      synchronized (destinations) {
        Set<String> ids = new HashSet<>();
        for (Iterator<Pending> it = d.queue.iterator(); it.hasNext(); ) {
          Pending p = it.next();
          if (ids.add(p.transactionalId())) { // the request holds each transactional id once
            batch.add(p);
            it.remove();
          }
        }
        if (batch.isEmpty()) {
          d.sending = false;
          return;
        }
      }
      send(d, batch);
    }
  }

  private void send(Destination d, List<Pending> batch) {
    AddPartitionsToTxnTransactionCollection transactions = new AddPartitionsToTxnTransactionCollection();
    for (Pending p : batch) {
      transactions.add(new AddPartitionsToTxnTransaction().setTransactionalId(p.transactionalId())
          .setProducerId(p.producerId()).setProducerEpoch(p.producerEpoch()).setVerifyOnly(p.verifyOnly())
          .setTopics(topics(p.partitions())));
    }
    AddPartitionsToTxnResponse response = null;
    Errors failure = Errors.NONE;
    try {
      if (d.client == null) {
        d.client = new KafkaRpcClient(d.broker.host(), d.broker.port(), "txn-verification-" + brokerId,
            REQUEST_TIMEOUT_MS, security);
      }
      response = d.client.send(AddPartitionsToTxnRequest.Builder.forBroker(transactions).build(VERIFY_ONLY_VERSION));
    } catch (IOException | RuntimeException e) {
      log.warn("transaction verification with broker {} failed: {}", d.broker.id(), e.toString());
      failure = Errors.NETWORK_EXCEPTION;
    }
    for (Pending p : batch) {
      Map<TopicPartition, Errors> errors = failure != Errors.NONE ? allWith(p.partitions(), failure)
          : partitionErrors(response.data().errorCode(),
              response.errors().getOrDefault(p.transactionalId(), Map.of()), p.partitions());
      p.result().complete(errors);
    }
  }

  /**
   * The error each partition gets from a verify-only answer, as Kafka's manager gives it to the produce path:
   * a top-level error for every partition (CLUSTER_AUTHORIZATION_FAILED hidden as INVALID_TXN_STATE, and
   * UNSUPPORTED_VERSION meaning the coordinator cannot verify, so the append goes on unverified, as Kafka
   * does in a mixed-version cluster); PRODUCER_FENCED as INVALID_PRODUCER_EPOCH, which producers expect
   * there; a partition the answer leaves out as verified (Kafka lists only the unverified ones).
   */
  static Map<TopicPartition, Errors> partitionErrors(short topLevelError, Map<TopicPartition, Errors> answered,
      List<TopicPartition> asked) {
    Errors top = Errors.forCode(topLevelError);
    if (top == Errors.UNSUPPORTED_VERSION) {
      return allWith(asked, Errors.NONE);
    }
    if (top != Errors.NONE) {
      return allWith(asked, top == Errors.CLUSTER_AUTHORIZATION_FAILED ? Errors.INVALID_TXN_STATE : top);
    }
    Map<TopicPartition, Errors> out = new LinkedHashMap<>();
    for (TopicPartition tp : asked) {
      Errors e = answered.getOrDefault(tp, Errors.NONE);
      out.put(tp, e == Errors.PRODUCER_FENCED ? Errors.INVALID_PRODUCER_EPOCH : e);
    }
    return out;
  }

  private static AddPartitionsToTxnTopicCollection topics(List<TopicPartition> partitions) {
    Map<String, List<Integer>> byTopic = new LinkedHashMap<>();
    partitions.forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
    AddPartitionsToTxnTopicCollection topics = new AddPartitionsToTxnTopicCollection();
    byTopic.forEach((name, indexes) -> topics.add(new AddPartitionsToTxnTopic().setName(name).setPartitions(indexes)));
    return topics;
  }

  private static Map<TopicPartition, Errors> allWith(List<TopicPartition> partitions, Errors error) {
    Map<TopicPartition, Errors> out = new LinkedHashMap<>();
    partitions.forEach(tp -> out.put(tp, error));
    return out;
  }

  @Override
  public void close() {
    threads.shutdownNow();
    synchronized (destinations) {
      destinations.values().forEach(d -> {
        if (d.client != null) {
          d.client.close();
        }
      });
    }
  }
}
