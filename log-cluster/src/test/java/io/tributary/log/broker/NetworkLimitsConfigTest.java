package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.network.ConnectionLimits;
import io.tributary.log.network.NetworkLimits;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The network limits' keys: Kafka's defaults, and invalid values refused with the key named. */
class NetworkLimitsConfigTest {

  @Test
  void defaultsAreKafkas() {
    NetworkLimits limits = BrokerConfig.of(Map.of()).networkLimits();
    assertEquals(NetworkLimits.DEFAULTS, limits);
    assertEquals(new NetworkLimits(ConnectionLimits.UNLIMITED, 600_000, -1), limits);
  }

  @Test
  void givenValuesAreUsed() throws Exception {
    NetworkLimits limits = BrokerConfig.of(Map.of(
        "max.connections", "100", "max.connections.per.ip", "10", "max.connections.per.ip.overrides", "127.0.0.2:20",
        "connections.max.idle.ms", "5000", "queued.max.request.bytes", "1048576")).networkLimits();
    assertEquals(new NetworkLimits(new ConnectionLimits(100, 10, Map.of(InetAddress.getByName("127.0.0.2"), 20)),
        5000, 1_048_576), limits);
  }

  /** A key and a value it refuses. */
  private record Invalid(String key, String value) {}

  @Test
  void invalidValuesAreRefusedNamingTheirKey() {
    List<Invalid> table = List.of(
        new Invalid("queued.max.request.bytes", "0"),
        new Invalid("queued.max.request.bytes", "-2"),
        new Invalid("connections.max.idle.ms", "0"),
        new Invalid("max.connections", "-1"),
        new Invalid("max.connections.per.ip", "-1"),
        new Invalid("max.connections.per.ip.overrides", "127.0.0.1"),
        new Invalid("max.connections.per.ip.overrides", "127.0.0.1:many"));
    for (Invalid row : table) {
      ConfigException e = assertThrows(ConfigException.class, () -> BrokerConfig.of(Map.of(row.key(), row.value())), row.toString());
      assertTrue(e.getMessage().contains(row.key()), e.getMessage());
    }
  }
}
