package io.tributary.log.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class FaultScheduleTest {
  private static final Set<FaultKind> ALL = EnumSet.allOf(FaultKind.class);
  private static final Set<FaultKind> PROCESSES_ONLY = ALL.stream().filter(k -> k.needs == FaultKind.Needs.PROCESSES)
      .collect(Collectors.toCollection(() -> EnumSet.noneOf(FaultKind.class)));

  private static FaultSchedule.Shape shape(Set<FaultKind> enabled) {
    return new FaultSchedule.Shape(3, 3, 2, enabled);
  }

  @ParameterizedTest(name = "seed {0}, {1} faults, all kinds: {2}")
  @CsvSource({
      "1, 0, true", "1, 1, true", "7, 12, true", "42, 100, true", "-5, 250, true",
      "1, 12, false", "99, 100, false"})
  void exactlyTheAskedNumberOfFaultsWithValidTargetsAndHolds(long seed, int faults, boolean all) {
    Set<FaultKind> enabled = all ? ALL : PROCESSES_ONLY;
    List<Fault> plan = FaultSchedule.plan(seed, faults, shape(enabled));
    assertEquals(faults, plan.stream().filter(f -> !f.kind().isOperation()).count());
    for (int i = 0; i < plan.size(); i++) {
      Fault f = plan.get(i);
      assertEquals(i, f.step());
      assertTrue(enabled.contains(f.kind()), f + " is not enabled");
      if (f.kind().isOperation()) {
        assertEquals(0, f.holdMs(), f.toString());
        continue;
      }
      assertTrue(f.holdMs() >= FaultSchedule.MIN_HOLD_MS && f.holdMs() <= FaultSchedule.MAX_HOLD_MS, f.toString());
      switch (f.kind()) {
        case KILL_CONTROLLER, PAUSE_CONTROLLER -> assertEquals(-1, f.target(), f.toString());
        case KILL_ZOOKEEPER, PAUSE_ZOOKEEPER, KILL_BROKER, PAUSE_BROKER, PARTITION_BROKER_FROM_ZOOKEEPER ->
            assertTrue(f.target() >= 0 && f.target() < 3, f.toString());
        case PARTITION_BROKERS -> {
          assertTrue(f.target() >= 0 && f.target() < 3 && f.peer() >= 0 && f.peer() < 3, f.toString());
          assertNotEquals(f.target(), f.peer(), f.toString());
        }
        case FULL_DISK -> assertEquals(2, f.target(), f.toString());
        default -> throw new AssertionError("unexpected " + f);
      }
    }
  }

  @ParameterizedTest(name = "seed {0}: {1} faults cover every enabled kind")
  @CsvSource({"1, 12", "2, 12", "3, 100"})
  void aRunOfAtLeastTheKindsCoversEveryKind(long seed, int faults) {
    List<Fault> plan = FaultSchedule.plan(seed, faults, shape(ALL));
    assertEquals(ALL, plan.stream().map(Fault::kind).collect(Collectors.toCollection(() -> EnumSet.noneOf(FaultKind.class))));
  }

  @Test
  void theSameSeedGivesTheSamePlanAndAnotherSeedAnother() {
    assertEquals(FaultSchedule.plan(15, 100, shape(ALL)), FaultSchedule.plan(15, 100, shape(ALL)));
    assertNotEquals(FaultSchedule.plan(15, 100, shape(ALL)), FaultSchedule.plan(16, 100, shape(ALL)));
  }

  @Test
  void aRunOfManyFaultsMixesOperationsIn() {
    List<Fault> plan = FaultSchedule.plan(3, 100, shape(ALL));
    assertTrue(plan.stream().filter(f -> f.kind().isOperation()).count() > 5, plan.toString());
  }

  @Test
  void badShapesAreRefusedNamingTheProblem() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new FaultSchedule.Shape(1, 3, 0, ALL))
        .getMessage().contains("at least 2 brokers"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new FaultSchedule.Shape(3, 3, 0, EnumSet.of(FaultKind.REASSIGN_PARTITIONS))).getMessage().contains("no fault kind"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new FaultSchedule.Shape(3, 3, 3, ALL))
        .getMessage().contains("fullDiskBroker 3"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> FaultSchedule.plan(1, -1, shape(ALL)))
        .getMessage().contains("faults must be >= 0"));
  }
}
