package io.tributary.log.storage;

import org.apache.kafka.common.record.Records;

/** Result of a read: a FileRecords slice of one segment (zero copy) or MemoryRecords.EMPTY. */
public record LogReadResult(Records records, long logStartOffset, long logEndOffset) {}
