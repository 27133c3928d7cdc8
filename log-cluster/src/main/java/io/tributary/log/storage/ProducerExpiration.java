package io.tributary.log.storage;

/**
 * When a producer's state may be forgotten (Kafka's {@code producer.id.expiration.ms}): a producer with no open
 * transaction whose last write is at least the expiration old. A producer inside a transaction is kept, however
 * old, as the last stable offset and the transaction's markers depend on it.
 */
final class ProducerExpiration {
  private ProducerExpiration() {}

  /**
   * @param nowMs the broker's clock
   * @param lastTimestampMs the max timestamp of the producer's last batch (Kafka's lastTimestamp)
   * @param transactionOpen whether the producer has an open transaction on the partition
   * @param expirationMs producer.id.expiration.ms
   */
  static boolean isExpired(long nowMs, long lastTimestampMs, boolean transactionOpen, long expirationMs) {
    return !transactionOpen && nowMs - lastTimestampMs >= expirationMs;
  }
}
