package io.tributary.bench;

import java.util.List;
import java.util.Map;

/**
 * The produce/consume workload's parameters: identical for every system in one comparison run.
 *
 * @param records measured records to produce and then consume
 * @param recordSizeBytes size of each record value (no key); at least 8 (the sequence number)
 * @param partitions partitions of the benchmark topic
 * @param replicationFactor replication factor of the benchmark topic
 * @param warmupRecords records produced and consumed on a separate topic before measuring (not counted)
 * @param maxRecordsPerSec producer rate limit of the throughput phase, 0 = as fast as the producer goes
 * @param latencyRecordsPerSec rate of the fixed-rate latency phase, 0 = no such phase
 * @param latencySeconds duration of the fixed-rate latency phase
 * @param producerProps client overrides applied on top of the defaults (same for every system)
 * @param consumerProps client overrides applied on top of the defaults (same for every system)
 * @param stallTimeoutMs a phase that makes no progress this long fails, naming the phase
 */
public record WorkloadOptions(
    long records,
    int recordSizeBytes,
    int partitions,
    short replicationFactor,
    long warmupRecords,
    long maxRecordsPerSec,
    long latencyRecordsPerSec,
    int latencySeconds,
    Map<String, String> producerProps,
    Map<String, String> consumerProps,
    long stallTimeoutMs) {

  public static final long DEFAULT_RECORDS = 2_000_000;
  public static final int DEFAULT_RECORD_SIZE = 100;
  public static final int DEFAULT_PARTITIONS = 6;
  public static final long DEFAULT_LATENCY_RATE = 5_000;
  public static final int DEFAULT_LATENCY_SECONDS = 10;

  /** Records of the fixed-rate latency phase (0 when there is none). */
  public long latencyRecords() {
    return latencyRecordsPerSec * latencySeconds;
  }

  public WorkloadOptions {
    if (records < 1 || records > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("--records must be within [1, " + Integer.MAX_VALUE + "], got " + records);
    }
    if (recordSizeBytes < 8 || recordSizeBytes > 1_000_000) {
      throw new IllegalArgumentException("--record-size must be within [8, 1000000] bytes, got " + recordSizeBytes);
    }
    if (partitions < 1 || partitions > 10_000) {
      throw new IllegalArgumentException("--partitions must be within [1, 10000], got " + partitions);
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException("--replication-factor must be at least 1, got " + replicationFactor);
    }
    if (warmupRecords < 0 || warmupRecords > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("--warmup-records must be within [0, " + Integer.MAX_VALUE + "]");
    }
    if (maxRecordsPerSec < 0) {
      throw new IllegalArgumentException("--rate must be >= 0 (0 = unlimited)");
    }
    if (latencyRecordsPerSec < 0 || latencyRecordsPerSec > 10_000_000) {
      throw new IllegalArgumentException("--latency-rate must be within [0, 10000000] (0 = no latency phase)");
    }
    if (latencySeconds < 1 || latencySeconds > 3600) {
      throw new IllegalArgumentException("--latency-seconds must be within [1, 3600]");
    }
    producerProps = Map.copyOf(producerProps);
    consumerProps = Map.copyOf(consumerProps);
  }

  static final List<String> OPTIONS = List.of(
      "records", "record-size", "partitions", "replication-factor", "warmup-records", "rate", "latency-rate", "latency-seconds",
      "producer-prop", "consumer-prop", "stall-timeout-ms");

  /** Reads the workload options; the replication factor defaults to {@code defaultRf}. */
  static WorkloadOptions from(Args args, short defaultRf) {
    long records = args.longValue("records", DEFAULT_RECORDS);
    return new WorkloadOptions(
        records,
        args.intValue("record-size", DEFAULT_RECORD_SIZE),
        args.intValue("partitions", DEFAULT_PARTITIONS),
        (short) args.intValue("replication-factor", defaultRf),
        args.longValue("warmup-records", Math.min(200_000, Math.max(records / 10, 10_000))),
        args.longValue("rate", 0),
        args.longValue("latency-rate", DEFAULT_LATENCY_RATE),
        args.intValue("latency-seconds", DEFAULT_LATENCY_SECONDS),
        args.props("producer-prop"),
        args.props("consumer-prop"),
        args.longValue("stall-timeout-ms", 60_000));
  }

  static String usage() {
    return String.join("\n",
        "  --records N              measured records (default 2000000; 500k and 2M style suffixes accepted)",
        "  --record-size B          value size in bytes (default 100, no key)",
        "  --partitions P           partitions of the topic (default 6)",
        "  --replication-factor R   default: number of brokers (1 or 3)",
        "  --warmup-records W       produced+consumed on a separate topic first (default 10% of records, 10k..200k)",
        "  --rate R                 throughput phase: producer records/s limit, 0 = unlimited (default 0)",
        "  --latency-rate R         latency phase: produce at a fixed R records/s (default 5000; 0 = skip)",
        "  --latency-seconds S      latency phase duration (default 10)",
        "  --producer-prop k=v      extra producer setting (repeatable; applied to every system)",
        "  --consumer-prop k=v      extra consumer setting (repeatable; applied to every system)",
        "  --stall-timeout-ms T     fail a phase that makes no progress for T ms (default 60000)");
  }
}
