package io.tributary.log.broker;

import io.tributary.log.cluster.ClusterImage;
import io.tributary.log.cluster.ClusterStore;
import io.tributary.log.cluster.MetadataCache;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka's controlled shutdown: before a stopping broker closes its listener, leadership of every partition
 * it leads moves to another in-sync replica, so clients switch leaders in the time of a metadata refresh
 * instead of a failure detection. The broker withdraws its registration (its ZooKeeper session stays
 * open); the controller reacts as to a departed broker — a new leader from the rest of the ISR, the
 * leader epoch bumped, the broker dropped from every ISR — while this broker still answers, with
 * NOT_LEADER_OR_FOLLOWER once it sees the new leader, so its clients look the leader up again.
 *
 * <p>An attempt waits up to {@code controlled.shutdown.retry.backoff.ms} for the metadata to show that the
 * broker leads nothing; it is made at most {@code 1 + controlled.shutdown.max.retries} times, after which the
 * broker stops anyway (as Kafka does) and the remaining partitions fail over as after a crash.
 */
final class ControlledShutdown {
  private static final Logger log = LoggerFactory.getLogger(ControlledShutdown.class);

  private ControlledShutdown() {}

  /**
   * Moves leadership off the stopping broker; returns whether it leads nothing any more. Skipped (false) when
   * ZooKeeper is not connected or no other broker is registered — nobody could take anything over — and at
   * once (true) when it leads nothing.
   */
  static boolean run(CuratorFramework zk, ClusterStore store, MetadataCache metadata, BrokerConfig config) {
    int brokerId = config.brokerId();
    if (!zk.getZookeeperClient().isConnected()) {
      log.warn("broker {} stops without a controlled shutdown: ZooKeeper is not connected", brokerId);
      return false;
    }
    ClusterImage image = metadata.image();
    if (ledPartitions(image, brokerId) == 0) {
      return true;
    }
    if (image.brokers().keySet().stream().allMatch(id -> id == brokerId)) {
      return false;
    }
    try {
      return moveLeadership(store, metadata, brokerId, config.controlledShutdownMaxRetries(),
          config.controlledShutdownRetryBackoffMs());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static boolean moveLeadership(ClusterStore store, MetadataCache metadata, int brokerId, int maxRetries,
      long retryBackoffMs) throws InterruptedException {
    for (int attempt = 1; attempt <= maxRetries + 1; attempt++) {
      try {
        withdrawRegistration(store, brokerId, retryBackoffMs);
      } catch (TimeoutException e) {
        // Curator retries a lost connection for long: ZooKeeper is unreachable and nobody can move anything.
        log.warn("controlled shutdown of broker {}: ZooKeeper did not answer within {} ms; stopping anyway", brokerId,
            retryBackoffMs);
        return false;
      } catch (ExecutionException e) {
        log.warn("controlled shutdown of broker {}: could not withdraw its registration (attempt {} of {}): {}", brokerId,
            attempt, maxRetries + 1, e.getCause().toString());
        Thread.sleep(retryBackoffMs);
        continue;
      }
      if (awaitLeadingNothing(metadata, brokerId, retryBackoffMs)) {
        log.info("controlled shutdown of broker {}: leadership moved to other replicas", brokerId);
        return true;
      }
      log.warn("controlled shutdown of broker {}: still leading {} partitions after {} ms (attempt {} of {})", brokerId,
          ledPartitions(metadata.image(), brokerId), retryBackoffMs, attempt, maxRetries + 1);
    }
    log.warn("controlled shutdown of broker {} did not complete; stopping anyway", brokerId);
    return false;
  }

  /** Deletes the broker's registration, waiting at most {@code timeoutMs} for ZooKeeper. */
  private static void withdrawRegistration(ClusterStore store, int brokerId, long timeoutMs)
      throws InterruptedException, ExecutionException, TimeoutException {
    CompletableFuture.supplyAsync(() -> {
      try {
        return store.deregisterBroker(brokerId);
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    }).get(timeoutMs, TimeUnit.MILLISECONDS);
  }

  private static boolean awaitLeadingNothing(MetadataCache metadata, int brokerId, long timeoutMs)
      throws InterruptedException {
    try {
      return metadata.whenImage(image -> ledPartitions(image, brokerId) == 0, timeoutMs).get();
    } catch (ExecutionException e) {
      return false; // the waiter completes with false on its timeout; an error counts the same
    }
  }

  /**
   * The partitions {@code brokerId} leads in {@code image}. Once it withdrew, one with no other in-sync replica
   * goes offline (leader -1, no unclean election) rather than staying with it.
   */
  static long ledPartitions(ClusterImage image, int brokerId) {
    return image.partitions().values().stream().filter(state -> state.leader() == brokerId).count();
  }
}
