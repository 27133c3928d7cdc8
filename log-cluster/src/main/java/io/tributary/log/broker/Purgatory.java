package io.tributary.log.broker;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.TopicPartition;

/**
 * Requests waiting on partitions: long-poll fetches waiting for data, acks=all produces waiting for the
 * high watermark. Each waiter is re-checked when one of its partitions changes, and completed anyway
 * when its time runs out.
 */
final class Purgatory implements AutoCloseable {
  /** A limit on parked requests, so that a misbehaving client cannot exhaust memory. */
  static final int MAX_WAITING = 10_000;

  private final Map<TopicPartition, Set<Waiter>> waiters = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer;

  private final String name;

  Purgatory(String name) {
    this.name = name;
    ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
      Thread th = new Thread(r, name + "-purgatory");
      th.setDaemon(true);
      return th;
    });
    t.setRemoveOnCancelPolicy(true);
    this.timer = t;
  }

  /** A parked request. {@code tryComplete} returns true once it has completed (by data or by timeout). */
  static final class Waiter {
    private final BooleanSupplier tryComplete;
    private final Runnable forceComplete;
    private final Collection<TopicPartition> partitions;
    private volatile boolean done;
    /** Set while parked: cleared exactly once when it leaves, so the parked count stays exact. */
    private final AtomicBoolean parked = new AtomicBoolean();
    private volatile ScheduledFuture<?> timeout;

    Waiter(Collection<TopicPartition> partitions, BooleanSupplier tryComplete, Runnable forceComplete) {
      this.partitions = partitions;
      this.tryComplete = tryComplete;
      this.forceComplete = forceComplete;
    }

    synchronized boolean check() {
      if (!done && tryComplete.getAsBoolean()) {
        done = true;
      }
      return done;
    }

    synchronized boolean expire() {
      if (done) {
        return false;
      }
      done = true;
      forceComplete.run();
      return true;
    }
  }

  private final AtomicInteger parkedCount = new AtomicInteger();

  int size() {
    return parkedCount.get();
  }

  /** Parks a waiter; returns false (the caller answers at once) when the purgatory is full. */
  boolean park(Waiter waiter, long maxWaitMs) {
    if (parkedCount.incrementAndGet() > MAX_WAITING) {
      parkedCount.decrementAndGet();
      return false;
    }
    waiter.parked.set(true);
    for (TopicPartition tp : waiter.partitions) {
      waiters.computeIfAbsent(tp, k -> ConcurrentHashMap.newKeySet()).add(waiter);
    }
    // Data may have arrived between the caller's read and the registration.
    if (waiter.check()) {
      remove(waiter);
      return true;
    }
    waiter.timeout = timer.schedule(() -> {
      waiter.expire();
      remove(waiter);
    }, maxWaitMs, TimeUnit.MILLISECONDS);
    if (waiter.done) {
      waiter.timeout.cancel(false); // completed (and removed) while the timer was being set
    }
    return true;
  }

  /** New data, a new high watermark or a role change on {@code tp}: re-check the requests waiting on it. */
  void notifyPartition(TopicPartition tp) {
    Set<Waiter> set = waiters.get(tp);
    if (set == null || set.isEmpty()) {
      return;
    }
    for (Waiter w : set) {
      if (w.check()) {
        remove(w);
      }
    }
  }

  private void remove(Waiter w) {
    if (!w.parked.compareAndSet(true, false)) {
      return;
    }
    parkedCount.decrementAndGet();
    var timeout = w.timeout;
    if (timeout != null) {
      timeout.cancel(false);
    }
    for (TopicPartition tp : w.partitions) {
      Set<Waiter> set = waiters.get(tp);
      if (set != null) {
        set.remove(w);
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    for (Set<Waiter> set : waiters.values()) {
      for (Waiter w : set) {
        w.expire();
      }
    }
    waiters.clear();
  }
}
