package io.tributary.log.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.log.cluster.Controller.ActivationBackoff;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The waits between a controller's attempts to start its epoch: doubling, and bounded. */
class ActivationBackoffTest {
  @Test
  void theWaitDoublesUpToItsBound() {
    record Row(long waitedMs, long nextMs) {}
    List<Row> table = List.of(
        new Row(ActivationBackoff.FIRST_RETRY_MS, 200),
        new Row(200, 400),
        new Row(2_000, 4_000),
        new Row(4_000, ActivationBackoff.MAX_RETRY_MS),
        new Row(ActivationBackoff.MAX_RETRY_MS, ActivationBackoff.MAX_RETRY_MS));
    for (Row row : table) {
      assertEquals(row.nextMs(), ActivationBackoff.next(row.waitedMs()), row.toString());
    }
  }
}
