package io.tributary.log.replication.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Runs the replication simulation over many seeds ({@code -Dsim.seeds=N}, default 10,000, starting at
 * {@code -Dsim.firstSeed}) or replays one ({@code -Dsim.seed=N}). A failure names the seed and prints its steps.
 */
class ReplicationSimulationTest {

  @Test
  void everySeedKeepsTheReplicationRules() {
    String one = System.getProperty("sim.seed");
    if (one != null && !one.isBlank()) {
      ReplicationSimulation.Result r = ReplicationSimulation.run(Long.parseLong(one.trim()));
      System.out.println("sim seed " + r.seed() + ": " + r);
      return;
    }
    long first = Long.getLong("sim.firstSeed", 1);
    long count = Long.getLong("sim.seeds", 2_000);
    long steps = 0;
    long acknowledged = 0;
    long crashes = 0;
    long started = System.nanoTime();
    for (long seed = first; seed < first + count; seed++) {
      ReplicationSimulation.Result r = ReplicationSimulation.run(seed);
      steps += r.steps();
      acknowledged += r.acknowledged();
      crashes += r.crashes();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf("sim: %d seeds (%d..%d), %d steps, %d acknowledged records, %d crashes in %.1f s (%.0f seeds/s)%n",
        count, first, first + count - 1, steps, acknowledged, crashes, seconds, count / seconds);
    assertTrue(acknowledged > count, "the producers got records acknowledged: " + acknowledged);
    assertTrue(crashes > 0, "crashes happened");
  }

  @Test
  void oneSeedIsReplayedExactly() {
    assertEquals(ReplicationSimulation.run(42), ReplicationSimulation.run(42));
  }
}
