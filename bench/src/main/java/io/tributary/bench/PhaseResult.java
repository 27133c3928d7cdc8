package io.tributary.bench;

/**
 * One measured phase (produce or consume).
 *
 * @param records records acknowledged (produce) or received (consume)
 * @param bytes value bytes of those records
 * @param elapsedNanos from the first send / poll to the last ack / record
 * @param latency per-record ack latency (produce only, else null)
 */
public record PhaseResult(long records, long bytes, long elapsedNanos, LatencyStats latency) {

  public double seconds() {
    return elapsedNanos / 1e9;
  }

  public double recordsPerSec() {
    return records / seconds();
  }

  /** MiB (2^20 bytes) per second of record values, as Kafka's perf tools print "MB/sec". */
  public double mibPerSec() {
    return bytes / (1024.0 * 1024.0) / seconds();
  }
}
