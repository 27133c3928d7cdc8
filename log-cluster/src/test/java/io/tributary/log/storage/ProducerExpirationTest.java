package io.tributary.log.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** producer.id.expiration.ms: which producers are forgotten, one row per case. */
class ProducerExpirationTest {

  @ParameterizedTest(name = "now {0}, last write {1}, transaction open {2}, expiration {3} -> expired {4}")
  @CsvSource({
      "100000, 0,      false, 86400000, false", // young
      "86400000, 0,    false, 86400000, true",  // exactly the expiration old
      "86400001, 0,    false, 86400000, true",
      "86399999, 0,    false, 86400000, false", // one ms short
      "999999999, 0,   true,  86400000, false", // an open transaction keeps it, however old
      "5000, 6000,     false, 1000,     false", // a timestamp ahead of the clock is young
      "2000, 1000,     false, 1000,     true",
  })
  void table(long nowMs, long lastTimestampMs, boolean transactionOpen, long expirationMs, boolean expired) {
    assertEquals(expired, ProducerExpiration.isExpired(nowMs, lastTimestampMs, transactionOpen, expirationMs));
  }
}
