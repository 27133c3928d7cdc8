package io.tributary.log.network;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka's request-handler pool ({@code num.io.threads}, {@code queued.max.requests}): a fixed set of
 * threads taking requests from one bounded queue, so that request handling, disk appends and segment
 * rolls never run on a network thread. The queue refuses instead of blocking, because its callers are
 * event loops: a refused caller stops reading and asks to be told when a slot frees ({@link #whenSpace}).
 */
public final class RequestHandlerPool implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RequestHandlerPool.class);
  /** How often an idle handler thread looks whether the pool is closing (it never waits longer for work that arrives). */
  static final long IDLE_CHECK_MS = 200;
  /** How long {@link #close} waits for the requests being handled, like the event loops' shutdown. */
  static final long CLOSE_WAIT_MS = 5_000;

  private final BlockingQueue<Runnable> queue;
  /** One-shot callbacks of callers refused by a full queue; all run when a slot frees. */
  private final ConcurrentLinkedQueue<Runnable> spaceWaiters = new ConcurrentLinkedQueue<>();
  private final Thread[] threads;
  private volatile boolean closed;

  public RequestHandlerPool(int threadCount, int queueCapacity) {
    if (threadCount < 1 || queueCapacity < 1) {
      throw new IllegalArgumentException("a request-handler pool needs at least one thread and one queue slot, got "
          + threadCount + " threads and " + queueCapacity + " slots");
    }
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
    this.threads = new Thread[threadCount];
    for (int i = 0; i < threadCount; i++) {
      threads[i] = new Thread(this::work, "kafka-request-handler-" + i);
      threads[i].setDaemon(true);
      threads[i].start();
    }
  }

  /** Queues {@code request} for a handler thread; false when the queue is full (nothing is queued then). */
  public boolean offer(Runnable request) {
    return !closed && queue.offer(request);
  }

  /**
   * Runs {@code callback} once, on a handler thread, after the next request leaves the queue. A caller
   * refused by {@link #offer} registers here and then offers once more: a slot freed between the two
   * calls is not missed, and a callback that finds nothing left to do is harmless.
   */
  public void whenSpace(Runnable callback) {
    spaceWaiters.add(callback);
  }

  /** Requests waiting for a handler thread (for tests and metrics). */
  public int queued() {
    return queue.size();
  }

  private void work() {
    while (!closed) {
      Runnable request;
      try {
        request = queue.poll(IDLE_CHECK_MS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (request == null) {
        continue;
      }
      wakeSpaceWaiters();
      try {
        request.run();
      } catch (RejectedExecutionException closing) {
        // The connection's event loop has shut down (the server is closing): nobody is left to answer.
        log.debug("answer dropped: the network threads are closing", closing);
      } catch (Throwable t) {
        // A request's own failures are answered by the request: this is a bug of ours.
        log.error("request handler failed", t);
      }
    }
  }

  private void wakeSpaceWaiters() {
    Runnable callback;
    while ((callback = spaceWaiters.poll()) != null) {
      try {
        callback.run();
      } catch (RuntimeException e) {
        log.debug("space callback failed (its connection is closing)", e);
      }
    }
  }

  /**
   * Stops taking requests and waits (up to {@link #CLOSE_WAIT_MS}) for those being handled. The threads
   * are not interrupted: an interrupt during a disk write would close the segment's file channel.
   */
  @Override
  public void close() {
    closed = true;
    queue.clear();
    spaceWaiters.clear();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MS);
    for (Thread t : threads) {
      long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      try {
        t.join(Math.max(leftMs, 1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (t.isAlive()) {
        log.warn("{} is still handling a request after {} ms; closing without it", t.getName(), CLOSE_WAIT_MS);
      }
    }
  }
}
