package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.embedded.EmbeddedCluster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * max.connections, max.connections.per.ip (with overrides) and connections.max.idle.ms over real
 * sockets against a real broker. 127.0.0.1 and 127.0.0.2 are two addresses of this machine's lo.
 */
class ConnectionLimitsBrokerTest {
  /** How long a refused or idle connection may take to be closed by the broker. */
  static final int CLOSE_WITHIN_MS = 5_000;
  /** How long an accepted connection must stay open to count as not refused. */
  static final int STAYS_OPEN_MS = 500;

  @TempDir Path dir;

  @Test
  void theConnectionOverMaxConnectionsIsRefusedUntilOneCloses() throws Exception {
    int max = 4;
    try (EmbeddedCluster cluster = EmbeddedCluster.start(1, dir, Map.of("max.connections", Integer.toString(max)))) {
      int port = cluster.broker(0).boundPort();
      List<RawConnection> open = new ArrayList<>();
      try {
        for (int i = 0; i < max; i++) {
          RawConnection c = RawConnection.open(port);
          assertEquals(Errors.NONE.code(), c.apiVersions(i), "connection " + (i + 1) + " of " + max + " is served");
          open.add(c);
        }
        try (RawConnection refused = RawConnection.open(port)) {
          assertTrue(refused.closedByBroker(CLOSE_WITHIN_MS), "connection " + (max + 1) + " is closed at accept");
        }
        open.remove(0).close();
        try (RawConnection accepted = acceptedWhenSlotFrees(port, "127.0.0.1")) {
          assertEquals(Errors.NONE.code(), accepted.apiVersions(99));
        }
      } finally {
        closeAll(open);
      }
    }
  }

  @Test
  void thePerIpLimitCountsEachAddressAndOverridesReplaceIt() throws Exception {
    Map<String, String> overrides = Map.of(
        "max.connections.per.ip", "2",
        "max.connections.per.ip.overrides", "127.0.0.2:3");
    try (EmbeddedCluster cluster = EmbeddedCluster.start(1, dir, overrides)) {
      int port = cluster.broker(0).boundPort();
      List<RawConnection> open = new ArrayList<>();
      try {
        for (int i = 0; i < 2; i++) {
          open.add(RawConnection.open("127.0.0.1", port));
        }
        for (int i = 0; i < 3; i++) {
          open.add(RawConnection.open("127.0.0.2", port));
        }
        for (RawConnection c : open) {
          assertEquals(Errors.NONE.code(), c.apiVersions(7), "within its address's limit: " + c.socket);
        }
        try (RawConnection third = RawConnection.open("127.0.0.1", port)) {
          assertTrue(third.closedByBroker(CLOSE_WITHIN_MS), "a third from 127.0.0.1 is over max.connections.per.ip=2");
        }
        try (RawConnection fourth = RawConnection.open("127.0.0.2", port)) {
          assertTrue(fourth.closedByBroker(CLOSE_WITHIN_MS), "a fourth from 127.0.0.2 is over its override of 3");
        }
        open.remove(0).close();
        try (RawConnection accepted = acceptedWhenSlotFrees(port, "127.0.0.1")) {
          assertEquals(Errors.NONE.code(), accepted.apiVersions(8));
        }
      } finally {
        closeAll(open);
      }
    }
  }

  @Test
  void anIdleConnectionIsClosedAfterTheIdleTimeAndABusyOneIsNot() throws Exception {
    int idleMs = 1_000;
    try (EmbeddedCluster cluster = EmbeddedCluster.start(1, dir, Map.of("connections.max.idle.ms", Integer.toString(idleMs)))) {
      int port = cluster.broker(0).boundPort();
      try (RawConnection idle = RawConnection.open(port); RawConnection busy = RawConnection.open(port)) {
        assertEquals(Errors.NONE.code(), idle.apiVersions(1));
        long until = System.currentTimeMillis() + 3L * idleMs;
        int id = 0;
        while (System.currentTimeMillis() < until) {
          assertEquals(Errors.NONE.code(), busy.apiVersions(id++), "a connection in use is never idle");
          Thread.sleep(idleMs / 4);
        }
        assertTrue(idle.closedByBroker(CLOSE_WITHIN_MS), "closed after " + idleMs + " ms without traffic");
        assertFalse(busy.closedByBroker(STAYS_OPEN_MS));
      }
      // Stopped midway through a frame: its half-received bytes do not keep it open.
      try (RawConnection stalled = RawConnection.open(port)) {
        stalled.write(new byte[] {0, 0, 1, 0, 0, 18});
        assertTrue(stalled.closedByBroker(idleMs + CLOSE_WITHIN_MS), "a half-sent frame idles out too");
      }
    }
  }

  private static void closeAll(List<RawConnection> connections) throws IOException {
    for (RawConnection c : connections) {
      c.close();
    }
  }

  /** The broker uncounts a closed connection when it sees the close: retry briefly until a new one stays open. */
  private static RawConnection acceptedWhenSlotFrees(int port, String from) throws Exception {
    long deadline = System.currentTimeMillis() + CLOSE_WITHIN_MS;
    while (true) {
      RawConnection c = RawConnection.open(from, port);
      if (!c.closedByBroker(STAYS_OPEN_MS)) {
        return c;
      }
      c.close();
      assertTrue(System.currentTimeMillis() < deadline, "a connection is accepted again after one closed");
    }
  }
}
