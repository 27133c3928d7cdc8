package io.tributary.spark.jobs;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts of one job run, added to batch by batch: records read, written, and quarantined by reason. Nothing
 * read is unaccounted for: {@code read == written + quarantined + skipped} where skipped counts records the
 * table already held (a replayed batch).
 */
public final class JobTotals {
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong read = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong rowsOut = new AtomicLong();
  private final Map<String, Long> quarantined = new TreeMap<>();
  private volatile long startNanos = System.nanoTime();

  public synchronized void add(long read, long written, long rowsOut, Map<String, Long> quarantinedByReason) {
    batches.incrementAndGet();
    this.read.addAndGet(read);
    this.written.addAndGet(written);
    this.rowsOut.addAndGet(rowsOut);
    quarantinedByReason.forEach((r, n) -> quarantined.merge(r, n, Long::sum));
  }

  public void restartClock() {
    startNanos = System.nanoTime();
  }

  public long batches() {
    return batches.get();
  }

  public long read() {
    return read.get();
  }

  /** Records that made it into the job's output (upserted, or counted in a window or report). */
  public long written() {
    return written.get();
  }

  /** Rows the output table received (upserted windows or summary rows). */
  public long rowsOut() {
    return rowsOut.get();
  }

  public synchronized Map<String, Long> quarantined() {
    return new TreeMap<>(quarantined);
  }

  public synchronized long quarantinedTotal() {
    return quarantined.values().stream().mapToLong(Long::longValue).sum();
  }

  public double seconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** One line: {@code 3 batches, 1500 records read, 1495 written, 5 quarantined (NOT_WIRE_FORMAT=5)}. */
  public synchronized String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append(batches()).append(batches() == 1 ? " batch, " : " batches, ").append(read()).append(" records read, ")
        .append(written()).append(" written, ").append(quarantinedTotal()).append(" quarantined");
    if (!quarantined.isEmpty()) {
      sb.append(' ').append(quarantined.toString().replace('{', '(').replace('}', ')'));
    }
    return sb.toString();
  }
}
