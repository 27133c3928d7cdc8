package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** producer.id.expiration.ms and its check interval: Kafka's defaults, and invalid values refused with the key named. */
class ProducerIdExpirationConfigTest {

  @Test
  void defaultsAreKafkas() {
    BrokerConfig config = BrokerConfig.of(Map.of());
    assertEquals(86_400_000, config.producerIdExpirationMs());
    assertEquals(600_000, config.producerIdExpirationCheckIntervalMs());
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
      "producer.id.expiration.ms, 0",
      "producer.id.expiration.ms, -1",
      "producer.id.expiration.ms, soon",
      "producer.id.expiration.check.interval.ms, 0",
  })
  void invalidValuesAreRefusedNamingTheirKey(String key, String value) {
    ConfigException e = assertThrows(ConfigException.class, () -> BrokerConfig.of(Map.of(key, value)));
    assertTrue(e.getMessage().contains(key), e.getMessage());
  }
}
