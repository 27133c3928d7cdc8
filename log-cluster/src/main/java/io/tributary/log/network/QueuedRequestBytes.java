package io.tributary.log.network;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka's {@code queued.max.request.bytes}: the bytes of requests read but not yet through a handler
 * (waiting on their connection, in the {@link RequestHandlerPool}'s queue, or being handled). While the
 * total is at the bound, connections stop reading (backpressure through TCP; nothing is dropped) and
 * resume when bytes are released. As in Kafka's non-strict memory pool, a read is allowed while any room
 * is left, so one request larger than the bound is still served; the total can therefore pass the bound
 * by the frames of one read per connection. A negative bound means unbounded (Kafka's default -1).
 * Called from every event loop, hence synchronized.
 */
final class QueuedRequestBytes {
  private static final Logger log = LoggerFactory.getLogger(QueuedRequestBytes.class);
  private final long boundBytes;
  private long queuedBytes;
  /** One-shot callbacks of connections that paused reading; all run when bytes are released. */
  private List<Runnable> roomWaiters = new ArrayList<>();

  QueuedRequestBytes(long boundBytes) {
    if (boundBytes == 0) {
      throw new IllegalArgumentException("queued.max.request.bytes must be positive, or -1 for unbounded");
    }
    this.boundBytes = boundBytes;
  }

  /** Counts a request's frame read from a connection. */
  synchronized void add(int frameBytes) {
    if (frameBytes < 0) {
      throw new IllegalArgumentException("negative frame size " + frameBytes);
    }
    queuedBytes += frameBytes;
  }

  /** Uncounts a request's frame (handled, or its connection closed first) and wakes paused connections. */
  void release(int frameBytes) {
    List<Runnable> waiters;
    synchronized (this) {
      if (frameBytes < 0 || frameBytes > queuedBytes) {
        throw new IllegalStateException("release of " + frameBytes + " bytes with " + queuedBytes + " queued");
      }
      queuedBytes -= frameBytes;
      if (!hasRoomLocked() || roomWaiters.isEmpty()) {
        return;
      }
      waiters = roomWaiters;
      roomWaiters = new ArrayList<>();
    }
    // Outside the lock: a callback hands work to its event loop, which may call back in here.
    for (Runnable waiter : waiters) {
      try {
        waiter.run();
      } catch (RuntimeException e) {
        // Its event loop has shut down (the server is closing): one waiter does not keep the others asleep.
        log.debug("room callback failed (its connection is closing)", e);
      }
    }
  }

  /** Whether connections may read another request now. */
  synchronized boolean hasRoom() {
    return hasRoomLocked();
  }

  /**
   * Runs {@code callback} once, on a releasing thread, when room frees. A caller that found no room
   * registers here and then asks {@link #hasRoom} once more, so a release between the two is not missed.
   */
  synchronized void whenRoom(Runnable callback) {
    roomWaiters.add(callback);
  }

  synchronized long queuedBytes() {
    return queuedBytes;
  }

  private boolean hasRoomLocked() {
    return boundBytes < 0 || queuedBytes < boundBytes;
  }
}
