package io.tributary.log.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The replication rate quota over Kafka's 11 one-second windows, on a hand-moved clock, as a table. */
class ReplicationQuotaTest {
  /** {@code recorded}: {atMs, bytes} pairs; then the rate and the verdict at {@code checkMs}. */
  record Row(String what, long limit, long[][] recorded, long checkMs, double expectedRate, boolean exceeded) {}

  @Test
  void table() {
    long limit = 1_000; // bytes/s
    List<Row> rows = List.of(
        new Row("nothing moved", limit, new long[][] {}, 0, 0, false),
        new Row("a burst counts over at least 10 s", limit, new long[][] {{0, 10_000}}, 100, 1_000, false),
        new Row("more than 10 s worth at once", limit, new long[][] {{0, 10_001}}, 100, 1_000.1, true),
        // 11 windows (5 s .. 15 s) of 900 bytes over the 10.5 s since the oldest began.
        new Row("steady below the limit over 15 s", limit, steady(15, 900), 15_500, 11 * 900 * 1000.0 / 10_500, false),
        new Row("steady above the limit", limit, steady(15, 1_500), 15_000, 11 * 1_500 * 1000.0 / 10_000, true),
        new Row("old windows expire", limit, new long[][] {{0, 50_000}, {20_000, 100}}, 20_000, 10, false),
        new Row("unlimited is never exceeded", ReplicationQuota.UNLIMITED, new long[][] {{0, 1L << 40}}, 0, (1L << 40) / 10.0, false));
    for (Row r : rows) {
      ReplicationQuota q = new ReplicationQuota(r.limit());
      for (long[] rec : r.recorded()) {
        q.record(rec[1], rec[0]);
      }
      assertEquals(r.expectedRate(), q.rate(r.checkMs()), 0.01, r.what());
      assertEquals(r.exceeded(), q.isExceeded(r.checkMs()), r.what());
    }
  }

  /** {@code bytesPerSec} recorded once a second for {@code seconds} seconds, from 0. */
  private static long[][] steady(int seconds, long bytesPerSec) {
    long[][] out = new long[seconds + 1][];
    for (int s = 0; s <= seconds; s++) {
      out[s] = new long[] {s * 1_000L, bytesPerSec};
    }
    return out;
  }
}
