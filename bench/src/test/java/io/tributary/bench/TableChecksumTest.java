package io.tributary.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The CDC benchmark's equality check and its option checks; nothing here starts a server. */
class TableChecksumTest {

  @Test
  void rowsRenderEveryColumnWithNullsAsNull() {
    // columns -> row text
    Object[][] cases = {
        {new Object[] {1, "item-1", 5, "12.30", null}, "1|item-1|5|12.30|null"},
        {new Object[] {-3, "marker", null, "0.00", "x|y"}, "-3|marker|null|0.00|x|y"},
        {new Object[] {}, ""},
    };
    for (Object[] c : cases) {
      assertEquals(c[1], TableChecksum.row((Object[]) c[0]));
    }
  }

  @Test
  void equalTablesHaveEqualChecksumsAndAnyDifferenceShows() {
    List<String> base = List.of("1|a|1|1.00|null", "2|b|2|2.00|n");
    assertEquals(TableChecksum.of(base), TableChecksum.of(List.copyOf(base)));
    List<List<String>> different = List.of(
        List.of("1|a|1|1.00|null"),                       // a row missing
        List.of("1|a|1|1.00|null", "2|b|2|2.01|n"),        // a column changed
        List.of("2|b|2|2.00|n", "1|a|1|1.00|null"),        // out of key order
        List.of("1|a|1|1.00|", "2|b|2|2.00|n"));           // null vs empty
    for (List<String> d : different) {
      assertNotEquals(TableChecksum.of(base), TableChecksum.of(d), d.toString());
    }
    assertEquals(2, TableChecksum.of(base).rows());
  }

  @Test
  void onlyInNamesTheRowsOneSideLacks() {
    List<String> pg = List.of("1|a", "2|b", "3|c");
    List<String> hudi = List.of("1|a", "3|x", "4|d");
    assertEquals(List.of("2|b", "3|c"), TableChecksum.onlyIn(pg, hudi, 10));
    assertEquals(List.of("3|x", "4|d"), TableChecksum.onlyIn(hudi, pg, 10));
    assertEquals(List.of("2|b"), TableChecksum.onlyIn(pg, hudi, 1));
  }

  @Test
  void tableTypesAreHudisNamesAndAnythingElseIsRefused() {
    // given -> accepted as
    String[][] ok = {{"COPY_ON_WRITE", "COPY_ON_WRITE"}, {"merge_on_read", "MERGE_ON_READ"}, {" MERGE_ON_READ ",
        "MERGE_ON_READ"}};
    for (String[] c : ok) {
      assertEquals(c[1], CdcHudiBench.tableType(c[0]));
    }
    for (String bad : List.of("COW", "MOR", "", "copy-on-write")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CdcHudiBench.tableType(bad));
      assertTrue(e.getMessage().contains("--table-type") && e.getMessage().contains("COPY_ON_WRITE or MERGE_ON_READ")
          && e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
  }
}
