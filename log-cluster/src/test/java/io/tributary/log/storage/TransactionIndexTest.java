package io.tributary.log.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The aborted-transaction index of a segment: Kafka's 34-byte entries, lookups by range, truncation, torn files. */
class TransactionIndexTest {
  @TempDir Path dir;

  /** Producer 1 aborted [0, 5] (LSO 3 after it), producer 2 aborted [3, 9] (LSO 10), producer 3 aborted [12, 12] (LSO 20). */
  private static final List<AbortedTxn> ENTRIES = List.of(
      new AbortedTxn(1, 0, 5, 3), new AbortedTxn(2, 3, 9, 10), new AbortedTxn(3, 12, 12, 20));

  private TransactionIndex filled() throws IOException {
    TransactionIndex index = new TransactionIndex(TransactionIndex.file(dir, 0), 0);
    for (AbortedTxn txn : ENTRIES) {
      index.append(txn);
    }
    return index;
  }

  static Stream<Arguments> lookups() {
    return Stream.of(
        // fetch offset, upper bound, producers of the entries returned, whether the search is complete
        Arguments.of(0L, 3L, List.of(1L), true),       // [0,3): entry 1 overlaps; its LSO 3 reaches the bound
        Arguments.of(0L, 4L, List.of(1L, 2L), true),   // entry 2 starts at 3 < 4; its LSO 10 reaches the bound
        Arguments.of(6L, 10L, List.of(2L), true),      // entry 1 ended at 5 before the fetch
        Arguments.of(10L, 12L, List.of(), true),       // nothing overlaps; entry 3 (LSO 20) shows none opened later
        Arguments.of(10L, 13L, List.of(3L), true),
        Arguments.of(13L, 30L, List.of(), false));     // past every entry: later segments may hold more
  }

  @ParameterizedTest(name = "[{0}, {1}) -> {2}, complete {3}")
  @MethodSource("lookups")
  void collectsTheEntriesOverlappingTheRange(long fetchOffset, long upperBound, List<Long> producers, boolean complete) throws IOException {
    try (TransactionIndex index = filled()) {
      List<AbortedTxn> out = new ArrayList<>();
      assertEquals(complete, index.collect(fetchOffset, upperBound, out));
      assertEquals(producers, out.stream().map(AbortedTxn::producerId).toList());
    }
  }

  @Test
  void entriesAreKafkasLayoutAndSurviveReopenTruncationAndATornTail() throws IOException {
    Path file = TransactionIndex.file(dir, 0);
    try (TransactionIndex index = filled()) {
      index.flush();
    }
    assertEquals(3 * 34, Files.size(file));
    ByteBuffer first = ByteBuffer.wrap(Files.readAllBytes(file), 0, 34);
    assertEquals(0, first.getShort());            // version
    assertEquals(1, first.getLong());             // producer id
    assertEquals(0, first.getLong());             // first offset
    assertEquals(5, first.getLong());             // last offset
    assertEquals(3, first.getLong());             // last stable offset

    Files.write(file, new byte[] {0, 0, 7}, StandardOpenOption.APPEND); // a torn entry from a crash
    try (TransactionIndex index = new TransactionIndex(file, 0)) {
      index.loadKeepingWholeEntries();
      assertEquals(ENTRIES, index.all());
      index.truncateTo(9); // the marker at 9 goes, and the one after it
      assertEquals(ENTRIES.subList(0, 1), index.all());
      assertThrows(IllegalStateException.class, () -> index.append(new AbortedTxn(4, 0, 5, 6)), "markers come in offset order");
    }
    assertEquals(34, Files.size(file));
  }
}
