package io.tributary.log.cluster;

import static io.tributary.log.cluster.ExistingRegistration.Probe.LISTENING;
import static io.tributary.log.cluster.ExistingRegistration.Probe.NO_ANSWER;
import static io.tributary.log.cluster.ExistingRegistration.Probe.REFUSED;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.log.cluster.ExistingRegistration.Probe;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which brokers a round of probes judges dead: refused in a row after listening, never paused or unknown ones. */
class BrokerLivenessTest {
  @Test
  void aBrokerIsDeadAfterThreeRefusalsInARowOnceSeenListening() {
    record Row(String why, List<Probe> probes, List<Boolean> deadAfterEach) {}
    List<Row> table = List.of(
        new Row("killed: refused three times after listening", List.of(LISTENING, REFUSED, REFUSED, REFUSED, REFUSED),
            List.of(false, false, false, true, true)),
        new Row("frozen or overloaded: no answer is not a refusal", List.of(LISTENING, NO_ANSWER, NO_ANSWER, NO_ANSWER, NO_ANSWER),
            List.of(false, false, false, false, false)),
        new Row("a refusal streak broken by an answer starts again", List.of(LISTENING, REFUSED, REFUSED, LISTENING, REFUSED, REFUSED),
            List.of(false, false, false, false, false, false)),
        new Row("a streak broken by silence starts again", List.of(LISTENING, REFUSED, REFUSED, NO_ANSWER, REFUSED, REFUSED, REFUSED),
            List.of(false, false, false, false, false, false, true)),
        new Row("never seen listening (a wrong advertised listener): never judged", List.of(REFUSED, REFUSED, REFUSED, REFUSED),
            List.of(false, false, false, false)),
        new Row("restarted after being judged dead: alive again", List.of(LISTENING, REFUSED, REFUSED, REFUSED, LISTENING),
            List.of(false, false, false, true, false)));
    for (Row row : table) {
      BrokerLiveness liveness = new BrokerLiveness();
      for (int i = 0; i < row.probes().size(); i++) {
        List<Integer> dead = liveness.observe(Map.of(7, row.probes().get(i)));
        assertEquals(row.deadAfterEach().get(i) ? List.of(7) : List.of(), dead, row.why() + ", after probe " + (i + 1));
      }
    }
  }

  @Test
  void brokersAreJudgedEachOnTheirOwnAndForgottenOnceDeregistered() {
    BrokerLiveness liveness = new BrokerLiveness();
    liveness.observe(Map.of(1, LISTENING, 2, LISTENING, 3, LISTENING));
    for (int i = 0; i < BrokerLiveness.REFUSALS_BEFORE_DEAD - 1; i++) {
      assertEquals(List.of(), liveness.observe(Map.of(1, REFUSED, 2, NO_ANSWER, 3, REFUSED)));
    }
    assertEquals(List.of(1, 3), liveness.observe(Map.of(1, REFUSED, 2, LISTENING, 3, REFUSED)));
    // Broker 1's registration is gone; when it registers again it must be seen listening before any verdict.
    assertEquals(List.of(3), liveness.observe(Map.of(2, LISTENING, 3, REFUSED)));
    assertEquals(List.of(), liveness.observe(Map.of(1, REFUSED, 2, LISTENING)));
  }
}
