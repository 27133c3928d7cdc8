package io.tributary.log.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.log.cluster.ExistingRegistration.Action;
import io.tributary.log.cluster.ExistingRegistration.Probe;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a starting broker does about another session's registration of its broker.id. */
class ExistingRegistrationTest {
  @Test
  void aLiveBrokerIsRefusedAStoppedOneReplacedAnUnknownOneWaitedOut() {
    record Row(Probe probe, boolean waitedLongEnough, Action action) {}
    List<Row> table = List.of(
        new Row(Probe.LISTENING, false, Action.REFUSE),
        new Row(Probe.LISTENING, true, Action.REFUSE),
        new Row(Probe.REFUSED, false, Action.REPLACE_STALE),
        new Row(Probe.REFUSED, true, Action.REPLACE_STALE),
        new Row(Probe.NO_ANSWER, false, Action.WAIT),
        new Row(Probe.NO_ANSWER, true, Action.REFUSE));
    for (Row row : table) {
      assertEquals(row.action(), ExistingRegistration.decide(row.probe(), row.waitedLongEnough()), row.toString());
    }
  }

  @Test
  void theProbeTellsAListeningAddressFromAClosedOne() throws Exception {
    int closedPort;
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      BrokerInfo live = new BrokerInfo(1, "127.0.0.1", listener.getLocalPort(), "");
      assertEquals(Probe.LISTENING, ExistingRegistration.probe(live));
      closedPort = listener.getLocalPort();
    }
    assertEquals(Probe.REFUSED, ExistingRegistration.probe(new BrokerInfo(1, "127.0.0.1", closedPort, "")));
    assertEquals(Probe.NO_ANSWER, ExistingRegistration.probe(null), "a registration that did not decode");
  }
}
