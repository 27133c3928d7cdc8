package io.tributary.connect.runtime;

import java.util.OptionalLong;

/**
 * Counters of one pipeline, as {@code connect status} and the progress lines show them.
 *
 * @param recordsIn records read from the source
 * @param recordsOut records written to the sink (acknowledged by the brokers, or in a completed Hudi commit)
 * @param deadLettered records sent to the dead-letter topic
 * @param droppedByFilter records a {@code filter} transform dropped
 * @param lag records in the source not read yet (topic sources: log end minus position), empty if unknown
 * @param lastCommitMillis wall-clock time of the last completed sink commit, empty if none yet
 */
public record PipelineMetrics(
    long recordsIn, long recordsOut, long deadLettered, long droppedByFilter, OptionalLong lag,
    OptionalLong lastCommitMillis) {}
