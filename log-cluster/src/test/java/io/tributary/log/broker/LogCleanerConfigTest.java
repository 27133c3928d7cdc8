package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** log.cleaner.dedupe.buffer.size: Kafka's default, and values without room for one key refused with the key named. */
class LogCleanerConfigTest {

  @Test
  void defaultIsKafkas128MiB() {
    assertEquals(134_217_728L, BrokerConfig.of(Map.of()).logCleanerDedupeBufferSize());
    assertEquals(2688L, BrokerConfig.of(Map.of("log.cleaner.dedupe.buffer.size", "2688")).logCleanerDedupeBufferSize());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"0", "-1", "47", "lots"})
  void aBufferWithoutRoomForOneKeyIsRefusedNamingTheKey(String value) {
    ConfigException e = assertThrows(ConfigException.class, () -> BrokerConfig.of(Map.of("log.cleaner.dedupe.buffer.size", value)));
    assertTrue(e.getMessage().contains("log.cleaner.dedupe.buffer.size"), e.getMessage());
  }
}
