package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** When a leader whose ZooKeeper session is suspended fences itself: sequences of connection events. */
class SuspendedSessionFenceTest {
  private static final long BOUND_MS = 1_000;

  /** An event at a time: "S" suspended, "C" connected again, "?" asks whether the fence is due. */
  record Step(String event, long atMs, boolean fenceDue) {}

  private static void run(List<Step> steps) {
    SuspendedSessionFence fence = new SuspendedSessionFence(BOUND_MS);
    for (Step step : steps) {
      switch (step.event()) {
        case "S" -> fence.suspended(step.atMs());
        case "C" -> fence.connected();
        case "?" -> assertEquals(step.fenceDue(), fence.fenceDue(step.atMs()), step.toString());
        default -> throw new IllegalArgumentException(step.event());
      }
    }
  }

  @Test
  void aConnectedSessionNeverFences() {
    run(List.of(new Step("?", 0, false), new Step("?", 1_000_000, false)));
  }

  @Test
  void aSuspensionFencesOnceItHasLastedTheBound() {
    run(List.of(new Step("S", 100, false), new Step("?", 1_099, false), new Step("?", 1_100, true),
        new Step("?", 5_000, false))); // once per suspension
  }

  @Test
  void aRepeatedSuspendedReportKeepsTheFirstTime() {
    run(List.of(new Step("S", 100, false), new Step("S", 900, false), new Step("?", 1_100, true)));
  }

  @Test
  void aReconnectBeforeTheBoundCancelsTheFence() {
    run(List.of(new Step("S", 100, false), new Step("C", 600, false), new Step("?", 1_100, false)));
  }

  @Test
  void eachSuspensionIsTimedFromItsOwnStart() {
    run(List.of(new Step("S", 0, false), new Step("?", 1_000, true), new Step("C", 1_500, false),
        new Step("S", 2_000, false), new Step("?", 2_999, false), new Step("?", 3_000, true)));
  }

  @Test
  void theBoundIsAQuarterOfTheSessionTimeout() {
    assertEquals(4_500, SuspendedSessionFence.boundMs(18_000));
    assertEquals(1_500, SuspendedSessionFence.boundMs(6_000));
    assertThrows(IllegalArgumentException.class, () -> new SuspendedSessionFence(0));
  }
}
