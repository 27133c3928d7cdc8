package io.tributary.log.txn;

import io.tributary.log.cluster.BrokerInfo;
import io.tributary.log.cluster.ClusterImage;
import io.tributary.log.cluster.PartitionState;
import io.tributary.log.group.CoordinatorHost;
import io.tributary.log.protocol.ClientSecurity;
import io.tributary.log.protocol.KafkaRpcClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.TransactionResult;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest.TxnMarkerEntry;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the commit or abort markers of a PrepareCommit/PrepareAbort to the leader of every partition of the
 * transaction (WriteTxnMarkers, broker to broker) and retries the partitions that failed (no leader, leader
 * moved, leader down) until all have the marker, the partition is gone (topic deleted), or the coordinator
 * no longer wants it (it lost its partition of {@code __transaction_state}; the next coordinator sends
 * them again).
 *
 * <p>As Kafka's {@code TransactionMarkerChannelManager}: one queue, connection and sending thread per destination
 * broker. A round of a transaction queues its markers at every leader at once, so the leaders write them in
 * parallel; a destination's thread sends everything queued for it in one request (the markers of every transaction
 * finishing meanwhile), so concurrent transactions share round trips. The coordinator's thread never waits for a
 * broker.
 */
final class TxnMarkerSender implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TxnMarkerSender.class);
  /** Pause between rounds for the partitions that did not take their marker yet. */
  static final long RETRY_BACKOFF_MS = 100;
  /** Socket timeout of a WriteTxnMarkers call. */
  static final int REQUEST_TIMEOUT_MS = 30_000;
  /** A failing partition is logged on its first failure and then every this many rounds. */
  static final int LOG_EVERY_ROUNDS = 100;

  private final CoordinatorHost host;
  private final int brokerId;
  private final ClientSecurity security;
  /** Starts rounds and schedules retries; never blocks on a broker. */
  private final ScheduledExecutorService rounds;
  /** Per destination broker (id and address: a broker that moved gets a new one). */
  private final Map<String, Destination> destinations = new ConcurrentHashMap<>();
  private volatile boolean closed;

  TxnMarkerSender(CoordinatorHost host, int brokerId, ClientSecurity security) {
    this.host = host;
    this.brokerId = brokerId;
    this.security = security;
    this.rounds = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "txn-marker-rounds-" + brokerId);
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Completes once every partition of {@code txn} has its marker (or no longer exists); completes with a
   * CancellationException as soon as {@code stillWanted} answers false.
   */
  CompletableFuture<Void> send(TxnMetadata txn, int coordinatorEpoch, BooleanSupplier stillWanted) {
    if (!txn.state().isPreparing()) {
      throw new IllegalArgumentException(txn.transactionalId() + ": markers of state " + txn.state().kafkaName());
    }
    Job job = new Job(txn, coordinatorEpoch, stillWanted, txn.partitions());
    rounds.execute(() -> round(job));
    return job.done;
  }

  private static final class Job {
    final TxnMetadata txn;
    final int coordinatorEpoch;
    final BooleanSupplier stillWanted;
    /** Partitions still without their marker; the destinations' threads remove from it concurrently. */
    final Set<TopicPartition> remaining = ConcurrentHashMap.newKeySet();
    final CompletableFuture<Void> done = new CompletableFuture<>();
    volatile int rounds;

    Job(TxnMetadata txn, int coordinatorEpoch, BooleanSupplier stillWanted, Set<TopicPartition> partitions) {
      this.txn = txn;
      this.coordinatorEpoch = coordinatorEpoch;
      this.stillWanted = stillWanted;
      this.remaining.addAll(partitions);
    }
  }

  /** A transaction's markers for one destination, waiting to be sent; {@code sent} completes once answered. */
  private record Pending(Job job, List<TopicPartition> partitions, CompletableFuture<Void> sent) {}

  private void round(Job job) {
    try {
      if (!job.stillWanted.getAsBoolean()) {
        job.done.completeExceptionally(new CancellationException("coordinator moved"));
        return;
      }
      job.rounds++;
      ClusterImage image = host.image();
      Map<Integer, List<TopicPartition>> byLeader = new HashMap<>();
      for (TopicPartition tp : new ArrayList<>(job.remaining)) {
        if (image.topic(tp.topic()).map(t -> tp.partition() >= t.partitionCount()).orElse(true)) {
          log.info("{}: {} no longer exists, no marker written there", job.txn.transactionalId(), tp);
          job.remaining.remove(tp);
          continue;
        }
        PartitionState state = image.partition(tp).orElse(null);
        if (state != null && state.leader() >= 0 && image.isLive(state.leader())) {
          byLeader.computeIfAbsent(state.leader(), l -> new ArrayList<>()).add(tp);
        }
      }
      List<CompletableFuture<Void>> sends = new ArrayList<>();
      for (Map.Entry<Integer, List<TopicPartition>> e : byLeader.entrySet()) {
        BrokerInfo leader = image.brokers().get(e.getKey());
        if (leader != null) {
          Pending pending = new Pending(job, e.getValue(), new CompletableFuture<>());
          destination(leader).enqueue(pending);
          sends.add(pending.sent());
        }
      }
      CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).whenComplete((ok, failure) -> afterRound(job));
    } catch (RuntimeException e) {
      if (closed) {
        job.done.completeExceptionally(new CancellationException("coordinator closed"));
        return;
      }
      log.error("{}: marker round failed (retried)", job.txn.transactionalId(), e);
      retryLater(job);
    }
  }

  private void afterRound(Job job) {
    if (job.remaining.isEmpty()) {
      job.done.complete(null);
    } else {
      retryLater(job);
    }
  }

  private void retryLater(Job job) {
    try {
      rounds.schedule(() -> round(job), RETRY_BACKOFF_MS, TimeUnit.MILLISECONDS);
    } catch (RuntimeException rejected) {
      job.done.completeExceptionally(new CancellationException("coordinator closed"));
    }
  }

  private Destination destination(BrokerInfo leader) {
    return destinations.computeIfAbsent(leader.id() + "@" + leader.address(), k -> new Destination(leader));
  }

  /** One destination broker: its connection, the markers queued for it, and the thread that sends them. */
  private final class Destination {
    final BrokerInfo broker;
    final KafkaRpcClient client;
    final ExecutorService sender;
    final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
    final AtomicBoolean draining = new AtomicBoolean();

    Destination(BrokerInfo broker) {
      this.broker = broker;
      this.client = new KafkaRpcClient(broker.host(), broker.port(), "txn-markers-" + brokerId, REQUEST_TIMEOUT_MS, security);
      this.sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "txn-marker-sender-" + brokerId + "-to-" + broker.id());
        t.setDaemon(true);
        return t;
      });
    }

    void enqueue(Pending pending) {
      queue.add(pending);
      maybeDrain();
    }

    private void maybeDrain() {
      if (!queue.isEmpty() && draining.compareAndSet(false, true)) {
        try {
          sender.execute(this::drain);
        } catch (RuntimeException rejected) {
          draining.set(false);
          failAll(new CancellationException("coordinator closed"));
        }
      }
    }

    private void drain() {
      try {
        // Everything queued goes in one request, at most one entry per producer id (the response is keyed by it).
        List<Pending> batch = new ArrayList<>();
        Set<Long> producers = new HashSet<>();
        List<Pending> later = new ArrayList<>();
        for (Pending p = queue.poll(); p != null; p = queue.poll()) {
          (producers.add(p.job().txn.producerId()) ? batch : later).add(p);
        }
        queue.addAll(later);
        if (!batch.isEmpty()) {
          sendBatch(batch);
        }
      } finally {
        draining.set(false);
        maybeDrain();
      }
    }

    private void sendBatch(List<Pending> batch) {
      List<TxnMarkerEntry> entries = new ArrayList<>(batch.size());
      for (Pending p : batch) {
        TxnMetadata txn = p.job().txn;
        TransactionResult result = txn.state() == TxnState.PREPARE_COMMIT ? TransactionResult.COMMIT : TransactionResult.ABORT;
        entries.add(new TxnMarkerEntry(txn.producerId(), txn.producerEpoch(), p.job().coordinatorEpoch, result, p.partitions()));
      }
      try {
        WriteTxnMarkersResponse response = client.send(new WriteTxnMarkersRequest.Builder(
            ApiKeys.WRITE_TXN_MARKERS.latestVersion(), entries).build());
        Map<Long, Map<TopicPartition, Errors>> errors = response.errorsByProducerId();
        for (Pending p : batch) {
          Map<TopicPartition, Errors> mine = errors.getOrDefault(p.job().txn.producerId(), Map.of());
          for (TopicPartition tp : p.partitions()) {
            Errors error = mine.getOrDefault(tp, Errors.UNKNOWN_SERVER_ERROR);
            if (error == Errors.NONE) {
              p.job().remaining.remove(tp);
            } else if (shouldLog(p.job())) {
              log.warn("{}: marker on {} (broker {}) failed: {} (retried)", p.job().txn.transactionalId(), tp, broker.id(), error);
            }
          }
        }
      } catch (IOException | RuntimeException e) {
        for (Pending p : batch) {
          if (shouldLog(p.job())) {
            log.warn("{}: markers to broker {} failed: {} (retried)", p.job().txn.transactionalId(), broker.id(), e.toString());
          }
        }
      } finally {
        batch.forEach(p -> p.sent().complete(null));
      }
    }

    private void failAll(Throwable cause) {
      for (Pending p = queue.poll(); p != null; p = queue.poll()) {
        p.sent().complete(null);
        p.job().done.completeExceptionally(cause);
      }
    }

    void close() {
      sender.shutdownNow();
      client.close();
      failAll(new CancellationException("coordinator closed"));
    }
  }

  private static boolean shouldLog(Job job) {
    return job.rounds == 1 || job.rounds % LOG_EVERY_ROUNDS == 0;
  }

  @Override
  public void close() {
    closed = true;
    rounds.shutdownNow();
    destinations.values().forEach(Destination::close);
  }
}
