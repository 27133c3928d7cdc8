package io.tributary.log.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** Which limit, if any, refuses one more connection. */
class ConnectionLimitsTest {
  static final InetAddress A = address("127.0.0.1");
  static final InetAddress B = address("127.0.0.2");

  /** Open counts before the new connection, and the key of the refusing limit (null = accepted). */
  private record Row(int openInAll, int openFromAddress, InetAddress address, String refusedBy) {}

  @Test
  void refusesAtTheFirstLimitReached() {
    // max.connections 10, per ip 3, B overridden to 5.
    ConnectionLimits limits = new ConnectionLimits(10, 3, Map.of(B, 5));
    List<Row> table = List.of(
        new Row(0, 0, A, null),
        new Row(9, 2, A, null),
        new Row(10, 0, A, "max.connections"),                   // in all first, even from a new address
        new Row(10, 5, B, "max.connections"),
        new Row(5, 3, A, "max.connections.per.ip"),
        new Row(5, 3, B, null),                                 // B's override is higher
        new Row(5, 4, B, null),
        new Row(5, 5, B, "max.connections.per.ip.overrides"));
    for (Row row : table) {
      ConnectionLimits.Refusal refusal = limits.refusal(row.openInAll(), row.openFromAddress(), row.address());
      assertEquals(row.refusedBy(), refusal == null ? null : refusal.key(), row.toString());
    }
  }

  @Test
  void defaultsRefuseNothingAndZeroRefusesEverything() {
    assertNull(ConnectionLimits.UNLIMITED.refusal(Integer.MAX_VALUE - 1, Integer.MAX_VALUE - 1, A));
    ConnectionLimits onlyB = new ConnectionLimits(100, 0, Map.of(B, 2));
    assertEquals(new ConnectionLimits.Refusal("max.connections.per.ip", 0), onlyB.refusal(0, 0, A));
    assertNull(onlyB.refusal(0, 0, B));
  }

  @Test
  void parsesKafkaOverrideSyntax() {
    assertEquals(Map.of(A, 7, B, 0), ConnectionLimits.parseOverrides("k", "127.0.0.1:7, 127.0.0.2:0"));
    assertEquals(Map.of(address("::1"), 4), ConnectionLimits.parseOverrides("k", "::1:4"));
    assertEquals(Map.of(), ConnectionLimits.parseOverrides("k", ""));
    for (String bad : List.of("127.0.0.1", "127.0.0.1:x", "127.0.0.1:-1", ":3")) {
      assertThrows(ConfigException.class, () -> ConnectionLimits.parseOverrides("k", bad), bad);
    }
  }

  @Test
  void quotasCountPerAddressAndFreeOnClose() {
    ConnectionQuotas quotas = new ConnectionQuotas(new ConnectionLimits(3, 2, Map.of()));
    assertNull(quotas.tryOpen(A));
    assertNull(quotas.tryOpen(A));
    assertEquals("max.connections.per.ip", quotas.tryOpen(A).key());
    assertNull(quotas.tryOpen(B));
    assertEquals("max.connections", quotas.tryOpen(B).key());
    assertEquals(3, quotas.openInAll(), "refused connections are not counted");
    quotas.closed(A);
    assertEquals(1, quotas.openFrom(A));
    assertNull(quotas.tryOpen(B));
    assertEquals(2, quotas.openFrom(B));
    quotas.closed(B);
    quotas.closed(B);
    quotas.closed(A);
    assertEquals(0, quotas.openInAll());
    assertThrows(IllegalStateException.class, () -> quotas.closed(A));
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
