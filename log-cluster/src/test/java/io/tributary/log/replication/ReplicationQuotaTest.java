package io.tributary.log.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The replication quota's allowance on a hand-moved clock, as a table; then the bound it keeps over any span. */
class ReplicationQuotaTest {
  static final long LIMIT = 1_000; // bytes/s

  /** {@code recorded}: {atMs, bytes} pairs (the first use starts the clock); then the allowance at {@code checkMs}. */
  record Row(String what, long limit, long[][] recorded, long checkMs, long expectedAllowance) {}

  @Test
  void table() {
    List<Row> rows = List.of(
        new Row("a new limit starts empty", LIMIT, new long[][] {{0, 0}}, 0, 0),
        new Row("it grows at the limit", LIMIT, new long[][] {{0, 0}}, 500, 500),
        new Row("to one second's worth at most: idling saves no burst", LIMIT, new long[][] {{0, 0}}, 60_000, 1_000),
        new Row("bytes moved spend it", LIMIT, new long[][] {{0, 0}, {800, 300}}, 800, 500),
        new Row("a batch larger than what is left leaves a debt, paid back first", LIMIT, new long[][] {{0, 0}, {1_000, 3_000}},
            2_500, 0),
        new Row("then it grows again", LIMIT, new long[][] {{0, 0}, {1_000, 3_000}}, 3_500, 500),
        new Row("the debt is at most ten seconds' worth", LIMIT, new long[][] {{0, 0}, {0, 1_000_000}}, 10_200, 200),
        new Row("unlimited", ReplicationQuota.UNLIMITED, new long[][] {{0, 1L << 40}}, 0, ReplicationQuota.UNLIMITED));
    for (Row r : rows) {
      ReplicationQuota q = new ReplicationQuota(r.limit());
      for (long[] rec : r.recorded()) {
        q.record(rec[1], rec[0]);
      }
      assertEquals(r.expectedAllowance(), q.allowance(r.checkMs()), r.what());
    }
  }

  @Test
  void aLimitSetOnAnUnlimitedQuotaStartsEmptyAndAChangedLimitKeepsItsBounds() {
    ReplicationQuota q = new ReplicationQuota(ReplicationQuota.UNLIMITED);
    q.record(1_000_000, 0);
    q.setLimit(LIMIT);
    assertEquals(0, q.allowance(5_000), "first use under the limit");
    assertEquals(1_000, q.allowance(10_000));
    q.setLimit(100);
    assertEquals(100, q.allowance(10_000), "clamped to the new one second's worth");
  }

  /**
   * A reader that always takes all it is allowed, in batches of up to {@code batch} bytes (one whole batch even when
   * less is left, as a fetch returns): over every span the bytes stay within limit x (span + 1 s) + one batch, and
   * over a long run the average is the limit.
   */
  @Test
  void aGreedyReaderStaysWithinTheLimitOverEverySpan() {
    long batch = 1_500;
    long[] movedAt = new long[60_001];
    ReplicationQuota q = new ReplicationQuota(LIMIT);
    long total = 0;
    for (int ms = 0; ms <= 60_000; ms += 10) {
      long allowed = q.allowance(ms);
      if (allowed > 0) {
        long take = Math.max(Math.min(allowed, batch), batch); // the whole batch even if more than allowed
        q.record(take, ms);
        total += take;
      }
      movedAt[ms] = total;
    }
    for (int from = 0; from <= 60_000; from += 10) {
      for (int to = from; to <= 60_000; to += 990) {
        long moved = movedAt[to] - (from == 0 ? 0 : movedAt[from - 10]);
        long bound = LIMIT * (to - from + ReplicationQuota.BURST_MS) / 1000 + batch;
        assertTrue(moved <= bound, "moved " + moved + " bytes in [" + from + ", " + to + "] ms, bound " + bound);
      }
    }
    assertTrue(total <= LIMIT * 60 + batch && total >= LIMIT * 59, "average over a minute: " + total / 60 + " B/s");
  }
}
