package io.tributary.log.network;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The hand-over order of one connection's requests: in arrival order, one at a time, so that a
 * connection's requests are handled in the order it sent them (as Kafka does by muting a channel while
 * its request is processed). A request leaves the handler once it has answered or parked its answer, so
 * a parked long-poll fetch does not hold up the requests behind it. Pure state; the event loop owns it.
 *
 * @param <R> a request waiting for the handler pool
 */
final class RequestSequencer<R> {
  private final ArrayDeque<R> waiting = new ArrayDeque<>();
  private boolean handing;

  /** A decoded request joins the end of the line. */
  void add(R request) {
    waiting.add(request);
  }

  /** The request to hand to the pool now, or null: one is with the handler already, or none waits. */
  R next() {
    return handing ? null : waiting.peek();
  }

  /** {@link #next()}'s request was accepted by the pool. */
  void handedOver() {
    if (handing || waiting.isEmpty()) {
      throw new IllegalStateException("handedOver() without a request from next()");
    }
    waiting.poll();
    handing = true;
  }

  /** The handler has returned from the request handed over (its answer may still be pending). */
  void handlerReturned() {
    if (!handing) {
      throw new IllegalStateException("handlerReturned() without a request handed over");
    }
    handing = false;
  }

  /**
   * Whether the connection should read more: only while none of its requests waits for the pool. A
   * request the full pool refused therefore stops reading (backpressure through TCP), and one connection
   * can buffer no more than one read's worth of frames.
   */
  boolean shouldRead() {
    return waiting.isEmpty();
  }

  /** The connection closed: the requests not yet handed over are dropped and returned (oldest first). */
  List<R> dropWaiting() {
    List<R> dropped = new ArrayList<>(waiting);
    waiting.clear();
    return dropped;
  }

  int waiting() {
    return waiting.size();
  }
}
