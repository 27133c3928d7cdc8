package io.tributary.connect.hudi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CommitPolicyTest {
  @Test
  void commitsWhenEnoughRowsAreBufferedWhateverTheClock() {
    CommitPolicy p = new CommitPolicy(5000, 100, 0);
    assertFalse(p.due(99, 99, 10));
    assertTrue(p.due(100, 100, 10));
  }

  @Test
  void commitsOnTheIntervalOnlyWhenSomethingWasConsumed() {
    CommitPolicy p = new CommitPolicy(5000, 100, 1000);
    assertFalse(p.due(3, 3, 5999));
    assertTrue(p.due(3, 3, 6000));
    assertTrue(p.due(0, 4, 6000), "filtered or dead-lettered records move the position too");
    assertFalse(p.due(0, 0, 60_000), "an idle topic makes no empty commits");
    p.committed(6000);
    assertFalse(p.due(3, 3, 10_999));
    assertEquals(1000, p.msUntilInterval(10_000));
    assertEquals(0, p.msUntilInterval(12_000));
  }

  @Test
  void commitsWhenEnoughBytesAreBufferedWhateverTheRowCountAndClock() {
    CommitPolicy p = new CommitPolicy(5000, 1000, 4096, 0);
    assertFalse(p.due(10, 4095, 10, 10));
    assertTrue(p.due(10, 4096, 10, 10), "commit.bytes reached");
    assertTrue(p.due(1000, 0, 1000, 10), "commit.records reached");
    assertTrue(p.full(1, 5000));
    assertFalse(p.full(999, 4095));
  }
}
