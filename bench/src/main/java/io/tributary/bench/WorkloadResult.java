package io.tributary.bench;

/**
 * The produce/consume workload's outcome on one system.
 *
 * @param system label, e.g. "kafka 3.9.1" or "tributary"
 * @param description brokers, RF and partitions, e.g. "1 broker, RF=1, 6 partitions"
 * @param produce the measured produce phase
 * @param consume the measured consume phase
 * @param fixedRate the fixed-rate latency phase, or null when not run
 * @param verification what was checked on the consumed records
 */
public record WorkloadResult(
    String system, String description, PhaseResult produce, PhaseResult consume, PhaseResult fixedRate,
    String verification) {}
