package io.tributary.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The figures read from kafka-tools 3.9.2's output, in the formats its classes print. */
class KafkaToolOutputTest {
  @Test
  void producerPerformanceSummaryIsTheLineWithPercentilesNotAPeriodicOne() {
    List<String> out = List.of(
        "540433 records sent, 108086.6 records/sec (10.31 MB/sec), 130.5 ms avg latency, 612.0 ms max latency.",
        "2000000 records sent, 108143.012345 records/sec (10.31 MB/sec), 150.20 ms avg latency, 800.00 ms max latency,"
            + " 120 ms 50th, 300 ms 95th, 400 ms 99th, 500 ms 99.9th.");
    assertEquals(new KafkaToolOutput.Produced(2_000_000, 108143.012345, 10.31, 150.20, 800.00, 120, 300, 400, 500),
        KafkaToolOutput.produced(out));
    assertThrows(IllegalArgumentException.class, () -> KafkaToolOutput.produced(out.subList(0, 1)));
  }

  @Test
  void consumerPerformanceColumnsAreReadByName() {
    List<String> out = List.of(
        "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms,"
            + " fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec",
        "2026-12-07 05:00:00:123, 2026-12-07 05:00:07:456, 190.7349, 26.0114, 2000000, 272740.3518, 4321, 3012,"
            + " 63.3250, 664010.6242");
    assertEquals(new KafkaToolOutput.Consumed(2_000_000, 272740.3518, 4321, 3012, 664010.6242), KafkaToolOutput.consumed(out));
    assertThrows(IllegalArgumentException.class, () -> KafkaToolOutput.consumed(List.of("Starting consumer...")));
  }

  @Test
  void endToEndLatencyAverageAndPercentiles() {
    List<String> out = List.of("0\t12", "1000\t2", "Avg latency: 2.3456 ms", "Percentiles: 50th = 2, 99th = 9, 99.9th = 31");
    assertEquals(new KafkaToolOutput.EndToEnd(2.3456, 2, 9, 31), KafkaToolOutput.endToEnd(out));
    assertThrows(IllegalArgumentException.class, () -> KafkaToolOutput.endToEnd(out.subList(0, 3)));
  }
}
