package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** Which values the throttle rates accept (Kafka's LONG, at least 0), as a table. */
class DynamicBrokerConfigsTest {
  record Row(String value, boolean valid) {}

  @Test
  void rateValues() {
    List<Row> rows = List.of(new Row("0", true), new Row("1048576", true), new Row(" 50000000 ", true),
        new Row("-1", false), new Row("1.5", false), new Row("10MB", false), new Row("", false));
    for (Row r : rows) {
      if (r.valid()) {
        DynamicBrokerConfigs.validate(ReplicationThrottles.LEADER_RATE, r.value());
      } else {
        ConfigException e = assertThrows(ConfigException.class,
            () -> DynamicBrokerConfigs.validate(ReplicationThrottles.LEADER_RATE, r.value()), r.toString());
        assertEquals(true, e.getMessage().contains(ReplicationThrottles.LEADER_RATE), e.getMessage());
      }
    }
  }
}
