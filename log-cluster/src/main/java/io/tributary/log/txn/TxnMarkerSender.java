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
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
 * them again). Blocking calls on threads of its own: the coordinator's thread never waits for a broker.
 */
final class TxnMarkerSender implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TxnMarkerSender.class);
  /** Pause between rounds for the partitions that did not take their marker yet. */
  static final long RETRY_BACKOFF_MS = 100;
  /** Socket timeout of a WriteTxnMarkers call. */
  static final int REQUEST_TIMEOUT_MS = 30_000;
  /** Threads sending markers (blocking calls; one slow broker does not stop every transaction). */
  static final int THREADS = 2;
  /** A failing partition is logged on its first failure and then every this many rounds. */
  static final int LOG_EVERY_ROUNDS = 100;

  private final CoordinatorHost host;
  private final int brokerId;
  private final ClientSecurity security;
  private final ScheduledExecutorService threads;
  /** One connection per destination broker (id and address: a broker that moved gets a new one). */
  private final Map<String, KafkaRpcClient> clients = new ConcurrentHashMap<>();

  TxnMarkerSender(CoordinatorHost host, int brokerId, ClientSecurity security) {
    this.host = host;
    this.brokerId = brokerId;
    this.security = security;
    this.threads = Executors.newScheduledThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "txn-marker-sender-" + brokerId);
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
    Job job = new Job(txn, coordinatorEpoch, stillWanted, new HashSet<>(txn.partitions()));
    threads.execute(() -> round(job));
    return job.done;
  }

  private static final class Job {
    final TxnMetadata txn;
    final int coordinatorEpoch;
    final BooleanSupplier stillWanted;
    final Set<TopicPartition> remaining;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    int rounds;

    Job(TxnMetadata txn, int coordinatorEpoch, BooleanSupplier stillWanted, Set<TopicPartition> remaining) {
      this.txn = txn;
      this.coordinatorEpoch = coordinatorEpoch;
      this.stillWanted = stillWanted;
      this.remaining = remaining;
    }
  }

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
      for (Map.Entry<Integer, List<TopicPartition>> e : byLeader.entrySet()) {
        BrokerInfo leader = image.brokers().get(e.getKey());
        if (leader != null) {
          sendTo(leader, job, e.getValue());
        }
      }
      if (job.remaining.isEmpty()) {
        job.done.complete(null);
      } else {
        threads.schedule(() -> round(job), RETRY_BACKOFF_MS, TimeUnit.MILLISECONDS);
      }
    } catch (RuntimeException e) {
      if (threads.isShutdown()) {
        job.done.completeExceptionally(new CancellationException("coordinator closed"));
        return;
      }
      log.error("{}: marker round failed (retried)", job.txn.transactionalId(), e);
      threads.schedule(() -> round(job), RETRY_BACKOFF_MS, TimeUnit.MILLISECONDS);
    }
  }

  private void sendTo(BrokerInfo leader, Job job, List<TopicPartition> partitions) {
    TransactionResult result = job.txn.state() == TxnState.PREPARE_COMMIT ? TransactionResult.COMMIT : TransactionResult.ABORT;
    TxnMarkerEntry entry = new TxnMarkerEntry(job.txn.producerId(), job.txn.producerEpoch(), job.coordinatorEpoch,
        result, partitions);
    String key = leader.id() + "@" + leader.address();
    KafkaRpcClient client = clients.computeIfAbsent(key,
        k -> new KafkaRpcClient(leader.host(), leader.port(), "txn-markers-" + brokerId, REQUEST_TIMEOUT_MS, security));
    try {
      WriteTxnMarkersResponse response = client.send(new WriteTxnMarkersRequest.Builder(
          ApiKeys.WRITE_TXN_MARKERS.latestVersion(), List.of(entry)).build());
      Map<TopicPartition, Errors> errors = response.errorsByProducerId().getOrDefault(job.txn.producerId(), Map.of());
      for (TopicPartition tp : partitions) {
        Errors error = errors.getOrDefault(tp, Errors.UNKNOWN_SERVER_ERROR);
        if (error == Errors.NONE) {
          job.remaining.remove(tp);
        } else if (shouldLog(job)) {
          log.warn("{}: {} marker on {} (broker {}) failed: {} (retried)", job.txn.transactionalId(), result, tp,
              leader.id(), error);
        }
      }
    } catch (IOException e) {
      if (shouldLog(job)) {
        log.warn("{}: {} markers to broker {} failed: {} (retried)", job.txn.transactionalId(), result, leader.id(),
            e.toString());
      }
    }
  }

  private static boolean shouldLog(Job job) {
    return job.rounds == 1 || job.rounds % LOG_EVERY_ROUNDS == 0;
  }

  @Override
  public void close() {
    threads.shutdownNow();
    clients.values().forEach(KafkaRpcClient::close);
  }
}
