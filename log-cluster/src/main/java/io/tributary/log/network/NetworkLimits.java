package io.tributary.log.network;

/**
 * The limits a listener enforces besides the frame size, with Kafka's names.
 *
 * @param connections {@code max.connections}, {@code max.connections.per.ip} and its overrides
 * @param connectionsMaxIdleMs {@code connections.max.idle.ms}: a connection with no request in flight and
 *     nothing read or written for this long is closed
 * @param queuedMaxRequestBytes {@code queued.max.request.bytes}: bytes of requests waiting for or in the
 *     handlers before connections stop reading; -1 = unbounded
 */
public record NetworkLimits(ConnectionLimits connections, long connectionsMaxIdleMs, long queuedMaxRequestBytes) {
  /** Kafka's defaults. */
  public static final NetworkLimits DEFAULTS = new NetworkLimits(ConnectionLimits.UNLIMITED, 600_000, -1);

  public NetworkLimits {
    if (connectionsMaxIdleMs <= 0) {
      throw new IllegalArgumentException("connections.max.idle.ms must be positive, got " + connectionsMaxIdleMs);
    }
    if (queuedMaxRequestBytes == 0 || queuedMaxRequestBytes < -1) {
      throw new IllegalArgumentException("queued.max.request.bytes must be positive or -1, got " + queuedMaxRequestBytes);
    }
  }
}
