package io.tributary.connect.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a restarted source does with each re-read line: a table of (progress, line, good?, written already?).
 */
class FileProgressTest {

  record Case(FileProgress progress, long line, boolean good, boolean alreadyWritten) {}

  @Test
  void decidesWhichReReadLinesAreAlreadyInTheLog() {
    FileProgress checkpointAt5 = new FileProgress(100, 5, 0, 0);
    // after a crash: the sink topic holds good lines up to 9, the dead-letter topic bad lines up to 6
    FileProgress scanned = checkpointAt5.withWritten(9, true).withWritten(6, false);
    List<Case> cases = List.of(
        new Case(FileProgress.START, 1, true, false),
        new Case(checkpointAt5, 4, true, true),
        new Case(checkpointAt5, 4, false, true),
        new Case(checkpointAt5, 5, true, false),
        new Case(scanned, 7, true, true),
        new Case(scanned, 9, true, true),
        new Case(scanned, 10, true, false),
        new Case(scanned, 6, false, true),
        new Case(scanned, 7, false, false), // bad line 7 never reached the dead-letter topic
        new Case(scanned, 8, false, false));
    for (Case c : cases) {
      assertEquals(c.alreadyWritten(), c.progress().alreadyWritten(c.line(), c.good()), c.toString());
    }
  }

  @Test
  void mergeTakesTheLaterPositionAndTheHigherThresholds() {
    FileProgress a = new FileProgress(100, 5, 7, 0);
    FileProgress b = new FileProgress(50, 3, 2, 6);
    assertEquals(new FileProgress(100, 5, 7, 6), a.merge(b));
    assertEquals(new FileProgress(100, 5, 7, 6), b.merge(a));
    assertEquals(new FileProgress(0, 1, 12, 0), FileProgress.START.merge(FileProgress.START.withWritten(12, true)));
  }

  @Test
  void positionsOnlyGrow() {
    FileProgress p = new FileProgress(100, 5, 0, 0);
    assertEquals(new FileProgress(120, 6, 0, 0), p.advancedTo(120, 6));
    assertThrows(IllegalStateException.class, () -> p.advancedTo(90, 6));
    assertThrows(IllegalArgumentException.class, () -> new FileProgress(0, 0, 0, 0));
  }
}
