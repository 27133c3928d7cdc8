package io.tributary.log.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What compaction removes of transactions, as tables: batches in offset order in, verdicts out. */
class CleanedTransactionsTest {

  /**
   * Each row: the aborted transactions (pid:first:marker), the walk ("d pid offset" a transactional data batch,
   * "n pid offset" a non-transactional one, "a pid offset"/"c pid offset" an ABORT/COMMIT marker), and the verdicts
   * (for data: discard the batch; for markers: discardable).
   */
  static Stream<Arguments> walks() {
    return Stream.of(
        Arguments.of("committed data keeps its marker",
            List.of(), List.of("d 1 0", "c 1 1"), List.of(false, false)),
        Arguments.of("a commit marker without data left is discardable",
            List.of(), List.of("c 1 5"), List.of(true)),
        Arguments.of("aborted data goes; its marker stays while data was seen",
            List.of("1:0:2"), List.of("d 1 0", "d 1 1", "a 1 2"), List.of(true, true, false)),
        Arguments.of("an abort marker with its data gone is discardable",
            List.of("1:0:2"), List.of("a 1 2"), List.of(true)),
        Arguments.of("interleaved: only the aborted producer's batches go",
            List.of("2:1:4"), List.of("d 1 0", "d 2 1", "n 3 2", "d 1 3", "a 2 4", "c 1 5"),
            List.of(false, true, false, false, false, false)),
        Arguments.of("the same producer's next transaction is not aborted",
            List.of("1:0:1"), List.of("d 1 0", "a 1 1", "d 1 2", "c 1 3"), List.of(true, false, false, false)),
        Arguments.of("non-transactional batches of an aborting producer stay",
            List.of("1:0:2"), List.of("d 1 0", "n 1 1", "a 1 2"), List.of(true, false, false)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("walks")
  void verdicts(String name, List<String> aborted, List<String> walk, List<Boolean> expected) {
    List<AbortedTxn> txns = new ArrayList<>();
    for (String a : aborted) {
      String[] f = a.split(":");
      txns.add(new AbortedTxn(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[2]) + 1));
    }
    CleanedTransactions cleaning = new CleanedTransactions(txns);
    List<Boolean> verdicts = new ArrayList<>();
    for (String step : walk) {
      String[] f = step.split(" ");
      long pid = Long.parseLong(f[1]);
      long offset = Long.parseLong(f[2]);
      verdicts.add(switch (f[0]) {
        case "d" -> cleaning.discardDataBatch(pid, true, offset);
        case "n" -> cleaning.discardDataBatch(pid, false, offset);
        case "a" -> cleaning.markerDiscardable(pid, offset, true);
        case "c" -> cleaning.markerDiscardable(pid, offset, false);
        default -> throw new IllegalArgumentException(step);
      });
    }
    assertEquals(expected, verdicts);
  }
}
