package io.tributary.log.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tributary.log.storage.OpenTransactions.CompletedTxn;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The open-transaction tracker and the last-stable-offset rule, as tables. */
class OpenTransactionsTest {

  static Stream<Arguments> lastStableOffsets() {
    return Stream.of(
        // high watermark, first unstable offset (-1: none), expected LSO
        Arguments.of(10L, -1L, 10L),   // nothing open: the high watermark
        Arguments.of(10L, 4L, 4L),     // an open transaction below the HW holds the LSO at its first offset
        Arguments.of(10L, 10L, 10L),   // starting at the HW
        Arguments.of(10L, 15L, 10L),   // open above the HW (not yet replicated): the LSO never passes the HW
        Arguments.of(0L, 0L, 0L));
  }

  @ParameterizedTest(name = "HW {0}, first unstable {1} -> LSO {2}")
  @MethodSource("lastStableOffsets")
  void lastStableOffsetIsTheLowerOfHighWatermarkAndOldestOpenTransaction(long hw, long firstUnstable, long expected) {
    OptionalLong unstable = firstUnstable < 0 ? OptionalLong.empty() : OptionalLong.of(firstUnstable);
    assertEquals(expected, OpenTransactions.lastStableOffset(hw, unstable));
  }

  /** Each row: a sequence of steps "open pid offset" / "remove pid", then the expected first unstable offset. */
  static Stream<Arguments> trackerSteps() {
    return Stream.of(
        Arguments.of(new String[] {}, -1L),
        Arguments.of(new String[] {"open 1 5"}, 5L),
        Arguments.of(new String[] {"open 1 5", "open 2 7"}, 5L),
        Arguments.of(new String[] {"open 1 5", "open 2 7", "remove 1"}, 7L),
        Arguments.of(new String[] {"open 1 5", "open 2 7", "remove 2"}, 5L),
        Arguments.of(new String[] {"open 1 5", "open 1 9"}, 5L),            // already open: its first offset stays
        Arguments.of(new String[] {"open 1 5", "remove 1", "open 1 9"}, 9L), // the next transaction of the producer
        Arguments.of(new String[] {"remove 3"}, -1L),                        // a marker without data here
        Arguments.of(new String[] {"open 1 5", "open 2 3", "remove 2", "remove 1"}, -1L));
  }

  @ParameterizedTest(name = "{index}: {0} -> first unstable {1}")
  @MethodSource("trackerSteps")
  void firstUnstableOffsetFollowsOpensAndCloses(String[] steps, long expected) {
    OpenTransactions open = new OpenTransactions();
    for (String step : steps) {
      String[] w = step.split(" ");
      if (w[0].equals("open")) {
        open.open(Long.parseLong(w[1]), Long.parseLong(w[2]));
      } else {
        open.remove(Long.parseLong(w[1]));
      }
    }
    assertEquals(expected < 0 ? OptionalLong.empty() : OptionalLong.of(expected), open.firstUnstableOffset());
  }

  static Stream<Arguments> lastStableOffsetsAfterAbort() {
    return Stream.of(
        // open transactions as pid:firstOffset, the completed txn (pid, first, marker), expected LSO in its index entry
        Arguments.of(new String[] {}, 1L, 0L, 5L, 6L),                   // nothing else open: after the marker
        Arguments.of(new String[] {"2:3"}, 1L, 0L, 5L, 3L),             // another open transaction holds it
        Arguments.of(new String[] {"1:0"}, 1L, 0L, 5L, 6L),             // its own entry (not yet removed) does not count
        Arguments.of(new String[] {"1:0", "2:8", "3:4"}, 1L, 0L, 9L, 4L));
  }

  @ParameterizedTest(name = "{index}: open {0}, abort of {1} [{2}, {3}] -> LSO {4}")
  @MethodSource("lastStableOffsetsAfterAbort")
  void abortedEntryRecordsTheStableOffsetAfterIt(String[] openTxns, long pid, long first, long marker, long expected) {
    OpenTransactions open = new OpenTransactions();
    for (String o : openTxns) {
      String[] w = o.split(":");
      open.open(Long.parseLong(w[0]), Long.parseLong(w[1]));
    }
    assertEquals(expected, open.lastStableOffsetAfter(new CompletedTxn(pid, first, marker, true)));
  }

  static Stream<Arguments> closedBy() {
    return Stream.of(
        // open first offset (-1: none), marker offset, expected first offset of the completed transaction
        Arguments.of(3L, 9L, 3L),
        Arguments.of(-1L, 9L, 9L)); // an empty transaction on this partition starts at its marker
  }

  @ParameterizedTest(name = "open at {0}, marker at {1} -> [{2}, {1}]")
  @MethodSource("closedBy")
  void markerClosesTheOpenTransactionOrAnEmptyOne(long openFirst, long marker, long expectedFirst) {
    CompletedTxn txn = CompletedTxn.closedBy(7L, openFirst, marker, false);
    assertEquals(new CompletedTxn(7L, expectedFirst, marker, false), txn);
  }

  @Test
  void transactionCannotStartAfterItsMarker() {
    assertThrows(IllegalArgumentException.class, () -> new CompletedTxn(1L, 10L, 9L, true));
  }
}
