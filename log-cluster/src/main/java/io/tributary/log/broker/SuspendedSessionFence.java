package io.tributary.log.broker;

/**
 * When a leader must stop leading because its ZooKeeper session is suspended (disconnected, not yet
 * known to be expired). The ZooKeeper client reports a disconnection only after two thirds of the session
 * timeout without an answer; the server may expire the session, and the controller elect another leader,
 * in the third that remains. So a leader fences itself once the suspension has lasted
 * {@link #boundMs(int) a quarter of the session timeout}, inside that third, instead of waiting for the
 * session to be declared LOST — after which the other leader may already have acknowledged writes. A
 * shorter blip (a reconnect to another ZooKeeper server) does not move leadership.
 *
 * <p>Pure state (times are passed in); thread-safe.
 */
final class SuspendedSessionFence {
  /** The fraction of the session timeout, as a divisor, that a suspension may last before leaders fence. */
  static final int SESSION_TIMEOUT_DIVISOR = 4;
  private static final long CONNECTED = -1;

  private final long boundMs;
  private long suspendedSinceMs = CONNECTED;
  private boolean fenced;

  SuspendedSessionFence(long boundMs) {
    if (boundMs <= 0) {
      throw new IllegalArgumentException("the suspension bound must be positive, got " + boundMs + " ms");
    }
    this.boundMs = boundMs;
  }

  /** The suspension, in ms, after which leaders fence, for a ZooKeeper session timeout in ms. */
  static long boundMs(int sessionTimeoutMs) {
    return Math.max(1, sessionTimeoutMs / SESSION_TIMEOUT_DIVISOR);
  }

  long boundMs() {
    return boundMs;
  }

  /** The session was suspended at {@code nowMs} (a repeated report keeps the first time). */
  synchronized void suspended(long nowMs) {
    if (suspendedSinceMs == CONNECTED) {
      suspendedSinceMs = nowMs;
      fenced = false;
    }
  }

  /** The session is back (or replaced by a new one). */
  synchronized void connected() {
    suspendedSinceMs = CONNECTED;
    fenced = false;
  }

  /** True once per suspension: when it has lasted at least the bound at {@code nowMs}. */
  synchronized boolean fenceDue(long nowMs) {
    if (suspendedSinceMs == CONNECTED || fenced || nowMs - suspendedSinceMs < boundMs) {
      return false;
    }
    fenced = true;
    return true;
  }
}
